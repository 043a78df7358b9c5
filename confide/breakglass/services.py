"""Open a record in an emergency (off the care team): reason required, time-limited, owner alerted, reviewed."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.breakglass.models import Grant
from confide.clients.models import Client
from confide.clients.services import lookup_index
from confide.lib.lookup import one_or_404
from confide.outbox.models import OutgoingMail
from confide.outbox.services import mail_send
from confide.practices.models import Member
from confide.practices.permissions import Permission, Role
from confide.web.links import absolute

MINUTES = 60


def grant_active(*, member: Member, client_id: uuid.UUID, now: dt.datetime | None = None) -> Grant | None:
    return Grant.objects.filter(
        practice_id=member.practice_id, member=member, client_id=client_id, expires_at__gt=now or timezone.now()
    ).first()


def breakglass_open(*, member: Member, client_number: str, reason: str, channel: Channel) -> Client:
    """Find the client by their number and grant one hour's read access; the owners are told at once."""
    if not member.has(Permission.CLIENTS_BREAKGLASS_OPEN):
        raise Http404
    errors = {}
    if len(reason.strip()) < 20:
        errors["reason"] = "State the emergency in a sentence: it is reviewed, and the client will see the access."
    client = Client.objects.filter(
        practice_id=member.practice_id, number_bidx=lookup_index("number", client_number.strip()), shredded_at=None
    ).first()
    if client is None:
        errors["client_number"] = "No client with that number."
    if errors:
        raise ValidationError(errors)
    assert client is not None
    now = timezone.now()
    grant = Grant(
        practice_id=member.practice_id,
        client=client,
        member=member,
        opened_at=now,
        expires_at=now + dt.timedelta(minutes=MINUTES),
    )
    grant.seal("reason", reason.strip(), key=client.data_key())
    owners = list(
        Member.objects.filter(practice_id=member.practice_id, role=Role.OWNER, is_active=True).select_related("user")
    )
    with transaction.atomic():
        grant.save()
        event_record(
            actor=member,
            action=AuditAction.BREAKGLASS_OPEN,
            channel=channel,
            client_id=client.id,
            object_type="break-glass",
            object_id=str(grant.id),
            purpose="emergency access",
        )
        body = render_to_string("breakglass/email/alert.txt", {"link": absolute(reverse("breakglass_reviews"))})
        for owner in owners:  # kept with the access: no alert, no access; a mail server down delays, never drops it
            mail_send(
                practice_id=member.practice_id,
                kind=OutgoingMail.Kind.BREAKGLASS_ALERT,
                to=owner.user.address,
                subject="Emergency access opened in your practice",
                body=body,
            )
    return client


def breakglass_review(*, actor: Member, grant_id: object, justified: bool, note: str, channel: Channel) -> None:
    if not actor.has(Permission.PRACTICE_BREAKGLASS_REVIEW):
        raise Http404
    if not note.strip():
        raise ValidationError({"note": "Record the reasons for your decision."})
    with transaction.atomic():
        grant = one_or_404(
            Grant.objects.select_for_update().select_related("client"),
            practice_id=actor.practice_id,
            pk=str(grant_id),
            reviewed_at=None,
        )
        grant.reviewed_by, grant.reviewed_at = actor, timezone.now()
        grant.decision = Grant.Decision.JUSTIFIED if justified else Grant.Decision.NOT_JUSTIFIED
        grant.expires_at = min(grant.expires_at, grant.reviewed_at)  # closing the review ends the access
        grant.seal("review_note", note.strip(), key=grant.client.data_key())
        grant.save(update_fields=["reviewed_by", "reviewed_at", "decision", "expires_at", "review_note_ct"])
        event_record(
            actor=actor,
            action=AuditAction.BREAKGLASS_REVIEW,
            channel=channel,
            client_id=grant.client_id,
            object_type="break-glass",
            object_id=str(grant.id),
            purpose=grant.decision,
        )


def reviews_open(*, actor: Member) -> list[Grant]:
    if not actor.has(Permission.PRACTICE_BREAKGLASS_REVIEW):
        raise Http404
    return list(
        Grant.objects.filter(practice_id=actor.practice_id, reviewed_at=None)
        .select_related("member__user", "client")
        .order_by("opened_at")
    )
