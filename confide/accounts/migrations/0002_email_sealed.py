"""Sign-in e-mails leave the database: each account's address is sealed under the master key and its
``email`` column (and allauth's e-mail address rows) hold the keyed index instead."""

from typing import Any

from django.db import migrations, models


def seal_addresses(apps: Any, schema_editor: Any) -> None:
    from confide.accounts import identity

    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    for user in User.objects.all().iterator():
        if identity.is_login_key(user.email):
            continue
        address = user.email
        user.email_sealed = identity.address_seal(address)
        user.email = identity.login_key(address)
        user.save(update_fields=["email", "email_sealed"])
    for row in EmailAddress.objects.all().iterator():
        if not identity.is_login_key(row.email):
            row.email = identity.login_key(row.email)
            row.save(update_fields=["email"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("account", "0009_emailaddress_unique_primary_email")]

    operations = [
        migrations.AddField(
            model_name="user", name="email_sealed", field=models.BinaryField(default=b"", editable=False),
            preserve_default=False,
        ),
        migrations.RunPython(seal_addresses, migrations.RunPython.noop),
    ]
