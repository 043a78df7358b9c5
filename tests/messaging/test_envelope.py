"""confide.messaging.envelope against the server as adversary: it holds every public key and ciphertext, so
each part of an envelope must be bound to the rest, and a message must name exactly whom it is for."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from confide.messaging.envelope import (
    Context,
    Envelope,
    EnvelopeError,
    MailboxSecret,
    check_signature,
    open_envelope,
    safety_code,
    seal,
)

CLINICIAN, CLIENT, SERVER = MailboxSecret.generate(), MailboxSecret.generate(), MailboxSecret.generate()
PRACTICE, THREAD = uuid.uuid4(), uuid.uuid4()


def _context(*boxes: MailboxSecret, sender: MailboxSecret = CLINICIAN, thread: uuid.UUID = THREAD) -> Context:
    ids = tuple(sorted(box.mailbox.id for box in boxes))
    return Context(PRACTICE, thread, uuid.uuid4(), sender.mailbox.id, ids)


def _sealed(text: bytes = b"See you Thursday.") -> Envelope:
    return seal(text, ctx=_context(CLINICIAN, CLIENT), sender=CLINICIAN, recipients=[CLINICIAN.mailbox, CLIENT.mailbox])


def test_each_recipient_and_the_sender_open_the_message() -> None:
    envelope = _sealed()
    for reader in (CLIENT, CLINICIAN):
        assert open_envelope(envelope, mine=reader, sender=CLINICIAN.mailbox) == b"See you Thursday."
    assert set(envelope.keys) == {CLIENT.mailbox.id, CLINICIAN.mailbox.id}


def test_a_mailbox_not_sealed_to_cannot_open_it() -> None:
    with pytest.raises(EnvelopeError, match="not sealed to this mailbox"):
        open_envelope(_sealed(), mine=SERVER, sender=CLINICIAN.mailbox)


def test_a_content_key_moved_to_another_mailbox_does_not_open() -> None:
    envelope = _sealed()
    moved = dict(envelope.keys)
    moved[CLIENT.mailbox.id] = envelope.keys[CLINICIAN.mailbox.id]
    with pytest.raises(EnvelopeError, match="does not open"):
        open_envelope(dataclasses.replace(envelope, keys=moved), mine=CLIENT, sender=CLINICIAN.mailbox)


@pytest.mark.parametrize("part", ["body", "nonce", "context", "signature"])
def test_any_altered_part_is_refused_before_it_is_read(part: str) -> None:
    envelope = _sealed()
    value = getattr(envelope, part)
    altered = dataclasses.replace(envelope, **{part: value[:-1] + bytes([value[-1] ^ 1])})
    with pytest.raises(EnvelopeError, match="not signed by its sender"):
        open_envelope(altered, mine=CLIENT, sender=CLINICIAN.mailbox)


def test_a_message_the_server_seals_itself_is_not_the_senders() -> None:
    # The server knows every public key, so it can seal anything to the client, but cannot sign as the clinician.
    forged = seal(
        b"Call me on 555-0100",
        ctx=_context(SERVER, CLIENT, sender=SERVER),
        sender=SERVER,
        recipients=[SERVER.mailbox, CLIENT.mailbox],
    )
    with pytest.raises(EnvelopeError, match="not signed by its sender"):
        open_envelope(forged, mine=CLIENT, sender=CLINICIAN.mailbox)
    check_signature(forged, SERVER.mailbox)  # (it is the server's own, and says so)


def test_a_message_replayed_into_another_thread_does_not_open_there() -> None:
    envelope = _sealed()
    other = dataclasses.replace(Context.parse(envelope.context), thread=uuid.uuid4())
    with pytest.raises(EnvelopeError, match="not signed by its sender"):
        open_envelope(dataclasses.replace(envelope, context=other.to_bytes()), mine=CLIENT, sender=CLINICIAN.mailbox)


def test_the_context_must_name_exactly_the_mailboxes_sealed_to() -> None:
    with pytest.raises(ValueError, match="other mailboxes than those sealed to"):
        seal(b"x", ctx=_context(CLINICIAN, CLIENT), sender=CLINICIAN, recipients=[CLINICIAN.mailbox, SERVER.mailbox])
    with pytest.raises(ValueError, match="other mailboxes than those sealed to"):
        seal(b"x", ctx=_context(CLINICIAN, CLIENT), sender=CLIENT, recipients=[CLINICIAN.mailbox, CLIENT.mailbox])


def test_the_sender_is_always_a_recipient_and_each_recipient_listed_once_sorted() -> None:
    a, b = sorted((CLIENT.mailbox.id, SERVER.mailbox.id))
    with pytest.raises(ValueError, match="always a recipient"):
        Context(PRACTICE, THREAD, uuid.uuid4(), CLINICIAN.mailbox.id, (a, b))
    with pytest.raises(ValueError, match="once each, sorted"):
        Context(PRACTICE, THREAD, uuid.uuid4(), a, (b, a))
    with pytest.raises(ValueError, match="once each, sorted"):
        Context(PRACTICE, THREAD, uuid.uuid4(), a, (a, a))
    with pytest.raises(ValueError, match="not a mailbox id"):
        Context(PRACTICE, THREAD, uuid.uuid4(), "A" * 32, ("A" * 32,))


@pytest.mark.parametrize(
    "spelling",
    [
        lambda text: text.replace("confide message v1", "confide message v2"),
        lambda text: text.upper(),  # another spelling of the same uuids: one way to write each
        lambda text: text + "extra\n",
        lambda text: text.replace("\nthread ", "\nthreads "),
        lambda text: text.rstrip("\n"),
    ],
)
def test_only_the_one_spelling_of_a_context_is_read(spelling: object) -> None:
    text = _context(CLINICIAN, CLIENT).to_bytes().decode()
    assert callable(spelling)
    with pytest.raises(EnvelopeError, match="not a message context"):
        Context.parse(spelling(text).encode())


def test_the_context_reads_back_as_written() -> None:
    ctx = _context(CLINICIAN, CLIENT)
    assert Context.parse(ctx.to_bytes()) == ctx


def test_a_safety_code_is_twenty_digits_the_same_both_ways_and_differs_for_another_key() -> None:
    code = safety_code(CLIENT.mailbox.id, CLINICIAN.mailbox.id)
    assert code == safety_code(CLINICIAN.mailbox.id, CLIENT.mailbox.id)
    groups = code.split(" ")
    assert len(groups) == 4 and all(len(g) == 5 and g.isdigit() for g in groups)
    assert safety_code(CLIENT.mailbox.id, SERVER.mailbox.id) != code


def test_a_mailbox_secret_is_64_bytes_and_round_trips() -> None:
    assert MailboxSecret.from_bytes(CLIENT.to_bytes()).mailbox == CLIENT.mailbox
    with pytest.raises(ValueError, match="64 bytes"):
        MailboxSecret.from_bytes(CLIENT.to_bytes()[:63])
