"""confide.messaging services and selectors: who is in a client's thread, and what the server checks of a
sealed message before it stores it — against members who should not write there and a server-side
adversary who swaps or adds keys. Messages are sealed here with the Python envelope, as a browser would."""

from __future__ import annotations

import base64
import dataclasses
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from django.http import Http404

from confide.audit.actions import AuditAction, Channel
from confide.audit.models import AuditEvent
from confide.breakglass.services import breakglass_open
from confide.careteams.models import CareTeamMember
from confide.careteams.services import careteam_add
from confide.messaging import keys
from confide.messaging.envelope import Context, Envelope, MailboxSecret, open_envelope, seal
from confide.messaging.envelope import Mailbox as PublicMailbox
from confide.messaging.mailboxes import DeviceUpload, device_add, mailbox_publish
from confide.messaging.models import Mailbox, Message, MessageKey, MessageRead
from confide.messaging.selectors import current_mailbox, recipients_of, recipients_recorded, thread_read
from confide.messaging.services import MessagingError, envelope_from, envelope_kept, files_from, message_send, unb64
from confide.practices.models import Member
from confide.vault.keyring import VaultError
from confide.vault.operations import client_shred
from tests.cast import Cast

WEB = Channel.WEB


def publish(member: Member) -> MailboxSecret:
    """``member`` sets up messages on one device, as their browser would."""
    secret = MailboxSecret.generate()
    device = X25519PrivateKey.generate().public_key()
    upload = DeviceUpload(public=device.public_bytes_raw(), sealed=keys.seal_to_device(secret, device))
    recovery = keys.seal_for_recovery(secret, keys.new_recovery_code())
    box = secret.mailbox
    mailbox_publish(
        member=member,
        receive=box.receive.public_bytes_raw(),
        verify=box.verify.public_bytes_raw(),
        device=upload,
        recovery=recovery,
        replaces=getattr(current_mailbox(member), "key_id", None),  # the person chose to start over
        channel=WEB,
    )
    return secret


def sealed_for(cast: Cast, sender: MailboxSecret, text: bytes, *, thread: uuid.UUID | None = None) -> Envelope:
    """A message to everyone the thread's recipients are now, as the sender's browser seals it."""
    found = {b.key_id: PublicMailbox.from_raw(bytes(b.receive), bytes(b.verify)) for b in recipients_of(cast.client)}
    boxes = list((found | {sender.mailbox.id: sender.mailbox}).values())  # (an outsider seals to themself too)
    ids = tuple(sorted(b.id for b in boxes))
    ctx = Context(cast.owner.practice_id, thread or cast.client.id, uuid.uuid4(), sender.mailbox.id, ids)
    return seal(text, ctx=ctx, sender=sender, recipients=boxes)


@pytest.fixture
def team(cast: Cast) -> dict[str, MailboxSecret]:
    """Jordan, Chris and Sam with messages set up."""
    return {
        "client": publish(cast.client_member),
        "clinician": publish(cast.clinician),
        "supervisor": publish(cast.supervisor),
    }


def test_publishing_a_mailbox_puts_its_key_and_first_device_in_the_clients_history(cast: Cast) -> None:
    secret = publish(cast.client_member)
    events = AuditEvent.objects.filter(client_id=cast.client.id, object_type__in=["mailbox", "device"])
    rows = list(events.order_by("id").values_list("action", "object_id"))
    (device,) = Mailbox.objects.get(member=cast.client_member).devices.all()
    assert rows == [(AuditAction.MAILBOX_PUBLISH, secret.mailbox.id), (AuditAction.DEVICE_ADD, device.device_id)]


def test_a_clinicians_mailbox_is_logged_for_the_practice(cast: Cast) -> None:
    secret = publish(cast.clinician)
    event = AuditEvent.objects.get(action=AuditAction.MAILBOX_PUBLISH, actor=cast.clinician)
    assert event.object_id == secret.mailbox.id and event.client_id is None


