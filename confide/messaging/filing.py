"""Filing a message into the client's record — the one deliberate point where a message's words reach the
server (decision 19). The clinician's browser hands over the message's content key; the server opens the
envelope with it only after checking that key is the one the sender signed, so what is filed is what the
sender wrote, not what the filing browser says. It is kept as a document of the record, sealed under the
client's key, and the filing is audited: the client's history shows it."""

from __future__ import annotations

import json

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.clients.models import Client
from confide.clients.selectors import client_get_for_member
from confide.lib.lookup import one_or_404
from confide.messaging import envelope as env
from confide.messaging.models import Message
from confide.messaging.payload import Payload, PayloadError
from confide.messaging.selectors import thread_for_member
from confide.messaging.services import MessagingError, envelope_from
from confide.practices.models import Member
from confide.practices.permissions import Permission
from confide.records.documents import document_upload
from confide.records.models import Document


def _text(message: Message, payload: Payload) -> str:
    """The document: who wrote it (the owner of the key that signed), when (as they signed it), the words."""
    owner = message.sender_mailbox.member
    who = "the client" if owner.role == "client" else str(owner.user)
    files = "".join(f"\nAttached (not filed): {f.name}" for f in payload.files)
    when = timezone.localtime(payload.sent_at).strftime("%d %B %Y, %H:%M")
    words = payload.text.replace("\x00", "\ufffd")  # (no NUL in a text document)
    return f"Filed from a secure message.\nFrom: {who}\nSent: {when}{files}\n\n{words}\n"


def message_for_filing(
    *, member: Member, client_id: object, message_id: object, channel: Channel
) -> tuple[Client, Message]:
    """The thread's message ``member`` may file, or 404: a person of the thread who may write the record."""
    client = thread_for_member(member=member, client_id=client_id)
    client_get_for_member(
        member=member, client_id=client.id, permission=Permission.RECORDS_DOCUMENT_WRITE, channel=channel
    )
    return client, one_or_404(Message.objects.filter(practice_id=client.practice_id, client=client), pk=message_id)


def message_file(
    *, member: Member, client_id: object, message_id: object, content_key: bytes, channel: Channel
) -> Document:
    """File one message of the thread into the record as a document, opened with ``content_key``."""
    client, message = message_for_filing(member=member, client_id=client_id, message_id=message_id, channel=channel)
    envelope = envelope_from(json.loads(message.open("envelope", key=client.data_key())) | {"keys": {}})
    sender = message.sender_mailbox
    try:
        env.check_signature(envelope, env.Mailbox.from_raw(bytes(sender.receive), bytes(sender.verify)))
        if env.key_commitment(content_key) != envelope.commitment:
            raise env.EnvelopeError("not the sender's key")
        raw = AESGCM(content_key).decrypt(envelope.nonce, envelope.body, envelope.context)
        payload = Payload.parse(raw, "message")
    except (env.EnvelopeError, InvalidTag, ValueError, PayloadError):
        raise MessagingError("That is not the key of this message.") from None
    if message.sender_id != sender.member_id:  # the row names someone else than the key's owner
        raise MessagingError("That message's sender does not match its key: it is not filed.")
    text = _text(message, payload)
    name = f"message-{timezone.localtime(payload.sent_at):%Y-%m-%d-%H%M}.txt"
    upload = SimpleUploadedFile(name, text.encode(), "text/plain")
    with transaction.atomic():  # the filing's event first: a document is never there without it
        if Message.objects.select_for_update().filter(pk=message.pk).exclude(filed_as=None).exists():
            raise MessagingError("That message is in the record already.")
        event_record(
            actor=member, action=AuditAction.MESSAGE_FILE, channel=channel, client_id=client.id,
            object_type="message", object_id=str(message.id),
        )  # fmt: skip
        try:
            document = document_upload(actor=member, client=client, upload=upload, channel=channel)
        except ValidationError:
            raise MessagingError("That message cannot be kept as a text document.") from None
        Message.objects.filter(pk=message.pk).update(filed_as=document)
    return document
