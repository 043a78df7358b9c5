"""Reads of the journal: its one funnel (a client's own, and nobody else's) and the audited list."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.http import Http404

from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.clients.models import Client
from confide.journal.models import JournalEntry
from confide.practices.models import Member
from confide.practices.permissions import Permission


def journal_for_member(*, member: Member) -> Client:
    """The client whose journal this is: only ever the member's own record, or 404. No role, seat or
    emergency access opens another person's journal."""
    if not member.has(Permission.PORTAL_JOURNAL_USE):
        raise Http404
    client = Client.objects.filter(practice_id=member.practice_id, portal_member=member, shredded_at=None).first()
    if client is None:
        raise Http404
    return client


@dataclass(frozen=True)
class SealedEntry:
    id: uuid.UUID
    written_at: datetime
    mailbox: str  # the key id it is sealed to: an entry sealed to keys given up no longer opens
    envelope: dict[str, object]


def entries_read(*, member: Member, channel: Channel) -> list[SealedEntry]:
    """Every entry, newest first, for the client's browser to open; audited as one read."""
    client = journal_for_member(member=member)
    rows = JournalEntry.objects.filter(practice_id=client.practice_id, client=client).select_related("mailbox")
    key = client.data_key()
    entries = [
        SealedEntry(e.id, e.written_at, e.mailbox.key_id, json.loads(e.open("envelope", key=key)))
        for e in rows.order_by("-written_at", "-id")
    ]
    with transaction.atomic():
        event_record(
            actor=member, action=AuditAction.JOURNAL_READ, channel=channel, client_id=client.id,
            object_type="journal-entry", object_ids=[str(e.id) for e in entries],
        )  # fmt: skip
    return entries