def test_publishing_again_retires_the_old_mailbox_and_says_so(cast: Cast) -> None:
    first, second = publish(cast.client_member), publish(cast.client_member)
    current = Mailbox.objects.get(member=cast.client_member, retired_at=None)
    assert current.key_id == second.mailbox.id
    assert Mailbox.objects.get(key_id=first.mailbox.id).retired_at is not None
    retired = AuditEvent.objects.get(action=AuditAction.MAILBOX_RETIRE)
    assert (retired.client_id, retired.object_type, retired.object_id) == (cast.client.id, "mailbox", first.mailbox.id)


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("receive", b"\1" * 31, "A mailbox key is 32 bytes."),
        ("recovery", b"\1" * 10, "recovery sheet"),
        ("device", DeviceUpload(public=b"\1" * 32, sealed=b"\1" * 5), "sealed to a device"),
        ("device", DeviceUpload(public=b"\1" * 31, sealed=b"\1" * 112), "A device key is 32 bytes."),
        ("receive", bytes(32), "A mailbox key cannot be sealed to."),  # a low-order point would stop the thread
        ("device", DeviceUpload(public=bytes(32), sealed=b"\1" * 112), "A device key cannot be sealed to."),
        ("replaces", "0" * 32, "set up on another device meanwhile"),
    ],
)
def test_a_malformed_upload_is_refused_with_nothing_written(cast: Cast, field: str, value: object, error: str) -> None:
    box = MailboxSecret.generate().mailbox
    device = X25519PrivateKey.generate().public_key().public_bytes_raw()
    args: dict[str, object] = {
        "receive": box.receive.public_bytes_raw(),
        "verify": box.verify.public_bytes_raw(),
        "device": DeviceUpload(public=device, sealed=b"\1" * 112),
        "recovery": b"\1" * 92,
        "replaces": None,
    }
    args[field] = value
    with pytest.raises(MessagingError, match=error):
        mailbox_publish(member=cast.client_member, channel=WEB, **args)  # type: ignore[arg-type]
    assert not Mailbox.objects.exists() and not AuditEvent.objects.filter(object_type="mailbox").exists()


def test_the_thread_is_the_client_and_every_active_seat_that_may_message(
    cast: Cast, team: dict[str, MailboxSecret]
) -> None:
    for member in (cast.cotherapist, cast.demoted, cast.colleague, cast.owner, cast.outsider):
        publish(member)
    careteam_add(
        actor=cast.owner,
        client=cast.client,
        member=cast.departed,
        team_role=CareTeamMember.TeamRole.CLINICIAN,
        channel=WEB,
    )
    publish(cast.departed)
    names = {box.member_id for box in recipients_of(cast.client)}
    # Not Dana (her role was lowered), Casey (off the team), Olivia (owner, no seat), Drew (account
    # deactivated) or Otto (another practice).
    assert names == {cast.client_member.id, cast.clinician.id, cast.supervisor.id, cast.cotherapist.id}


def test_the_recipients_go_into_the_clients_history_once_and_again_when_they_change(
    cast: Cast, team: dict[str, MailboxSecret]
) -> None:
    def logged() -> list[str]:
        rows = AuditEvent.objects.filter(client_id=cast.client.id, action=AuditAction.MESSAGE_RECIPIENTS)
        return [row.object_ids for row in rows.order_by("id")]

    recipients_recorded(client=cast.client, actor=cast.client_member, channel=WEB)
    recipients_recorded(client=cast.client, actor=cast.client_member, channel=WEB)
    assert logged() == [" ".join(sorted(s.mailbox.id for s in team.values()))]
    cam = publish(cast.cotherapist)
    recipients_recorded(client=cast.client, actor=cast.client_member, channel=WEB)
    assert logged()[-1] == " ".join(sorted([*(s.mailbox.id for s in team.values()), cam.mailbox.id]))
    assert len(logged()) == 2


