"""Filing a message into the record (filing.py): what is filed is what the sender wrote and signed — the
server opens the envelope only with the key the sender committed to — by a clinician who may write the
record, as a document sealed under the client's key, in the client's history."""

from __future__ import annotations

import base64
import json
import uuid

import pytest
from django.http import Http404
from pytest_django.fixtures import Settings

from confide.audit.actions import AuditAction, Channel
from confide.audit.models import AuditEvent
from confide.messaging.envelope import KEY_INFO, SUITE, Envelope, MailboxSecret
from confide.messaging.filing import message_file
from confide.messaging.models import Message
from confide.messaging.payload import Payload
from confide.messaging.services import MessagingError, message_send
from confide.records.documents import document_open, documents_for
from confide.records.models import Document
from tests.cast import Cast, signed_in
from tests.messaging.test_services import publish, sealed_for

WEB = Channel.WEB


@pytest.fixture
def sent(cast: Cast) -> tuple[Message, Envelope, dict[str, MailboxSecret]]:
    team = {
        "client": publish(cast.client_member),
        "clinician": publish(cast.clinician),
        "sam": publish(cast.supervisor),
    }
    words = Payload("message", "I have started sleeping again.").to_bytes()
    envelope = sealed_for(cast, team["client"], words)
    message = message_send(member=cast.client_member, client_id=cast.client.id, envelope=envelope, channel=WEB)
    return message, envelope, team


def _key(envelope: Envelope, secret: MailboxSecret) -> bytes:
    return SUITE.decrypt(envelope.keys[secret.mailbox.id], secret.receive, info=KEY_INFO + envelope.context)


def test_a_clinician_files_the_senders_own_words_into_the_record(
    cast: Cast, sent: tuple[Message, Envelope, dict[str, MailboxSecret]]
) -> None:
    message, envelope, team = sent
    document = message_file(
        member=cast.clinician,
        client_id=cast.client.id,
        message_id=message.id,
        content_key=_key(envelope, team["clinician"]),
        channel=WEB,
    )
    meta, chunks = document_open(actor=cast.clinician, client=cast.client, document_id=document.id, channel=WEB)
    text = b"".join(chunks).decode()
    assert text.startswith("Filed from a secure message.\nFrom: the client\nSent: ")
    assert text.endswith("\n\nI have started sleeping again.\n")
    assert meta.content_type == "text/plain" and meta.name.startswith("message-") and meta.name.endswith(".txt")
    assert [d.id for d in documents_for(client=cast.client)][0] == document.id
    filed = AuditEvent.objects.get(action=AuditAction.MESSAGE_FILE)
    assert (filed.actor_id, filed.client_id, filed.object_id) == (cast.clinician.id, cast.client.id, str(message.id))


def test_a_key_that_is_not_the_senders_files_nothing(
    cast: Cast, sent: tuple[Message, Envelope, dict[str, MailboxSecret]]
) -> None:
    message, envelope, team = sent
    other = sealed_for(cast, team["client"], Payload("message", "words the filer would like").to_bytes())
    message_send(member=cast.client_member, client_id=cast.client.id, envelope=other, channel=WEB)
    for key in (_key(other, team["clinician"]), bytes(32), b"short"):
        with pytest.raises(MessagingError, match="not the key of this message"):
            message_file(
                member=cast.clinician, client_id=cast.client.id, message_id=message.id, content_key=key, channel=WEB
            )
    assert not Document.objects.filter(client=cast.client).exclude(pk=cast.document.pk).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.MESSAGE_FILE).exists()


def test_a_message_whose_sender_the_server_swapped_files_nothing(
    cast: Cast, sent: tuple[Message, Envelope, dict[str, MailboxSecret]]
) -> None:
    from confide.messaging.models import Mailbox  # noqa: PLC0415

    message, envelope, team = sent
    chris = Mailbox.objects.get(key_id=team["clinician"].mailbox.id)
    Message.objects.filter(pk=message.pk).update(sender=cast.clinician, sender_mailbox=chris)  # "Chris wrote this"
    with pytest.raises(MessagingError, match="not the key of this message"):
        message_file(
            member=cast.clinician, client_id=cast.client.id, message_id=message.id,
            content_key=_key(envelope, team["clinician"]), channel=WEB,
        )  # fmt: skip
    assert not AuditEvent.objects.filter(action=AuditAction.MESSAGE_FILE).exists()


@pytest.mark.parametrize("who", ["supervisor", "client_member", "colleague", "outsider", "owner"])
def test_only_a_clinician_who_writes_the_record_files(
    cast: Cast, sent: tuple[Message, Envelope, dict[str, MailboxSecret]], who: str
) -> None:
    message, envelope, team = sent
    with pytest.raises(Http404):
        message_file(
            member=getattr(cast, who), client_id=cast.client.id, message_id=message.id,
            content_key=_key(envelope, team["sam"]), channel=WEB,
        )  # fmt: skip
    assert not AuditEvent.objects.filter(action=AuditAction.MESSAGE_FILE).exists()


