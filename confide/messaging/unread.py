"""What a person has not opened yet: per thread they may still read, how many messages sealed to them and
since when. Counts and times only — no message, sender or word of text — for the portal, the dashboard
and the no-PHI notification e-mail."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min

from confide.careteams.models import CareTeamMember
from confide.clients.models import Client
from confide.messaging.models import MessageKey
from confide.practices.models import Member
from confide.practices.permissions import CARE_TEAM_ROLE_PERMISSIONS, Permission


@dataclass(frozen=True)
class Unread:
    client_id: uuid.UUID
    count: int
    oldest: datetime


def threads_of(member: Member) -> set[uuid.UUID]:
    """The threads ``member`` may read now: their own as a client, or their care-team seats that carry
    messaging (the thread funnel's rule, for many threads at once)."""
    clients = Client.objects.filter(practice_id=member.practice_id, shredded_at=None)
    if member.has(Permission.PORTAL_MESSAGES_USE):
        return set(clients.filter(portal_member=member).values_list("id", flat=True))
    if not member.has(Permission.MESSAGING_THREAD_USE):
        return set()
    seats = CareTeamMember.objects.filter(practice_id=member.practice_id, member=member, client__in=clients)
    return {
        s.client_id
        for s in seats.only("client_id", "team_role")
        if Permission.MESSAGING_THREAD_USE in CARE_TEAM_ROLE_PERMISSIONS[s.team_role]
    }


def unread_for(member: Member) -> list[Unread]:
    """Messages sealed to one of ``member``'s mailboxes, written by someone else, that they have not
    opened, per thread they may still read, oldest waiting first."""
    threads = threads_of(member)
    if not threads:
        return []
    keys = (
        MessageKey.objects.filter(
            practice_id=member.practice_id, mailbox__member=member, message__client_id__in=threads
        )
        .exclude(message__sender=member)
        .exclude(message__reads__member=member)
    )
    rows = keys.values("message__client_id").annotate(
        count=Count("message", distinct=True), oldest=Min("message__sent_at")
    )
    found = [Unread(r["message__client_id"], r["count"], r["oldest"]) for r in rows]
    return sorted(found, key=lambda u: u.oldest)
