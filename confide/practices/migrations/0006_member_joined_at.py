"""Members join by accepting their invitation. Before this, inviting an address made its account an active
member at once; a member invited and never accepted is now pending (not active) until they accept."""

import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def pending_when_never_accepted(apps, schema_editor):  # type: ignore[no-untyped-def]
    Member = apps.get_model("practices", "Member")
    Invitation = apps.get_model("invitations", "Invitation")
    invited = Invitation.objects.filter(kind="member").values_list("member_id", flat=True)
    accepted = Invitation.objects.filter(kind="member", accepted_at__isnull=False).values_list("member_id", flat=True)
    Member.objects.update(joined_at=models.F("created_at"))
    # Someone who never accepted but has signed in (a password set through "forgot password") has joined.
    never = Member.objects.filter(id__in=invited, user__last_login__isnull=True).exclude(id__in=accepted)
    never.update(joined_at=None, is_active=False)


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0005_credentials"),
        ("invitations", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="member",
            name="joined_at",
            field=models.DateTimeField(default=django.utils.timezone.now, null=True),
        ),
        # A pending member stays inactive on the way back: nobody becomes a member by a rollback.
        migrations.RunPython(pending_when_never_accepted, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="member",
            constraint=models.CheckConstraint(
                condition=models.Q(joined_at__isnull=False) | models.Q(is_active=False),
                name="member_active_only_once_joined",
            ),
        ),
    ]