def test_a_message_of_another_thread_is_not_found(
    cast: Cast, sent: tuple[Message, Envelope, dict[str, MailboxSecret]]
) -> None:
    message, envelope, team = sent
    with pytest.raises(Http404):
        message_file(
            member=cast.clinician, client_id=cast.client.id, message_id=uuid.uuid4(), content_key=bytes(32), channel=WEB
        )


def test_the_record_says_when_the_sender_signed_it_not_what_the_server_says(
    cast: Cast, sent: tuple[Message, Envelope, dict[str, MailboxSecret]]
) -> None:
    import datetime as dt  # noqa: PLC0415

    from django.utils import timezone  # noqa: PLC0415

    message, envelope, team = sent
    signed = Payload.parse(open_words(envelope, team["clinician"]), "message").sent_at
    Message.objects.filter(pk=message.pk).update(sent_at=message.sent_at - dt.timedelta(days=30))
    document = message_file(
        member=cast.clinician, client_id=cast.client.id, message_id=message.id,
        content_key=_key(envelope, team["clinician"]), channel=WEB,
    )  # fmt: skip
    _, chunks = document_open(actor=cast.clinician, client=cast.client, document_id=document.id, channel=WEB)
    assert f"Sent: {timezone.localtime(signed):%d %B %Y, %H:%M}" in b"".join(chunks).decode()


def test_a_message_is_filed_once(cast: Cast, sent: tuple[Message, Envelope, dict[str, MailboxSecret]]) -> None:
    message, envelope, team = sent
    args = {"member": cast.clinician, "client_id": cast.client.id, "message_id": message.id, "channel": WEB}
    first = message_file(content_key=_key(envelope, team["clinician"]), **args)  # type: ignore[arg-type]
    with pytest.raises(MessagingError, match="in the record already"):
        message_file(content_key=_key(envelope, team["clinician"]), **args)  # type: ignore[arg-type]
    assert Message.objects.get(pk=message.pk).filed_as_id == first.id
    assert AuditEvent.objects.filter(action=AuditAction.MESSAGE_FILE).count() == 1


@pytest.mark.parametrize("words", ["\x00 at the start", "a lone \ud800 surrogate"])
def test_words_no_text_document_can_hold_are_refused_or_kept_as_text(cast: Cast, words: str) -> None:
    team = {"client": publish(cast.client_member), "clinician": publish(cast.clinician)}
    raw = Payload("message", "x").to_bytes().replace(b'"text":"x"', b'"text":' + json.dumps(words).encode())
    envelope = sealed_for(cast, team["client"], raw)
    message = message_send(member=cast.client_member, client_id=cast.client.id, envelope=envelope, channel=WEB)
    args = {"member": cast.clinician, "client_id": cast.client.id, "message_id": message.id, "channel": WEB}
    if "\x00" in words:  # kept, the NUL shown as a replacement character
        document = message_file(content_key=_key(envelope, team["clinician"]), **args)  # type: ignore[arg-type]
        _, chunks = document_open(actor=cast.clinician, client=cast.client, document_id=document.id, channel=WEB)
        assert "\ufffd at the start" in b"".join(chunks).decode()
    else:  # no text at all: refused with words, nothing kept
        with pytest.raises(MessagingError, match="not the key of this message"):
            message_file(content_key=_key(envelope, team["clinician"]), **args)  # type: ignore[arg-type]
        assert not AuditEvent.objects.filter(action=AuditAction.MESSAGE_FILE).exists()


def open_words(envelope: Envelope, secret: MailboxSecret) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: PLC0415

    return AESGCM(_key(envelope, secret)).decrypt(envelope.nonce, envelope.body, envelope.context)


@pytest.mark.parametrize("sent", ["2026-13-45T99:99:99Z", "2026-02-30T10:00:00Z", "0001-01-01T00:00:00Z"])
def test_filing_a_message_whose_signed_time_is_no_date_is_a_problem_document_not_a_500(cast: Cast, sent: str) -> None:
    jordan, chris = publish(cast.client_member), publish(cast.clinician)
    # The form of a time, but no date (found by a hostile review: it answered 500); browsers show none of them.
    words = Payload("message", "please file this", sent=sent).to_bytes()
    envelope = sealed_for(cast, jordan, words)
    message = message_send(member=cast.client_member, client_id=cast.client.id, envelope=envelope, channel=Channel.WEB)
    key = SUITE.decrypt(envelope.keys[chris.mailbox.id], chris.receive, info=KEY_INFO + envelope.context)

    http = signed_in(cast.clinician)
    http.raise_request_exception = False
    answer = http.post(
        f"/messages/{cast.client.id}/{message.id}/file/",
        {"key": base64.b64encode(key).decode()},
        content_type="application/json",
    )
    assert answer.status_code == 400, answer.status_code
    assert answer["Content-Type"] == "application/problem+json"
    assert Message.objects.get(pk=message.pk).filed_as is None


