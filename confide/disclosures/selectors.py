"""Reads: a disclosure for the people who handle it, deadlines, and the client's accounting."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.clients.models import Client
from confide.consent.due import add_months
from confide.disclosures.models import AccountingEntry, DeadlineTask, DisclosureRequest
from confide.disclosures.sealing import hidden_requests
from confide.lib.lookup import one_or_404
from confide.practices.models import Member
from confide.practices.permissions import Permission

LOOKBACK_YEARS = 6  # 45 CFR 164.528(a)


def request_for_member(*, member: Member, request_id: object) -> DisclosureRequest:
    """Its author, or a clinician who may approve (consultation), may open a disclosure."""
    request = one_or_404(
        DisclosureRequest.objects.select_related("client__practice", "created_by__user", "decided_by__user"),
        practice_id=member.practice_id,
        pk=str(request_id),
    )
    if request.created_by_id != member.id and not member.has(Permission.PRACTICE_DISCLOSURE_APPROVE):
        raise Http404
    return request


def awaiting_decision(*, member: Member) -> list[DisclosureRequest]:
    """Disclosures a second clinician must approve, or emergency releases still to review."""
    if not member.has(Permission.PRACTICE_DISCLOSURE_APPROVE):
        return []
    pending = Q(state=DisclosureRequest.State.AWAITING) | Q(emergency=True, decided_by=None, state="released")
    return list(
        DisclosureRequest.objects.filter(pending, practice_id=member.practice_id)
        .exclude(created_by=member)
        .order_by("created_at")
    )


def tasks_open(*, member: Member) -> list[DeadlineTask]:
    return list(
        DeadlineTask.objects.filter(practice_id=member.practice_id, owner=member, done_at=None).order_by("due_at")
    )


@dataclass(frozen=True)
class AccountingLine:
    id: uuid.UUID
    disclosed_at: dt.datetime
    recipient: str
    address: str
    description: str
    purpose: str
    basis: str
    corrects: uuid.UUID | None


def accounting_for_client(
    *, client: Client, viewer: Member, channel: Channel, today: dt.date | None = None
) -> list[AccountingLine]:
    """The client's accounting: six years back, newest first. A disclosure held back (a delayed or withheld
    notice, a suspension) is left out until its seal lifts: its lifting event in the log, which is also
    what shows its entries in the history (``confide.audit.lifts.seals_lifted``)."""
    today = today or timezone.localdate()
    since = add_months(today, -12 * LOOKBACK_YEARS)
    hidden = hidden_requests(practice_id=client.practice_id, client_id=client.id)
    rows = (
        AccountingEntry.objects.filter(practice_id=client.practice_id, client=client, disclosed_at__date__gte=since)
        .exclude(request_id__in=hidden)
        .order_by("-disclosed_at")
    )
    key = client.data_key()
    lines = [
        AccountingLine(
            id=e.id,
            disclosed_at=e.disclosed_at,
            recipient=e.open("recipient_name", key=key),
            address=e.open("recipient_address", key=key),
            description=e.open("description", key=key),
            purpose=e.open("purpose", key=key),
            basis=e.basis_rule_id,
            corrects=e.corrects_id,
        )
        for e in rows
    ]
    with transaction.atomic():
        event_record(
            actor=viewer,
            action=AuditAction.ACCOUNTING_READ,
            channel=channel,
            client_id=client.id,
            object_type="accounting",
        )
    return lines
