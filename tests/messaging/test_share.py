"""confide.messaging.share: what a sharer signs is byte for byte what envelope.js signs, so a share made
in the browser is accepted here and one altered on the way is not."""

from __future__ import annotations

import hashlib
import uuid

import pytest

from confide.messaging.envelope import Context, EnvelopeError, MailboxSecret
from confide.messaging.share import SHARE, check_share, share_bytes


def _context(*recipients: MailboxSecret) -> bytes:
    ids = tuple(sorted(r.mailbox.id for r in recipients))
    return Context(uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), recipients[0].mailbox.id, ids).to_bytes()


def test_a_share_signs_the_message_the_target_and_the_sealed_key_as_envelope_js_does() -> None:
    context, sealed = b"the context", b"\7" * 80
    expected = b"confide message share v1\n" + hashlib.sha256(context).digest() + b"abc123\n" + sealed
    assert SHARE == b"confide message share v1\n"
    assert share_bytes(context, "abc123", sealed) == expected


def test_a_share_signed_as_the_browser_signs_it_is_accepted_and_no_other() -> None:
    sharer, target = MailboxSecret.generate(), MailboxSecret.generate()
    context, sealed = _context(sharer), b"\7" * 80
    signed = SHARE + hashlib.sha256(context).digest() + f"{target.mailbox.id}\n".encode() + sealed  # envelope.js
    signature = sharer.sign.sign(signed)
    check_share(context, target.mailbox.id, sealed, signature, sharer=sharer.mailbox)
    with pytest.raises(EnvelopeError, match="not signed by its sharer"):
        check_share(context, target.mailbox.id, b"\6" * 80, signature, sharer=sharer.mailbox)
