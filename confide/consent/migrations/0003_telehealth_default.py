import hashlib
from pathlib import Path

from django.db import migrations


def publish(apps, schema_editor):
    """Practices created before teletherapy consent existed get its default version 1."""
    practice_model = apps.get_model("practices", "Practice")
    version_model = apps.get_model("consent", "AgreementVersion")
    wording = (Path(__file__).resolve().parents[1] / "telehealth_wording.md").read_text().strip()
    for practice in practice_model.objects.all():
        if not version_model.objects.filter(practice=practice, kind="telehealth").exists():
            version_model.objects.create(
                practice=practice, kind="telehealth", number=1, wording=wording,
                wording_sha256=hashlib.sha256(wording.encode()).hexdigest(),
            )


class Migration(migrations.Migration):
    dependencies = [("consent", "0002_signature_method_length"), ("practices", "0005_credentials")]
    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