def test_a_message_reaches_every_recipient_and_only_their_own_key_is_handed_to_each(
    cast: Cast, team: dict[str, MailboxSecret]
) -> None:
    envelope = sealed_for(cast, team["client"], b"Can we talk about Thursday?")
    message = message_send(member=cast.client_member, client_id=cast.client.id, envelope=envelope, channel=WEB)
    for name, member in (("clinician", cast.clinician), ("supervisor", cast.supervisor)):
        _, (shown,) = thread_read(member=member, client_id=cast.client.id, channel=WEB)
        received = envelope_from({**shown.envelope, "keys": {team[name].mailbox.id: _b64(shown.sealed_key)}})
        assert shown.id == message.id and shown.sender_key_id == team["client"].mailbox.id
        assert (
            open_envelope(received, mine=team[name], sender=team["client"].mailbox).decode()
            == "Can we talk about Thursday?"
        )
        assert shown.sender_verify == team["client"].mailbox.verify.public_bytes_raw()
    reads = AuditEvent.objects.filter(action=AuditAction.MESSAGE_READ, client_id=cast.client.id)
    assert {e.actor_id for e in reads} == {cast.clinician.id, cast.supervisor.id}
    assert all(e.object_id == str(message.id) for e in reads)
    assert set(MessageRead.objects.values_list("member_id", flat=True)) == {
        cast.client_member.id, cast.clinician.id, cast.supervisor.id
    }  # fmt: skip


def _b64(data: bytes | None) -> str:
    assert data is not None
    return base64.b64encode(data).decode()


def test_nothing_new_since_the_cursor_is_not_a_read(cast: Cast, team: dict[str, MailboxSecret]) -> None:
    message_send(
        member=cast.client_member,
        client_id=cast.client.id,
        envelope=sealed_for(cast, team["client"], b"hi"),
        channel=WEB,
    )
    sent = Message.objects.get().sent_at
    before = AuditEvent.objects.count()
    assert thread_read(member=cast.clinician, client_id=cast.client.id, channel=WEB, after=sent)[1] == []
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("who", ["colleague", "demoted", "owner", "outsider", "staff"])
def test_only_the_thread_s_people_may_write_or_read_in_it(cast: Cast, team: dict[str, MailboxSecret], who: str) -> None:
    member = getattr(cast, who)
    secret = publish(member)
    with pytest.raises(Http404):
        message_send(member=member, client_id=cast.client.id, envelope=sealed_for(cast, secret, b"x"), channel=WEB)
    with pytest.raises(Http404):
        thread_read(member=member, client_id=cast.client.id, channel=WEB)
    assert not Message.objects.exists()


def test_break_glass_opens_the_record_but_not_the_thread(cast: Cast, team: dict[str, MailboxSecret]) -> None:
    breakglass_open(
        member=cast.colleague, client_number="C-00001", reason="Client in crisis, team unreachable", channel=WEB
    )
    with pytest.raises(Http404):
        thread_read(member=cast.colleague, client_id=cast.client.id, channel=WEB)


def test_a_client_cannot_write_in_another_clients_thread(cast: Cast, team: dict[str, MailboxSecret]) -> None:
    with pytest.raises(Http404):
        message_send(
            member=cast.client_member,
            client_id=cast.other_client.id,
            envelope=sealed_for(cast, team["client"], b"x"),
            channel=WEB,
        )


def test_a_message_not_signed_by_the_senders_current_key_is_refused(cast: Cast, team: dict[str, MailboxSecret]) -> None:
    envelope = sealed_for(cast, team["client"], b"x")
    with pytest.raises(MessagingError, match="not sealed and signed by your current key"):  # Chris posting Jordan's
        message_send(member=cast.clinician, client_id=cast.client.id, envelope=envelope, channel=WEB)
    publish(cast.client_member)  # a new key: the old one no longer signs for Jordan
    with pytest.raises(MessagingError, match="not sealed and signed by your current key"):
        message_send(member=cast.client_member, client_id=cast.client.id, envelope=envelope, channel=WEB)
    assert not Message.objects.exists()


def test_a_message_sealed_for_another_thread_is_refused(cast: Cast, team: dict[str, MailboxSecret]) -> None:
    envelope = sealed_for(cast, team["client"], b"x", thread=cast.other_client.id)
    with pytest.raises(MessagingError, match="another thread"):
        message_send(member=cast.client_member, client_id=cast.client.id, envelope=envelope, channel=WEB)


