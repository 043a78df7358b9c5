from django.db import migrations

from confide.audit.appendonly import migration_operation


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0005_suspension_entries"), ("audit", "0004_append_only")]
    operations = [migration_operation(("disclosures_suspension",))]  # the tables as they stood at this migration
