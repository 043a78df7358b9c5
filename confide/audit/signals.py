"""Sign-ins are recorded in the log. allauth announces them only by signal, so this is the
one receiver in Confide; it records and nothing else."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest

from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.practices.selectors import member_for_user


@receiver(user_logged_in)
def record_sign_in(sender: object, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    # In the practice the session begins in only: another practice the person belongs to learns nothing of
    # a sign-in that was not for it (switching to it records one there: confide.practices.views).
    member = member_for_user(user=user)
    if member is None:
        return
    with transaction.atomic():
        event_record(actor=member, action=AuditAction.SIGN_IN, channel=Channel.WEB, object_type="session")