def test_a_message_that_leaves_out_or_adds_a_recipient_is_refused(cast: Cast, team: dict[str, MailboxSecret]) -> None:
    envelope = sealed_for(cast, team["client"], b"x")
    publish(cast.cotherapist)  # the thread changed after the browser sealed: Cam would not get it
    with pytest.raises(MessagingError, match="have changed"):
        message_send(member=cast.client_member, client_id=cast.client.id, envelope=envelope, channel=WEB)
    fresh = sealed_for(cast, team["client"], b"x")
    extra = dict(fresh.keys) | {MailboxSecret.generate().mailbox.id: next(iter(fresh.keys.values()))}
    with pytest.raises(MessagingError, match="have changed"):
        message_send(
            member=cast.client_member,
            client_id=cast.client.id,
            envelope=dataclasses.replace(fresh, keys=extra),
            channel=WEB,
        )
    assert not Message.objects.exists()


def test_a_message_is_stored_once(cast: Cast, team: dict[str, MailboxSecret]) -> None:
    envelope = sealed_for(cast, team["client"], b"x")
    message_send(member=cast.client_member, client_id=cast.client.id, envelope=envelope, channel=WEB)
    with pytest.raises(MessagingError, match="sent already"):
        message_send(member=cast.client_member, client_id=cast.client.id, envelope=envelope, channel=WEB)
    assert Message.objects.count() == 1


def test_what_the_server_stores_holds_no_word_of_the_message(cast: Cast, team: dict[str, MailboxSecret]) -> None:
    canary = b"canary-7f3e-plaintext"
    message_send(
        member=cast.client_member,
        client_id=cast.client.id,
        envelope=sealed_for(cast, team["client"], canary),
        channel=WEB,
    )
    message = Message.objects.get()
    assert canary not in bytes(message.envelope_ct)
    assert canary not in message.open("envelope", key=cast.client.data_key()).encode()


@pytest.mark.parametrize(
    "upload",
    [
        {},
        {"context": "!", "nonce": "", "body": "", "signature": "", "keys": {}},
        {"context": "", "nonce": "", "body": "", "signature": "", "keys": []},
    ],
)
def test_an_upload_that_is_not_an_envelope_is_refused(upload: dict[str, object]) -> None:
    with pytest.raises(MessagingError, match="not a sealed message"):
        envelope_from(upload)


def test_after_the_client_is_shredded_no_stored_message_opens_for_anyone(
    cast: Cast, team: dict[str, MailboxSecret]
) -> None:
    envelope = sealed_for(cast, team["client"], b"what I said in March")
    message_send(member=cast.client_member, client_id=cast.client.id, envelope=envelope, channel=WEB)
    client_shred(client_id=cast.client.id, reason="retention period over")
    with pytest.raises(Http404):
        thread_read(member=cast.clinician, client_id=cast.client.id, channel=WEB)
    assert not Message.objects.exists() and not MessageKey.objects.exists() and not MessageRead.objects.exists()


def test_shredding_leaves_a_message_row_that_escaped_deletion_unopenable(
    cast: Cast, team: dict[str, MailboxSecret], monkeypatch: pytest.MonkeyPatch
) -> None:
    envelope = sealed_for(cast, team["client"], b"what I said in March")
    message_send(member=cast.client_member, client_id=cast.client.id, envelope=envelope, channel=WEB)
    monkeypatch.setattr("confide.vault.operations._messages_delete", lambda client: None)
    client_shred(client_id=cast.client.id, reason="retention period over")
    cast.client.refresh_from_db()
    with pytest.raises(VaultError, match="does not unwrap"):  # crypto-shredded even so
        Message.objects.get().open("envelope", key=cast.client.data_key())


