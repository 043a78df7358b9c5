"""Sign-in e-mails leave the database: each account's address is sealed under the master key and its
``email`` column (and allauth's e-mail address rows) hold the keyed index instead. Sessions are ended, since
allauth kept the typed address in them; rows left by a second address are removed (one per account now).
Reversing writes the addresses back in the clear, so that the earlier code can sign anyone in."""

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
            key = identity.login_key(row.email)
            if User.objects.filter(pk=row.user_id, email=key).exists():
                row.email = key
                row.save(update_fields=["email"])
            else:  # a second address: never sealed, never shown, so it must not sign in either
                row.delete()
    if apps.is_installed("django.contrib.sessions"):
        apps.get_model("sessions", "Session").objects.all().delete()


def unseal_addresses(apps: Any, schema_editor: Any) -> None:
    from confide.accounts import identity

    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    for user in User.objects.exclude(email_sealed=b"").iterator():
        key, address = user.email, identity.address_open(user.email_sealed)
        EmailAddress.objects.filter(user_id=user.pk, email=key).update(email=address)
        user.email = address
        user.save(update_fields=["email"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("account", "0009_emailaddress_unique_primary_email"),
        ("sessions", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user", name="email_sealed", field=models.BinaryField(default=b"", editable=False),
            preserve_default=False,
        ),
        migrations.RunPython(seal_addresses, unseal_addresses),
    ]
