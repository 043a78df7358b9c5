"""Sharing a thread's earlier messages with a mailbox that was not among their recipients — someone new
on the care team, or a client who started again with new keys (decision 19). A person who can open a
message re-seals its content key to that mailbox and signs what they did; the reader's browser checks the
signature, that the sharer was a recipient, and the sender's own commitment to the key. The server can
neither share nor alter a share. Byte for byte what envelope.js does.

No Django import: a pure core.
"""

from __future__ import annotations

import hashlib

from cryptography.exceptions import InvalidSignature, InvalidTag

from confide.messaging.envelope import KEY_INFO, SUITE, Context, EnvelopeError, Mailbox, MailboxSecret, key_commitment

SHARE = b"confide message share v1\n"


def share_bytes(context: bytes, target: str, sealed: bytes) -> bytes:
    """What the sharer signs: which message (by its context), to whom, and the key as sealed to them."""
    return SHARE + hashlib.sha256(context).digest() + target.encode() + b"\n" + sealed


def reshare(
    context: bytes, commitment: bytes, sealed: bytes, *, mine: MailboxSecret, target: Mailbox
) -> tuple[bytes, bytes]:
    """The content key sealed to ``mine`` re-sealed to ``target``, and the sharer's signature over it."""
    info = KEY_INFO + context
    try:
        content_key = SUITE.decrypt(sealed, mine.receive, info=info)
    except (InvalidTag, ValueError):
        raise EnvelopeError("the message does not open") from None
    if key_commitment(content_key) != commitment:
        raise EnvelopeError("the message does not open")
    resealed = SUITE.encrypt(content_key, target.receive, info=info)
    return resealed, mine.sign.sign(share_bytes(context, target.id, resealed))


def check_share(context: bytes, target: str, sealed: bytes, signature: bytes, *, sharer: Mailbox) -> None:
    """Raise EnvelopeError unless ``sharer`` — a recipient of the message — signed this share to ``target``."""
    if sharer.id not in Context.parse(context).recipients:
        raise EnvelopeError("the sharer could not read this message")
    try:
        sharer.verify.verify(signature, share_bytes(context, target, sealed))
    except InvalidSignature:
        raise EnvelopeError("the share is not signed by its sharer") from None