def test_starting_over_must_name_the_mailbox_given_up(cast: Cast) -> None:
    first = publish(cast.client_member)
    box = MailboxSecret.generate()
    device = X25519PrivateKey.generate().public_key()
    upload = DeviceUpload(public=device.public_bytes_raw(), sealed=keys.seal_to_device(box, device))
    args = {
        "member": cast.client_member,
        "receive": box.mailbox.receive.public_bytes_raw(),
        "verify": box.mailbox.verify.public_bytes_raw(),
        "device": upload,
        "recovery": keys.seal_for_recovery(box, keys.new_recovery_code()),
        "channel": WEB,
    }
    with pytest.raises(MessagingError, match="set up on another device meanwhile"):  # a second device, unaware
        mailbox_publish(replaces=None, **args)  # type: ignore[arg-type]
    assert current_mailbox(cast.client_member).key_id == first.mailbox.id  # type: ignore[union-attr]
    mailbox_publish(replaces=first.mailbox.id, **args)  # type: ignore[arg-type]
    assert current_mailbox(cast.client_member).key_id == box.mailbox.id  # type: ignore[union-attr]


def test_the_same_device_added_twice_is_a_clear_refusal(cast: Cast) -> None:
    secret = publish(cast.client_member)
    device = X25519PrivateKey.generate().public_key()
    upload = DeviceUpload(public=device.public_bytes_raw(), sealed=keys.seal_to_device(secret, device))
    device_add(member=cast.client_member, device=upload, channel=WEB)
    with pytest.raises(MessagingError, match="already holds your messages"):
        device_add(member=cast.client_member, device=upload, channel=WEB)


def test_what_publishing_keeps_is_what_the_browser_will_fetch_back(cast: Cast) -> None:
    secret = MailboxSecret.generate()
    device = X25519PrivateKey.generate()
    sealed = keys.seal_to_device(secret, device.public_key())
    code = keys.new_recovery_code()
    recovery = keys.seal_for_recovery(secret, code)
    box = secret.mailbox
    mailbox_publish(
        member=cast.client_member,
        receive=box.receive.public_bytes_raw(),
        verify=box.verify.public_bytes_raw(),
        device=DeviceUpload(public=device.public_key().public_bytes_raw(), sealed=sealed),
        recovery=recovery,
        replaces=None,
        channel=WEB,
    )
    kept = Mailbox.objects.get(member=cast.client_member)
    assert (kept.key_id, bytes(kept.receive), bytes(kept.verify)) == (
        box.id,
        box.receive.public_bytes_raw(),
        box.verify.public_bytes_raw(),
    )
    opened = keys.open_with_recovery(bytes(kept.recovery), code=code, mailbox=box.id)  # type: ignore[arg-type]
    assert opened.to_bytes() == secret.to_bytes()
    (row,) = kept.devices.all()
    assert row.approved_at is not None and row.removed_at is None
    assert bytes(row.public) == device.public_key().public_bytes_raw() and row.device_id == keys.device_id(
        device.public_key()
    )
    assert keys.open_on_device(bytes(row.sealed), device=device, mailbox=box.id).to_bytes() == secret.to_bytes()  # type: ignore[arg-type]


def test_a_device_added_later_is_in_the_clients_history_with_what_it_holds(cast: Cast) -> None:
    secret = publish(cast.client_member)
    device = X25519PrivateKey.generate()
    sealed = keys.seal_to_device(secret, device.public_key())
    added = device_add(
        member=cast.client_member, device=DeviceUpload(device.public_key().public_bytes_raw(), sealed), channel=WEB
    )
    assert bytes(added.sealed) == sealed and added.approved_at is not None  # type: ignore[arg-type]
    event = AuditEvent.objects.filter(action=AuditAction.DEVICE_ADD).order_by("-id").first()
    assert event is not None and (event.client_id, event.object_type, event.object_id) == (
        cast.client.id,
        "device",
        added.device_id,
    )
    retired = AuditEvent.objects.filter(action=AuditAction.MAILBOX_PUBLISH).get()
    assert retired.object_type == "mailbox"


