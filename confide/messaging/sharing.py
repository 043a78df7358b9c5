"""Sharing a thread's earlier messages with someone who joined it later (share.py): what a member can
share with whom, the sealed keys their browser re-seals, and storing the shares after checking each — the
sharer a recipient who signed it, the target a current recipient without the message. Audited, so the
client's history shows who let whom read the earlier messages."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.clients.models import Client
from confide.messaging import envelope as env
from confide.messaging import share
from confide.messaging.models import Mailbox, Message, MessageKey
from confide.messaging.selectors import current_mailbox, recipients_of, thread_for_member
from confide.messaging.services import SEALED_CONTENT_KEY, MessagingError, unb64
from confide.practices.models import Member

LIMIT = 500  # messages shared in one go; the page asks again for the rest


@dataclass(frozen=True)
class Shareable:
    """A message the member can open that ``target`` cannot: its context and commitment, and its key as
    sealed to the member."""

    id: uuid.UUID
    context: bytes
    commitment: bytes
    sealed: bytes


def _target(client: Client, key_id: str, mine: Mailbox) -> Mailbox:
    target = next((box for box in recipients_of(client) if box.key_id == key_id), None)
    if target is None or target.id == mine.id:
        raise MessagingError("Messages can be shared only with someone in this conversation now.")
    return target


def _missing(client: Client, mine: Mailbox, target: Mailbox) -> list[MessageKey]:
    held = MessageKey.objects.filter(practice_id=client.practice_id, mailbox=target, message__client=client)
    keys = MessageKey.objects.filter(practice_id=client.practice_id, mailbox=mine, message__client=client)
    rows = keys.exclude(message_id__in=held.values("message_id")).select_related("message")
    return list(rows.order_by("message__sent_at", "message_id")[:LIMIT])


def unshared(*, member: Member, client_id: object) -> dict[str, int]:
    """For each other person in the thread now, by key id: how many messages the member could share."""
    client = thread_for_member(member=member, client_id=client_id)
    mine = current_mailbox(member)
    if mine is None:
        return {}
    return {box.key_id: len(_missing(client, mine, box)) for box in recipients_of(client) if box.id != mine.id}


def shareable(*, member: Member, client_id: object, target: str, channel: Channel) -> list[Shareable]:
    """The messages the member's browser is to re-seal for ``target``: read, so audited as one."""
    client = thread_for_member(member=member, client_id=client_id)
    mine = current_mailbox(member)
    if mine is None:
        raise MessagingError("Set up secure messages on this device first.")
    rows = _missing(client, mine, _target(client, target, mine))
    key = client.data_key()
    found = []
    for row in rows:
        parts = json.loads(row.message.open("envelope", key=key))
        found.append(Shareable(row.message_id, unb64(parts["context"]), unb64(parts["commitment"]), bytes(row.sealed)))
    if found:
        with transaction.atomic():
            event_record(
                actor=member, action=AuditAction.MESSAGE_READ, channel=channel, client_id=client.id,
                object_type="message", object_ids=[str(s.id) for s in found],
            )  # fmt: skip
    return found


def history_share(
    *, member: Member, client_id: object, target: str, shares: dict[str, tuple[bytes, bytes]], channel: Channel
) -> int:
    """Keep ``shares`` (message id → the key re-sealed to ``target``, the member's signature) once each
    checks out; all or nothing. The number kept."""
    client = thread_for_member(member=member, client_id=client_id)
    mine = current_mailbox(member)
    if mine is None:
        raise MessagingError("Set up secure messages on this device first.")
    to = _target(client, target, mine)
    missing = {str(row.message_id): row.message for row in _missing(client, mine, to)}
    sharer = env.Mailbox.from_raw(bytes(mine.receive), bytes(mine.verify))
    key = client.data_key()
    rows = []
    for message_id, (sealed, signature) in shares.items():
        message: Message | None = missing.get(message_id)
        if message is None:
            raise MessagingError("A message shared is not one you can share with them: reload the page.")
        context = unb64(json.loads(message.open("envelope", key=key))["context"])
        try:
            if len(sealed) != SEALED_CONTENT_KEY:
                raise env.EnvelopeError("not a sealed key")
            share.check_share(context, to.key_id, sealed, signature, sharer=sharer)
        except env.EnvelopeError:
            raise MessagingError("That share is not sealed and signed by your current key.") from None
        rows.append(
            MessageKey(
                practice_id=client.practice_id, message=message, mailbox=to, sealed=sealed, shared_by=mine,
                share_signature=signature,
            )
        )  # fmt: skip
    if not rows:
        return 0
    with transaction.atomic():
        try:
            with transaction.atomic():
                MessageKey.objects.bulk_create(rows)
        except IntegrityError:  # shared meanwhile, from another page: nothing of this request is kept
            raise MessagingError("Someone shared these messages meanwhile: reload the page.") from None
        event_record(
            actor=member, action=AuditAction.MESSAGE_SHARE, channel=channel, client_id=client.id,
            object_type="mailbox", object_id=to.key_id, purpose=str(len(rows)),
        )  # fmt: skip
    return len(rows)
