"""Reads of messaging: the one access funnel for a client's thread, and who its messages are sealed to."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.http import Http404

from confide.audit.actions import AuditAction, Channel
from confide.audit.models import AuditEvent
from confide.audit.services import event_record
from confide.careteams.models import CareTeamMember
from confide.clients.models import Client
from confide.lib.lookup import one_or_404
from confide.messaging.models import Mailbox, Message, MessageKey, MessageRead
from confide.practices.models import Member
from confide.practices.permissions import CARE_TEAM_ROLE_PERMISSIONS, Permission


def thread_for_member(*, member: Member, client_id: object) -> Client:
    """The client whose thread ``member`` may read and write, or 404: a client's own, or one where the
    member holds a care-team seat that carries messaging. Break-glass opens the record, never a thread."""
    clients = Client.objects.filter(practice_id=member.practice_id, shredded_at=None)
    if member.has(Permission.PORTAL_MESSAGES_USE):
        return one_or_404(clients, id=client_id, portal_member=member)
    if not member.has(Permission.MESSAGING_THREAD_USE):
        raise Http404
    client = one_or_404(clients, id=client_id)
    seat = CareTeamMember.objects.filter(practice_id=member.practice_id, client=client, member=member).first()
    if seat is None or Permission.MESSAGING_THREAD_USE not in CARE_TEAM_ROLE_PERMISSIONS[seat.team_role]:
        raise Http404
    return client


def current_mailbox(member: Member) -> Mailbox | None:
    return Mailbox.objects.filter(practice_id=member.practice_id, member=member, retired_at=None).first()


def thread_members(client: Client) -> list[Member]:
    """The people of a client's thread: the client (once they use the portal) and each active member of
    their care team whose seat carries messaging."""
    seats = CareTeamMember.objects.filter(practice_id=client.practice_id, client=client).select_related("member__user")
    members = [
        s.member
        for s in seats
        if Permission.MESSAGING_THREAD_USE in CARE_TEAM_ROLE_PERMISSIONS[s.team_role]
        and s.member.has(Permission.MESSAGING_THREAD_USE)  # a seat outlives a lowered role: the role decides too
    ]
    portal = client.portal_member
    if portal is not None and portal.has(Permission.PORTAL_MESSAGES_USE):
        members.append(portal)
    return [m for m in members if m.user.is_active and m.practice_id == client.practice_id]


def recipients_of(client: Client) -> list[Mailbox]:
    """The current mailboxes of the thread's people, by key id: whom each new message is sealed to."""
    ids = [m.id for m in thread_members(client)]
    boxes = Mailbox.objects.filter(practice_id=client.practice_id, member_id__in=ids, retired_at=None)
    return sorted(boxes.select_related("member__user"), key=lambda box: box.key_id)


def recipients_recorded(*, client: Client, actor: Member, channel: Channel) -> list[Mailbox]:
    """The thread's recipients, first written into the client's history if they differ from the last set
    written there (MESSAGE_RECIPIENTS, every key id named). The log itself is what is compared with — it
    is append-only and checked — so no row a database writer can edit keeps a change out of it."""
    boxes = recipients_of(client)
    key_ids = " ".join(box.key_id for box in boxes)
    with transaction.atomic():
        last = (
            AuditEvent.objects.filter(
                practice_id=client.practice_id, client_id=client.id, action=AuditAction.MESSAGE_RECIPIENTS
            )
            .order_by("-id")
            .only("object_id", "object_ids")
            .first()
        )
        if last is None or (last.object_ids or last.object_id) != key_ids:  # (one key id is kept as object_id)
            event_record(
                actor=actor,
                action=AuditAction.MESSAGE_RECIPIENTS,
                channel=channel,
                client_id=client.id,
                object_type="mailbox",
                object_ids=[box.key_id for box in boxes],
            )
    return boxes


@dataclass(frozen=True)
class SealedMessage:
    """One message as a member's browser receives it: the envelope, the content key sealed to the member's
    current mailbox (None if it was sealed before that mailbox existed) and the sender's public keys."""

    id: uuid.UUID
    sender: Member
    sent_at: datetime
    envelope: dict[str, str]  # services.PARTS, base64
    sealed_key: bytes | None
    sender_key_id: str
    sender_receive: bytes
    sender_verify: bytes
    shared_by: Mailbox | None = None  # who re-sealed the key to this mailbox (share.py), and their signature
    share_signature: bytes | None = None
    filed: bool = False  # filed into the record already (filing.py)


def thread_read(
    *, member: Member, client_id: object, channel: Channel, after: datetime | None = None, limit: int = 50
) -> tuple[Client, list[SealedMessage]]:
    """The thread's messages newer than ``after`` (the newest ``limit``), for ``member``'s browser to open;
    audited as one read of the messages shown, which are then read by the member."""
    client = thread_for_member(member=member, client_id=client_id)
    rows = Message.objects.filter(practice_id=client.practice_id, client=client).select_related(
        "sender__user", "sender_mailbox"
    )
    if after is not None:  # the next ones after what the page has, oldest first: none is skipped
        newest = list(rows.filter(sent_at__gt=after).order_by("sent_at", "id")[:limit])
    else:  # a page's first look: the newest
        newest = list(rows.order_by("-sent_at", "-id")[:limit])[::-1]
    if not newest:
        return client, []
    mine = current_mailbox(member)
    sealed: dict[uuid.UUID, MessageKey] = {}
    if mine is not None:
        keys = MessageKey.objects.filter(mailbox=mine, message_id__in=[m.id for m in newest]).select_related(
            "shared_by"
        )
        sealed = {k.message_id: k for k in keys}
    key = client.data_key()
    shown = [
        SealedMessage(
            id=m.id,
            sender=m.sender,
            sent_at=m.sent_at,
            envelope=json.loads(m.open("envelope", key=key)),
            sealed_key=bytes(sealed[m.id].sealed) if m.id in sealed else None,
            sender_key_id=m.sender_mailbox.key_id,
            sender_receive=bytes(m.sender_mailbox.receive),
            sender_verify=bytes(m.sender_mailbox.verify),
            shared_by=sealed[m.id].shared_by if m.id in sealed else None,
            share_signature=bytes(sealed[m.id].share_signature or b"") if m.id in sealed else None,
            filed=m.filed_as_id is not None,
        )
        for m in newest
    ]
    with transaction.atomic():
        event_record(
            actor=member, action=AuditAction.MESSAGE_READ, channel=channel, client_id=client.id,
            object_type="message", object_ids=[str(m.id) for m in shown],
        )  # fmt: skip
        MessageRead.objects.bulk_create(  # (read before: the unique pair keeps the first time)
            [MessageRead(practice_id=member.practice_id, message_id=m.id, member=member) for m in shown],
            ignore_conflicts=True,
        )
    return client, shown