def test_a_recipient_a_database_writer_adds_reaches_the_clients_history_when_sealed_to(cast: Cast) -> None:
    """Whether the recipients changed is decided by the log itself, and every send records them: a row of
    someone's own (a member, a seat, a mailbox) cannot get a key sealed to without the history naming it."""
    from confide.accounts.models import User  # noqa: PLC0415
    from confide.messaging.models import MessageKey  # noqa: PLC0415
    from confide.practices.permissions import Role  # noqa: PLC0415

    jordan = publish(cast.client_member)
    publish(cast.clinician)
    recipients_recorded(client=cast.client, actor=cast.client_member, channel=WEB)  # the page's first load
    evil = MailboxSecret.generate()
    user = User.objects.create_user("x@harbor.test", "x" * 20, full_name="IT support")
    ghost = Member.objects.create(practice=cast.owner.practice, user=user, role=Role.CLINICIAN)
    CareTeamMember.objects.create(
        practice_id=cast.owner.practice_id, client=cast.client, member=ghost, team_role="clinician"
    )
    box = Mailbox.objects.create(
        practice_id=cast.owner.practice_id, member=ghost, key_id=evil.mailbox.id,
        receive=evil.mailbox.receive.public_bytes_raw(), verify=evil.mailbox.verify.public_bytes_raw(),
    )  # fmt: skip
    message = message_send(
        member=cast.client_member, client_id=cast.client.id, channel=WEB, envelope=sealed_for(cast, jordan, b"hello")
    )
    assert MessageKey.objects.filter(message=message, mailbox=box).exists()
    last = AuditEvent.objects.filter(action=AuditAction.MESSAGE_RECIPIENTS, client_id=cast.client.id).latest("id")
    assert (
        evil.mailbox.id in last.object_ids.split(" ")
        and last.id < AuditEvent.objects.get(action=AuditAction.MESSAGE_SEND).id
    )  # named in the history before the message sealed to it was kept


def test_the_same_recipients_are_not_written_twice(cast: Cast) -> None:
    jordan = publish(cast.client_member)
    for _ in range(3):
        recipients_recorded(client=cast.client, actor=cast.client_member, channel=WEB)
    message_send(
        member=cast.client_member, client_id=cast.client.id, channel=WEB, envelope=sealed_for(cast, jordan, b"x")
    )
    assert AuditEvent.objects.filter(action=AuditAction.MESSAGE_RECIPIENTS, client_id=cast.client.id).count() == 1


def test_a_page_that_is_behind_gets_the_next_messages_in_order_none_skipped(cast: Cast) -> None:
    import datetime as dt  # noqa: PLC0415

    from django.utils import timezone  # noqa: PLC0415

    jordan = publish(cast.client_member)
    start = timezone.now() - dt.timedelta(hours=1)
    sent = []
    for minute in range(5):
        message = message_send(
            member=cast.client_member, client_id=cast.client.id, channel=WEB, envelope=sealed_for(cast, jordan, b"x")
        )
        Message.objects.filter(pk=message.pk).update(sent_at=start + dt.timedelta(minutes=minute))
        sent.append(message.id)
    _, first = thread_read(member=cast.client_member, client_id=cast.client.id, channel=WEB, limit=2)
    assert [m.id for m in first] == sent[3:]  # a first look: the newest
    _, behind = thread_read(member=cast.client_member, client_id=cast.client.id, channel=WEB, after=start, limit=2)
    assert [m.id for m in behind] == sent[1:3]  # after a time: the next ones, oldest first


@pytest.mark.parametrize(
    ("upload", "files"),
    [({}, []), ({"attachments": []}, []), ({"attachments": ["a", "b"]}, ["a", "b"])],
)
def test_the_files_a_message_names_are_read_from_its_upload(upload: dict[str, object], files: list[str]) -> None:
    assert files_from(upload) == files


@pytest.mark.parametrize("files", ["a", [1], [None], {"a": 1}, ["a", 2]])
def test_anything_but_a_list_of_ids_is_refused(files: object) -> None:
    with pytest.raises(MessagingError, match="^That is not a sealed message.$"):
        files_from({"attachments": files})


@pytest.mark.parametrize("value", [None, 5, b"AAAA", "not base64!", "AAA", "AA==\n"])
def test_only_base64_text_is_bytes(value: object) -> None:
    with pytest.raises(MessagingError, match="^That is not a sealed upload.$"):
        unb64(value)


def test_base64_text_is_its_bytes() -> None:
    assert unb64("AAEC/w==") == b"\x00\x01\x02\xff" and unb64("") == b""