def test_the_document_is_exactly_who_when_the_files_and_the_words(cast: Cast) -> None:
    from django.utils import timezone  # noqa: PLC0415

    from confide.messaging.payload import File  # noqa: PLC0415

    chris = publish(cast.clinician)
    files = tuple(File(str(uuid.uuid4()), name, "text/plain", 1, bytes(32), "0" * 64) for name in ("a.txt", "b.pdf"))
    payload = Payload("message", "Notes for Thursday.", files, sent="2026-01-02T03:04:05Z")
    envelope = sealed_for(cast, chris, payload.to_bytes())
    message = message_send(member=cast.clinician, client_id=cast.client.id, envelope=envelope, channel=WEB)
    document = message_file(
        member=cast.clinician, client_id=cast.client.id, message_id=message.id,
        content_key=_key(envelope, chris), channel=WEB,
    )  # fmt: skip
    meta, chunks = document_open(actor=cast.clinician, client=cast.client, document_id=document.id, channel=WEB)
    when = timezone.localtime(payload.sent_at)
    assert b"".join(chunks).decode() == (
        f"Filed from a secure message.\nFrom: {cast.clinician.user}\nSent: {when:%d %B %Y, %H:%M}"
        "\nAttached (not filed): a.txt\nAttached (not filed): b.pdf\n\nNotes for Thursday.\n"
    )
    assert meta.name == f"message-{when:%Y-%m-%d-%H%M}.txt" and "None" not in str(cast.clinician.user)
    filed = AuditEvent.objects.get(action=AuditAction.MESSAGE_FILE)
    assert (filed.object_type, filed.object_id) == ("message", str(message.id))


def test_each_refusal_to_file_says_exactly_why(
    cast: Cast, sent: tuple[Message, Envelope, dict[str, MailboxSecret]], settings: Settings
) -> None:
    message, envelope, team = sent
    args = {"member": cast.clinician, "client_id": cast.client.id, "message_id": message.id, "channel": WEB}
    key = _key(envelope, team["clinician"])
    with pytest.raises(MessagingError, match=r"^That is not the key of this message\.$"):
        message_file(content_key=bytes(32), **args)  # type: ignore[arg-type]
    Message.objects.filter(pk=message.pk).update(sender=cast.supervisor)  # the row names Sam; the key is Jordan's
    with pytest.raises(MessagingError, match=r"^That message's sender does not match its key: it is not filed\.$"):
        message_file(content_key=key, **args)  # type: ignore[arg-type]
    Message.objects.filter(pk=message.pk).update(sender=cast.client_member)
    settings.CONFIDE_DOCUMENT_MAX_BYTES = 20  # smaller than any filed message
    with pytest.raises(MessagingError, match=r"^That message cannot be kept as a text document\.$"):
        message_file(content_key=key, **args)  # type: ignore[arg-type]
    assert not AuditEvent.objects.filter(action=AuditAction.MESSAGE_FILE).exists()
    settings.CONFIDE_DOCUMENT_MAX_BYTES = 10_000_000
    message_file(content_key=key, **args)  # type: ignore[arg-type]
    with pytest.raises(MessagingError, match=r"^That message is in the record already\.$"):
        message_file(content_key=key, **args)  # type: ignore[arg-type]


def test_a_message_of_another_clients_thread_is_not_found_in_this_one(cast: Cast) -> None:
    from confide.careteams.models import CareTeamMember  # noqa: PLC0415
    from confide.careteams.services import careteam_add  # noqa: PLC0415
    from tests.messaging.test_selectors import sealed_in  # noqa: PLC0415

    careteam_add(
        actor=cast.owner, client=cast.other_client, member=cast.clinician,
        team_role=CareTeamMember.TeamRole.CLINICIAN, channel=WEB,
    )  # fmt: skip
    casey, chris = publish(cast.colleague), publish(cast.clinician)
    envelope = sealed_in(cast.other_client, casey, Payload("message", "Aisha's words").to_bytes())
    message = message_send(member=cast.colleague, client_id=cast.other_client.id, envelope=envelope, channel=WEB)
    with pytest.raises(Http404, match=r"^$"):  # (a 404 that says nothing)
        message_file(
            member=cast.clinician, client_id=cast.client.id, message_id=message.id,
            content_key=_key(envelope, chris), channel=WEB,
        )  # fmt: skip
    assert not AuditEvent.objects.filter(action=AuditAction.MESSAGE_FILE).exists()
