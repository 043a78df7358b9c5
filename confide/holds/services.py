"""Place and release legal holds (the owner, as privacy officer); check them before destroying data."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.clients.models import Client
from confide.holds.models import LegalHold
from confide.lib.lookup import one_or_404
from confide.practices.models import Member
from confide.practices.permissions import Permission


class UnderLegalHoldError(Exception):
    """Raised instead of destroying a record that a court order or litigation requires to be kept."""


def hold_active(*, client_id: uuid.UUID) -> bool:
    return LegalHold.objects.filter(client_id=client_id, released_at=None).exists()


def hold_check(*, client_id: uuid.UUID) -> None:
    if hold_active(client_id=client_id):
        raise UnderLegalHoldError("This record is under a legal hold; release the hold before destroying anything.")


def hold_place(*, actor: Member, client: Client, reason: str, channel: Channel) -> LegalHold:
    if not actor.has(Permission.PRACTICE_HOLD_MANAGE) or client.practice_id != actor.practice_id:
        raise Http404
    if len(reason.strip()) < 10:
        raise ValidationError({"reason": "Record the order or litigation this hold is for."})
    hold = LegalHold(practice_id=client.practice_id, client=client, placed_by=actor)
    hold.seal("reason", reason.strip(), key=client.data_key())
    with transaction.atomic():
        hold.save()
        event_record(
            actor=actor,
            action=AuditAction.HOLD_PLACE,
            channel=channel,
            client_id=client.id,
            object_type="legal-hold",
            object_id=str(hold.id),
        )
    return hold


def hold_release(*, actor: Member, hold_id: object, reason: str, channel: Channel) -> None:
    if not actor.has(Permission.PRACTICE_HOLD_MANAGE):
        raise Http404
    if len(reason.strip()) < 10:
        raise ValidationError({"release_reason": "Record why the hold ends (e.g. the case closed)."})
    with transaction.atomic():
        hold = one_or_404(
            LegalHold.objects.select_for_update().select_related("client"),
            practice_id=actor.practice_id,
            pk=str(hold_id),
            released_at=None,
        )
        hold.released_by, hold.released_at = actor, timezone.now()
        hold.seal("release_reason", reason.strip(), key=hold.client.data_key())
        hold.save(update_fields=["released_by", "released_at", "release_reason_ct"])
        event_record(
            actor=actor,
            action=AuditAction.HOLD_RELEASE,
            channel=channel,
            client_id=hold.client_id,
            object_type="legal-hold",
            object_id=str(hold.id),
        )
