from django.conf import settings
from django.db import migrations


def install(apps, schema_editor):
    if settings.CONFIDE_ENV == "test":
        return  # the suite flushes tables between tests; the tests install the triggers themselves
    from confide.audit.appendonly import ACCOUNTING, install as install_triggers

    install_triggers(schema_editor.connection, ACCOUNTING)


def uninstall(apps, schema_editor):
    from confide.audit.appendonly import ACCOUNTING, uninstall as uninstall_triggers

    uninstall_triggers(schema_editor.connection, ACCOUNTING)


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0001_initial"), ("audit", "0004_append_only")]
    operations = [migrations.RunPython(install, uninstall)]