def test_an_envelope_is_kept_as_uploaded_with_its_keys_only_when_asked() -> None:
    import json  # noqa: PLC0415

    envelope = Envelope(b"c", b"n", b"b", {"bb": b"2", "aa": b"1"}, b"s", b"m")
    kept = json.loads(envelope_kept(envelope))
    assert kept == {"context": "Yw==", "nonce": "bg==", "body": "Yg==", "signature": "cw==", "commitment": "bQ=="}
    with_keys = envelope_kept(envelope, keys=True)
    assert json.loads(with_keys)["keys"] == {"aa": "MQ==", "bb": "Mg=="}
    assert with_keys.index('"aa"') < with_keys.index('"bb"')  # sorted: the same envelope, the same bytes
    assert envelope_from(json.loads(with_keys)) == dataclasses.replace(envelope, keys={"aa": b"1", "bb": b"2"})


def test_each_refusal_of_a_message_says_exactly_why(cast: Cast, team: dict[str, MailboxSecret]) -> None:
    """The words are shown to the person as they are (a 400 problem's detail)."""
    jordan = team["client"]

    def send(envelope: Envelope, member: Member | None = None) -> Message:
        member = member or cast.client_member
        return message_send(member=member, client_id=cast.client.id, envelope=envelope, channel=WEB)

    with pytest.raises(MessagingError, match=r"^Set up secure messages on this device first\.$"):
        send(sealed_for(cast, jordan, b"x"), cast.cotherapist)  # Cam has not set up messages
    with pytest.raises(MessagingError, match=r"^That message is not sealed and signed by your current key\.$"):
        send(sealed_for(cast, team["clinician"], b"x"))
    with pytest.raises(MessagingError, match=r"^That message is sealed for another thread\.$"):
        send(sealed_for(cast, jordan, b"x", thread=cast.other_client.id))
    stale = sealed_for(cast, jordan, b"x")
    publish(cast.cotherapist)
    with pytest.raises(
        MessagingError, match=r"^The people in this thread have changed: reload the page and send it again\.$"
    ):
        send(stale)
    envelope = sealed_for(cast, jordan, b"x")
    send(envelope)
    with pytest.raises(MessagingError, match=r"^That message was sent already\.$"):
        send(envelope)


@pytest.mark.parametrize("change", [-1, 1])
def test_a_content_key_sealed_one_byte_short_or_long_is_refused(
    cast: Cast, team: dict[str, MailboxSecret], change: int
) -> None:
    envelope = sealed_for(cast, team["client"], b"x")
    assert all(len(k) == 80 for k in envelope.keys.values())  # 32-byte key sealed with HPKE: enc 32, tag 16
    first = min(envelope.keys)
    keys_ = dict(envelope.keys) | {first: envelope.keys[first][: 80 + change] + b"\0" * max(change, 0)}
    with pytest.raises(MessagingError, match=r"^That is not a sealed message\.$"):
        message_send(
            member=cast.client_member,
            client_id=cast.client.id,
            envelope=dataclasses.replace(envelope, keys=keys_),
            channel=WEB,
        )
    assert not Message.objects.exists()


@pytest.mark.parametrize("upload", [{}, {"context": "", "nonce": "", "body": "", "signature": "", "keys": []}])
def test_an_upload_that_is_not_an_envelope_is_refused_in_these_words(upload: dict[str, object]) -> None:
    with pytest.raises(MessagingError, match=r"^That is not a sealed message\.$"):
        envelope_from(upload)


def test_a_message_sent_is_named_in_the_clients_history(cast: Cast, team: dict[str, MailboxSecret]) -> None:
    message = message_send(
        member=cast.client_member,
        client_id=cast.client.id,
        envelope=sealed_for(cast, team["client"], b"x"),
        channel=WEB,
    )
    event = AuditEvent.objects.get(action=AuditAction.MESSAGE_SEND)
    assert (event.actor_id, event.client_id, event.object_type, event.object_id) == (
        cast.client_member.id,
        cast.client.id,
        "message",
        str(message.id),
    )
