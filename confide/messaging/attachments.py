"""Files attached to messages (decision 19): sealed in the sender's browser under a key only the message
carries (payload.py), uploaded before the message, linked to it when it is sent, and downloaded by the
thread's people — each step through the thread's funnel, and audited. The server sees ciphertext and its size.
"""

from __future__ import annotations

import base64
import uuid
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.tasks import task
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.clients.models import Client
from confide.lib.lookup import insert_new, one_or_404
from confide.messaging import payload
from confide.messaging.models import Attachment, Message
from confide.messaging.selectors import thread_for_member
from confide.practices.models import Member

FILE_MAX = 2 * 1024 * 1024  # a file, before sealing (the request limit, DATA_UPLOAD_MAX_MEMORY_SIZE, is above)
SEALED_MAX = payload.NONCE + FILE_MAX + 16
PER_MESSAGE = 5
UNSENT_MAX = 10  # uploads a member may have waiting for their message at once
UNSENT_FOR = timedelta(days=1)  # after which an upload never sent is deleted


class AttachmentError(ValueError):
    """A file the server refuses, in words for the person (no PHI in them)."""


def attachment_upload(
    *, member: Member, client_id: object, file_id: object, blob: bytes, channel: Channel
) -> Attachment:
    """Keep a sealed file for a message ``member`` is about to send in the client's thread."""
    client = thread_for_member(member=member, client_id=client_id)
    if not payload.NONCE + 16 < len(blob) <= SEALED_MAX:
        raise AttachmentError(f"A file can be at most {FILE_MAX // (1024 * 1024)} MB.")
    try:
        pk = uuid.UUID(str(file_id))
    except ValueError:
        raise AttachmentError("That is not a file id.") from None
    unsent = Attachment.objects.filter(practice_id=member.practice_id, uploader=member, message=None)
    with transaction.atomic():
        unsent_delete(rows=unsent)
        if unsent.count() >= UNSENT_MAX:
            raise AttachmentError("Send or discard the files you have attached before adding more.")
        row = Attachment(id=pk, practice_id=member.practice_id, client=client, uploader=member, size=len(blob))
        row.seal("blob", base64.b64encode(blob).decode(), key=client.data_key())
        insert_new(row, AttachmentError("That file was uploaded already."))
        event_record(
            actor=member, action=AuditAction.ATTACHMENT_UPLOAD, channel=channel, client_id=client.id,
            object_type="attachment", object_id=str(pk),
        )  # fmt: skip
    return row


def attachments_link(*, member: Member, client: Client, message: Message, file_ids: list[str]) -> None:
    """Tie the files a message names to it, inside its send: each the sender's own, in this thread, unsent."""
    if len(file_ids) > PER_MESSAGE or len(set(file_ids)) != len(file_ids):
        raise AttachmentError(f"A message can carry at most {PER_MESSAGE} files.")
    try:
        ids = [uuid.UUID(str(i)) for i in file_ids]
    except ValueError:
        raise AttachmentError("That is not a file id.") from None
    rows = Attachment.objects.filter(
        practice_id=member.practice_id, client=client, uploader=member, message=None, id__in=ids
    )
    if rows.update(message=message) != len(ids):
        raise AttachmentError("A file of this message is missing: attach it again.")


def attachment_download(*, member: Member, client_id: object, file_id: object, channel: Channel) -> bytes:
    """The sealed file, to a person of the thread, once its message is sent (or to its uploader)."""
    client = thread_for_member(member=member, client_id=client_id)
    rows = Attachment.objects.filter(practice_id=client.practice_id, client=client)
    row = one_or_404(rows.exclude(message=None) | rows.filter(uploader=member), pk=file_id)
    blob = base64.b64decode(row.open("blob", key=client.data_key()))
    with transaction.atomic():
        event_record(
            actor=member, action=AuditAction.ATTACHMENT_READ, channel=channel, client_id=client.id,
            object_type="attachment", object_id=str(row.id),
        )  # fmt: skip
    return blob


def unsent_delete(*, rows: QuerySet[Attachment] | None = None, now: datetime | None = None) -> int:
    """Delete uploads never sent once UNSENT_FOR old (``confide jobs run``, and before each upload), each
    deletion audited for its client."""
    old = (Attachment.objects.all() if rows is None else rows).filter(
        message=None, uploaded_at__lt=(now or timezone.now()) - UNSENT_FOR
    )
    count = 0
    for row in old.select_for_update():
        with transaction.atomic():
            event_record(
                actor=None, practice_id=row.practice_id, action=AuditAction.ATTACHMENT_DISCARD, channel=Channel.JOB,
                client_id=row.client_id, object_type="attachment", object_id=str(row.id),
            )  # fmt: skip
            row.delete()
            count += 1
    return count


@task()
def unsent_task() -> int:
    with transaction.atomic():
        return unsent_delete()
