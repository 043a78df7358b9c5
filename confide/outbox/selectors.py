"""What an owner sees of the mail that could not be sent yet: kinds, times and attempts, never content."""

from __future__ import annotations

from django.db.models import QuerySet

from confide.outbox.models import OutgoingMail
from confide.practices.models import Member
from confide.practices.permissions import Permission


def mail_unsent_for(*, member: Member) -> QuerySet[OutgoingMail]:
    """The practice's mail that has failed at least once (owners only; nothing for anyone else)."""
    if not member.has(Permission.PRACTICE_MEMBER_MANAGE):
        return OutgoingMail.objects.none()
    return OutgoingMail.objects.filter(practice_id=member.practice_id, attempts__gt=0).defer("envelope_ct")
