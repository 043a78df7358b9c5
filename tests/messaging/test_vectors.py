"""Python opens what Chromium's envelope.js sealed (tests/messaging/vectors.json, made by make_vectors.py):
the two implementations of decision 19 agree on every byte, with or without a browser at hand."""

from __future__ import annotations

import base64
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from confide.lib import codes
from confide.messaging import keys
from confide.messaging.envelope import (
    Context,
    Envelope,
    EnvelopeError,
    Mailbox,
    MailboxSecret,
    open_envelope,
    safety_code,
)

VECTORS: dict[str, Any] = json.loads((Path(__file__).with_name("vectors.json")).read_text())
INPUTS, SEALED = VECTORS["inputs"], VECTORS["sealed"]


def _b(text: str) -> bytes:
    return base64.b64decode(text)


def _secret(name: str) -> MailboxSecret:
    return MailboxSecret.from_bytes(_b(INPUTS[name]))


def envelope_of(data: dict[str, Any]) -> Envelope:
    keys_ = {mid: _b(sealed) for mid, sealed in data["keys"].items()}
    context, nonce, body, signature, commitment = (
        _b(data[name]) for name in ("context", "nonce", "body", "signature", "commitment")
    )
    return Envelope(context, nonce, body, keys_, signature, commitment)


def test_the_browser_names_each_mailbox_as_python_does() -> None:
    for name, side in (("senderSecret", "sender"), ("recipientSecret", "recipient")):
        mailbox = _secret(name).mailbox
        assert mailbox == Mailbox.from_raw(_b(SEALED[side]["receive"]), _b(SEALED[side]["verify"]))
        assert mailbox.id == SEALED[side]["id"]


def test_the_browser_writes_the_context_python_writes() -> None:
    sender, recipient = SEALED["sender"]["id"], SEALED["recipient"]["id"]
    ctx = Context(
        uuid.UUID(INPUTS["practice"]),
        uuid.UUID(INPUTS["thread"]),
        uuid.UUID(INPUTS["message"]),
        sender,
        tuple(sorted((sender, recipient))),
    )
    assert ctx.to_bytes() == _b(SEALED["envelope"]["context"])
    assert Context.parse(ctx.to_bytes()) == ctx


@pytest.mark.parametrize("reader", ["recipientSecret", "senderSecret"])
def test_python_opens_a_message_the_browser_sealed_for_each_recipient(reader: str) -> None:
    envelope = envelope_of(SEALED["envelope"])
    sender = _secret("senderSecret").mailbox
    assert open_envelope(envelope, mine=_secret(reader), sender=sender).decode() == INPUTS["plaintext"]


def test_the_browser_signature_is_checked_against_the_sender_not_the_recipient() -> None:
    envelope = envelope_of(SEALED["envelope"])
    with pytest.raises(EnvelopeError, match="not signed by its sender"):
        open_envelope(envelope, mine=_secret("recipientSecret"), sender=_secret("recipientSecret").mailbox)


def test_the_safety_code_is_the_same_in_both() -> None:
    assert safety_code(SEALED["sender"]["id"], SEALED["recipient"]["id"]) == SEALED["safetyCode"]
    assert safety_code(SEALED["recipient"]["id"], SEALED["sender"]["id"]) == SEALED["safetyCode"]


def test_python_opens_the_secret_the_browser_sealed_to_a_device() -> None:
    device = X25519PrivateKey.from_private_bytes(_b(SEALED["device"]["private"]))
    assert keys.device_id(device.public_key()) == SEALED["device"]["id"]
    opened = keys.open_on_device(_b(SEALED["device"]["sealed"]), device=device, mailbox=SEALED["recipient"]["id"])
    assert opened.to_bytes() == _secret("recipientSecret").to_bytes()


def test_python_opens_the_recovery_sheet_the_browser_sealed() -> None:
    code = SEALED["recovery"]["code"]
    assert codes.parse_code(code, size=16, error="") == _b(SEALED["recovery"]["parsed"])
    assert codes.format_code(_b(SEALED["recovery"]["parsed"])) == SEALED["recovery"]["formatted"]
    opened = keys.open_with_recovery(_b(SEALED["recovery"]["sealed"]), code=code, mailbox=SEALED["recipient"]["id"])
    assert opened.to_bytes() == _secret("recipientSecret").to_bytes()
