"""Writes of messaging (decision 19): publishing a mailbox and its devices, and storing a sealed message
after checking everything the server can check without reading it — who may write in the thread, that the
envelope is bound to this practice, thread and message, that it is sealed to exactly the thread's current
recipients, and that the sender's published key signed it."""

from __future__ import annotations

import base64
import json
import uuid

from django.db import transaction

from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.lib.lookup import insert_new
from confide.messaging import envelope as env
from confide.messaging.attachments import AttachmentError, attachments_link
from confide.messaging.models import Mailbox, Message, MessageKey, MessageRead
from confide.messaging.selectors import current_mailbox, recipients_recorded, thread_for_member
from confide.practices.models import Member


class MessagingError(ValueError):
    """A request the server refuses, with words for the person (nothing in them is PHI)."""


# What a browser uploads, by size: a secret of 64 bytes sealed with HPKE (enc 32, tag 16) to a device, or
# with AES-GCM (nonce 12, tag 16) under a recovery code; a 32-byte content key sealed with HPKE.
SEALED_TO_DEVICE = 32 + 64 + 16
SEALED_FOR_RECOVERY = env.NONCE + 64 + 16
SEALED_CONTENT_KEY = 32 + 32 + 16
PARTS = ("context", "nonce", "body", "signature", "commitment")  # an envelope as uploaded and kept


def unb64(value: object) -> bytes:
    """Bytes a browser sent as base64; MessagingError for anything else."""
    if not isinstance(value, str):
        raise MessagingError("That is not a sealed upload.")
    try:
        return base64.b64decode(value, validate=True)
    except ValueError:  # (binascii.Error is one)
        raise MessagingError("That is not a sealed upload.") from None


def envelope_from(upload: dict[str, object]) -> env.Envelope:
    """An envelope as a browser uploads it (base64 fields); MessagingError for anything else."""
    try:
        sealed = upload["keys"]
        if not isinstance(sealed, dict):
            raise TypeError
        context, nonce, body, signature, commitment = (unb64(upload[name]) for name in PARTS)
        sealed_keys = {str(mid): unb64(k) for mid, k in sealed.items()}
        return env.Envelope(context, nonce, body, sealed_keys, signature, commitment)
    except (KeyError, TypeError, ValueError):
        raise MessagingError("That is not a sealed message.") from None


def envelope_check(
    *, member: Member, thread: uuid.UUID, envelope: env.Envelope, recipients: set[str]
) -> tuple[Mailbox, env.Context]:
    """What the server checks of an envelope ``member`` uploads for ``thread`` (a client's thread, or
    their journal) without reading it: signed by the member's current key, bound to this practice, thread
    and sender, and sealed to exactly ``recipients``. The member's mailbox and the parsed context."""
    sender = current_mailbox(member)
    if sender is None:
        raise MessagingError("Set up secure messages on this device first.")
    try:
        ctx = env.Context.parse(envelope.context)
        env.check_signature(envelope, env.Mailbox.from_raw(bytes(sender.receive), bytes(sender.verify)))
    except env.EnvelopeError:
        raise MessagingError("That message is not sealed and signed by your current key.") from None
    if (ctx.practice, ctx.thread, ctx.sender) != (member.practice_id, thread, sender.key_id):
        raise MessagingError("That message is sealed for another thread.")
    if ctx.recipients != tuple(sorted(recipients)) or set(envelope.keys) != recipients:
        raise MessagingError("The people in this thread have changed: reload the page and send it again.")
    if any(len(sealed) != SEALED_CONTENT_KEY for sealed in envelope.keys.values()):
        raise MessagingError("That is not a sealed message.")
    return sender, ctx


def envelope_kept(envelope: env.Envelope, *, keys: bool = False) -> str:
    """The envelope as kept, to be sealed under the client's key: base64 parts, and the sealed keys too
    when no MessageKey rows hold them (the journal's one recipient)."""
    parts: dict[str, object] = {name: base64.b64encode(getattr(envelope, name)).decode() for name in PARTS}
    if keys:
        parts["keys"] = {mid: base64.b64encode(k).decode() for mid, k in sorted(envelope.keys.items())}
    return json.dumps(parts)


def files_from(upload: dict[str, object]) -> list[str]:
    """The ids of the files a message's upload says it carries (their keys are inside it)."""
    files = upload.get("attachments", [])
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        raise MessagingError("That is not a sealed message.")
    return [str(f) for f in files]


def message_send(
    *, member: Member, client_id: object, envelope: env.Envelope, channel: Channel, files: list[str] | None = None
) -> Message:
    """Store a sealed message in the client's thread after every check the server can make unread, with
    the sealed ``files`` uploaded for it."""
    client = thread_for_member(member=member, client_id=client_id)
    # Whom it is sealed to is in the client's history before it is kept (a change the page did not ask
    # about — its recipients were fetched by another request — is logged here).
    boxes = {box.key_id: box for box in recipients_recorded(client=client, actor=member, channel=channel)}
    sender, ctx = envelope_check(member=member, thread=client.id, envelope=envelope, recipients=set(boxes))
    message = Message(id=ctx.message, practice_id=member.practice_id, client=client, sender=member)
    message.sender_mailbox = sender
    message.seal("envelope", envelope_kept(envelope), key=client.data_key())
    with transaction.atomic():
        insert_new(message, MessagingError("That message was sent already."))
        MessageKey.objects.bulk_create(
            [
                MessageKey(
                    practice_id=member.practice_id, message=message, mailbox=boxes[mid], sealed=envelope.keys[mid]
                )
                for mid in sorted(boxes)
            ]
        )
        MessageRead.objects.create(practice_id=member.practice_id, message=message, member=member)
        try:
            attachments_link(member=member, client=client, message=message, file_ids=files or [])
        except AttachmentError as error:
            raise MessagingError(str(error)) from None
        event_record(
            actor=member, action=AuditAction.MESSAGE_SEND, channel=channel, client_id=client.id,
            object_type="message", object_id=str(message.id),
        )  # fmt: skip
    return message
