from django.conf import settings
from django.db import migrations

TABLES = ("disclosures_suspension",)


def install(apps, schema_editor):
    if settings.CONFIDE_ENV == "test":
        return  # the suite flushes tables between tests; the tests install the triggers themselves
    from confide.audit.appendonly import install as install_triggers

    install_triggers(schema_editor.connection, TABLES)


def uninstall(apps, schema_editor):
    from confide.audit.appendonly import uninstall as uninstall_triggers

    uninstall_triggers(schema_editor.connection, TABLES)


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0005_suspension_entries"), ("audit", "0004_append_only")]
    operations = [migrations.RunPython(install, uninstall)]
