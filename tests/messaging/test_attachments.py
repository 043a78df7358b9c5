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
from confide.careteams.models import CareTeamMember
from confide.careteams.services import careteam_add
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


def test_the_smallest_sealed_file_is_kept_one_byte_less_is_refused(cast: Cast, team: dict[str, MailboxSecret]) -> None:
    """A sealed file is its nonce (12), at least one byte, and its tag (16): 29 bytes is kept, 28 refused."""
    upload = {"member": cast.client_member, "client_id": cast.client.id, "channel": WEB}
    assert attachment_upload(blob=b"\1" * 29, file_id=uuid.uuid4(), **upload).size == 29  # type: ignore[arg-type]
    with pytest.raises(AttachmentError, match=r"^A file can be at most 2 MB\.$"):
        attachment_upload(blob=b"\1" * 28, file_id=uuid.uuid4(), **upload)  # type: ignore[arg-type]


def test_the_refusals_of_a_file_say_exactly_why(cast: Cast, team: dict[str, MailboxSecret]) -> None:
    with pytest.raises(AttachmentError, match=r"^That is not a file id\.$"):
        attachment_upload(
            member=cast.client_member, client_id=cast.client.id, file_id="x", blob=b"\1" * 40, channel=WEB
        )
    for files, error in (
        (["not-an-id"], r"^That is not a file id\.$"),
        ([str(uuid.uuid4())], r"^A file of this message is missing: attach it again\.$"),
    ):
        with pytest.raises(MessagingError, match=error):
            _send(cast, team, files)
    for _ in range(UNSENT_MAX):
        _upload(cast)
    with pytest.raises(AttachmentError, match=r"^Send or discard the files you have attached before adding more\.$"):
        _upload(cast)


def test_a_message_may_carry_exactly_the_most_files(cast: Cast, team: dict[str, MailboxSecret]) -> None:
    files = [_upload(cast)[0] for _ in range(PER_MESSAGE)]
    message = _send(cast, team, files)
    assert Attachment.objects.filter(message=message).count() == PER_MESSAGE


def test_a_message_ties_only_the_files_it_names(cast: Cast, team: dict[str, MailboxSecret]) -> None:
    named, _ = _upload(cast)
    waiting, _ = _upload(cast)  # attached to the next message, not this one
    message = _send(cast, team, [named])
    assert Attachment.objects.get(pk=named).message_id == message.id
    assert Attachment.objects.get(pk=waiting).message_id is None


def test_each_file_downloads_as_itself(cast: Cast, team: dict[str, MailboxSecret]) -> None:
    first, first_blob = _upload(cast, b"first canary file")
    second, second_blob = _upload(cast, b"second canary file")
    _send(cast, team, [first, second])
    for file_id, blob in ((first, first_blob), (second, second_blob)):
        got = attachment_download(member=cast.clinician, client_id=cast.client.id, file_id=file_id, channel=WEB)
        assert got == blob


def test_a_file_uploaded_in_another_thread_cannot_be_sent_in_this_one(
    cast: Cast, team: dict[str, MailboxSecret]
) -> None:
    careteam_add(
        actor=cast.owner,
        client=cast.other_client,
        member=cast.clinician,
        team_role=CareTeamMember.TeamRole.CLINICIAN,
        channel=WEB,
    )
    file_id = str(uuid.uuid4())
    blob = seal_file(b"for Aisha", file_id).blob
    attachment_upload(member=cast.clinician, client_id=cast.other_client.id, file_id=file_id, blob=blob, channel=WEB)
    envelope = sealed_for(cast, team["clinician"], b"x")
    with pytest.raises(MessagingError, match="missing"):
        message_send(member=cast.clinician, client_id=cast.client.id, envelope=envelope, channel=WEB, files=[file_id])
    assert Attachment.objects.get().message_id is None and not Message.objects.exists()


def test_the_cap_on_unsent_files_counts_only_the_uploaders_own_unsent_ones(
    cast: Cast, team: dict[str, MailboxSecret]
) -> None:
    for _ in range(UNSENT_MAX):
        _upload(cast, member=cast.clinician)  # Chris's files waiting do not count against Jordan
    for _ in range(UNSENT_MAX // PER_MESSAGE):
        _send(cast, team, [_upload(cast)[0] for _ in range(PER_MESSAGE)])  # nor do Jordan's files sent
    _upload(cast)
    assert Attachment.objects.filter(uploader=cast.client_member, message=None).count() == 1


def test_an_upload_clears_only_the_uploaders_own_stale_files(cast: Cast, team: dict[str, MailboxSecret]) -> None:
    theirs, _ = _upload(cast, member=cast.clinician)
    Attachment.objects.update(uploaded_at=timezone.now() - dt.timedelta(days=2))
    _upload(cast)
    assert Attachment.objects.filter(pk=theirs).exists()  # left to the job
    assert not AuditEvent.objects.filter(action=AuditAction.ATTACHMENT_DISCARD).exists()


def test_the_job_counts_and_names_each_file_it_deletes(cast: Cast, team: dict[str, MailboxSecret]) -> None:
    stale = {_upload(cast)[0], _upload(cast)[0]}
    Attachment.objects.update(uploaded_at=timezone.now() - dt.timedelta(days=2))
    assert unsent_delete() == 2
    events = AuditEvent.objects.filter(action=AuditAction.ATTACHMENT_DISCARD)
    assert {(e.object_type, e.object_id) for e in events} == {("attachment", i) for i in stale}
