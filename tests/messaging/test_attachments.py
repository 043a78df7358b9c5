"""Files sealed in the browser (attachments.py): kept only for a sender in the thread, tied to the message
that carries their keys, downloaded only by the thread's people, and nothing half-written."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.http import Http404
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.models import AuditEvent
from confide.messaging.attachments import (
    FILE_MAX,
    PER_MESSAGE,
    SEALED_MAX,
    UNSENT_MAX,
    AttachmentError,
    attachment_download,
    attachment_upload,
    unsent_delete,
)
from confide.messaging.envelope import MailboxSecret
from confide.messaging.models import Attachment, Message
from confide.messaging.payload import seal_file
from confide.messaging.services import MessagingError, message_send
from confide.practices.models import Member
from tests.cast import Cast
from tests.messaging.test_services import publish, sealed_for

WEB = Channel.WEB


@pytest.fixture
def team(cast: Cast) -> dict[str, MailboxSecret]:
    return {"client": publish(cast.client_member), "clinician": publish(cast.clinician)}


def _upload(cast: Cast, data: bytes = b"%PDF-1.7 my sleep diary", member: Member | None = None) -> tuple[str, bytes]:
    file_id = str(uuid.uuid4())
    blob = seal_file(data, file_id).blob
    who = member or cast.client_member
    attachment_upload(member=who, client_id=cast.client.id, file_id=file_id, blob=blob, channel=WEB)
    return file_id, blob


def _send(cast: Cast, team: dict[str, MailboxSecret], files: list[str]) -> Message:
    envelope = sealed_for(cast, team["client"], b'{"kind":"message","text":"see attached","files":[]}')
    return message_send(
        member=cast.client_member, client_id=cast.client.id, envelope=envelope, channel=WEB, files=files
    )


def test_a_file_sent_with_its_message_reaches_the_care_team_as_uploaded(
    cast: Cast, team: dict[str, MailboxSecret]
) -> None:
    file_id, blob = _upload(cast)
    message = _send(cast, team, [file_id])
    row = Attachment.objects.get()
    assert (row.message_id, row.uploader_id, row.size) == (message.id, cast.client_member.id, len(blob))
    assert b"sleep diary" not in bytes(row.blob_ct)  # sealed in the browser, then under the client's key
    assert attachment_download(member=cast.clinician, client_id=cast.client.id, file_id=file_id, channel=WEB) == blob
    events = AuditEvent.objects.filter(object_type="attachment").order_by("id")
    assert [(e.action, e.actor_id, e.client_id, e.object_id) for e in events] == [
        (AuditAction.ATTACHMENT_UPLOAD, cast.client_member.id, cast.client.id, file_id),
        (AuditAction.ATTACHMENT_READ, cast.clinician.id, cast.client.id, file_id),
    ]


def test_an_unsent_file_is_the_uploaders_alone(cast: Cast, team: dict[str, MailboxSecret]) -> None:
    file_id, blob = _upload(cast)
    assert (
        attachment_download(member=cast.client_member, client_id=cast.client.id, file_id=file_id, channel=WEB) == blob
    )
    with pytest.raises(Http404):
        attachment_download(member=cast.clinician, client_id=cast.client.id, file_id=file_id, channel=WEB)


@pytest.mark.parametrize("who", ["colleague", "outsider", "staff", "owner"])
def test_nobody_outside_the_thread_uploads_or_downloads(cast: Cast, team: dict[str, MailboxSecret], who: str) -> None:
    file_id, _ = _upload(cast)
    _send(cast, team, [file_id])
    member = getattr(cast, who)
    with pytest.raises(Http404):
        attachment_download(member=member, client_id=cast.client.id, file_id=file_id, channel=WEB)
    with pytest.raises(Http404):
        _upload(cast, member=member)
    assert not AuditEvent.objects.filter(action=AuditAction.ATTACHMENT_READ).exists()


def test_a_file_of_another_thread_is_not_found_through_this_one(cast: Cast, team: dict[str, MailboxSecret]) -> None:
    file_id, _ = _upload(cast)
    _send(cast, team, [file_id])
    Attachment.objects.update(client=cast.other_client)  # a database administrator moves it
    with pytest.raises(Http404):
        attachment_download(member=cast.clinician, client_id=cast.client.id, file_id=file_id, channel=WEB)


@pytest.mark.parametrize(
    ("size", "error"), [(12 + 16, "at most 2 MB"), (SEALED_MAX + 1, "at most 2 MB"), (SEALED_MAX, None)]
)
def test_a_file_is_size_limited(cast: Cast, team: dict[str, MailboxSecret], size: int, error: str | None) -> None:
    upload = {"member": cast.client_member, "client_id": cast.client.id, "file_id": uuid.uuid4(), "channel": WEB}
    if error is None:
        assert attachment_upload(blob=b"\1" * size, **upload).size == size  # type: ignore[arg-type]
        assert SEALED_MAX == FILE_MAX + 28
        return
    with pytest.raises(AttachmentError, match=error):
        attachment_upload(blob=b"\1" * size, **upload)  # type: ignore[arg-type]
    assert not Attachment.objects.exists() and not AuditEvent.objects.filter(object_type="attachment").exists()


def test_a_bad_id_or_the_same_id_twice_is_refused(cast: Cast, team: dict[str, MailboxSecret]) -> None:
    with pytest.raises(AttachmentError, match="not a file id"):
        attachment_upload(
            member=cast.client_member, client_id=cast.client.id, file_id="x", blob=b"\1" * 40, channel=WEB
        )
    file_id, blob = _upload(cast)
    with pytest.raises(AttachmentError, match="uploaded already"):
        attachment_upload(member=cast.client_member, client_id=cast.client.id, file_id=file_id, blob=blob, channel=WEB)
    assert Attachment.objects.count() == 1 and AuditEvent.objects.filter(object_type="attachment").count() == 1


def test_unsent_files_are_capped_and_a_day_old_ones_are_cleared(cast: Cast, team: dict[str, MailboxSecret]) -> None:
    for _ in range(UNSENT_MAX):
        _upload(cast)
    with pytest.raises(AttachmentError, match="Send or discard"):
        _upload(cast)
    Attachment.objects.update(uploaded_at=timezone.now() - dt.timedelta(days=1, minutes=1))
    _upload(cast)
    assert Attachment.objects.count() == 1
    assert (
        AuditEvent.objects.filter(action=AuditAction.ATTACHMENT_DISCARD, client_id=cast.client.id).count() == UNSENT_MAX
    )


def test_the_job_deletes_unsent_files_a_day_old_and_keeps_sent_ones(cast: Cast, team: dict[str, MailboxSecret]) -> None:
    sent, _ = _upload(cast)
    _send(cast, team, [sent])
    fresh, _ = _upload(cast)
    stale, _ = _upload(cast)
    Attachment.objects.exclude(pk=fresh).update(uploaded_at=timezone.now() - dt.timedelta(days=1, minutes=1))
    assert unsent_delete() == 1
    assert set(Attachment.objects.values_list("id", flat=True)) == {uuid.UUID(sent), uuid.UUID(fresh)}
    event = AuditEvent.objects.get(action=AuditAction.ATTACHMENT_DISCARD)
    assert (event.object_id, event.client_id, event.actor_id) == (stale, cast.client.id, None)


def test_a_message_naming_a_file_that_is_not_the_senders_is_not_kept(
    cast: Cast, team: dict[str, MailboxSecret]
) -> None:
    theirs, _ = _upload(cast, member=cast.clinician)
    for files, error in (
        ([theirs], "missing"),
        ([str(uuid.uuid4())], "missing"),
        (["not-an-id"], "not a file id"),
        ([_upload(cast)[0]] * 2, f"at most {PER_MESSAGE} files"),
        ([_upload(cast)[0] for _ in range(PER_MESSAGE + 1)], f"at most {PER_MESSAGE} files"),
    ):
        with pytest.raises(MessagingError, match=error):
            _send(cast, team, files)
    assert not Message.objects.exists() and not Attachment.objects.exclude(message=None).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.MESSAGE_SEND).exists()


def test_a_sent_file_cannot_be_tied_to_a_second_message(cast: Cast, team: dict[str, MailboxSecret]) -> None:
    file_id, _ = _upload(cast)
    first = _send(cast, team, [file_id])
    with pytest.raises(MessagingError, match="missing"):
        _send(cast, team, [file_id])
    assert Attachment.objects.get().message_id == first.id


def test_files_go_with_the_client(cast: Cast, team: dict[str, MailboxSecret]) -> None:
    from confide.vault.operations import client_shred  # noqa: PLC0415

    sent, _ = _upload(cast)
    _send(cast, team, [sent])
    _upload(cast)  # and one never sent
    client_shred(client_id=cast.client.id, reason="retention period over")
    assert not Attachment.objects.exists() and not Message.objects.exists()
