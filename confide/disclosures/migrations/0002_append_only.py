from django.db import migrations

from confide.audit.appendonly import migration_operation


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0001_initial"), ("audit", "0004_append_only")]
    operations = [migration_operation(("disclosures_accountingentry",))]  # the tables as they stood at this migration
