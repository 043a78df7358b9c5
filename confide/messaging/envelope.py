"""The message envelope (decision 19), the same bytes as the browser's envelope.js: a body sealed once under
a fresh content key, that key sealed with HPKE to each recipient's mailbox, and the sender's Ed25519
signature over the context and the body. The server checks signatures and stores the rest unopened; this
module opens envelopes only for tests and for clients that are not browsers.

No Django import: a pure core.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
KEY_INFO = b"confide:msg:v1\n"
SIGNED = b"confide message signature v1\n"
NONCE = 12
MAILBOX_ID = re.compile(r"[0-9a-f]{32}")


class EnvelopeError(ValueError):
    """An envelope that does not open: not for this mailbox, altered, or not signed by its sender."""


def _raw(key: X25519PublicKey | Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass(frozen=True)
class Mailbox:
    """A person's public mailbox: where messages are sealed to, and whose signatures are theirs."""

    receive: X25519PublicKey
    verify: Ed25519PublicKey

    @classmethod
    def from_raw(cls, receive: bytes, verify: bytes) -> Mailbox:
        if len(receive) != 32 or len(verify) != 32:
            raise ValueError("a mailbox key is 32 bytes")
        return cls(X25519PublicKey.from_public_bytes(receive), Ed25519PublicKey.from_public_bytes(verify))

    @property
    def id(self) -> str:
        digest = hashlib.sha256(b"confide mailbox v1\n" + _raw(self.receive) + _raw(self.verify)).digest()
        return digest[:16].hex()


@dataclass(frozen=True)
class MailboxSecret:
    """The private half: 64 bytes, the raw X25519 and Ed25519 private keys."""

    receive: X25519PrivateKey
    sign: Ed25519PrivateKey

    @classmethod
    def generate(cls) -> MailboxSecret:
        return cls(X25519PrivateKey.generate(), Ed25519PrivateKey.generate())

    @classmethod
    def from_bytes(cls, secret: bytes) -> MailboxSecret:
        if len(secret) != 64:
            raise ValueError("a mailbox secret is 64 bytes")
        return cls(X25519PrivateKey.from_private_bytes(secret[:32]), Ed25519PrivateKey.from_private_bytes(secret[32:]))

    def to_bytes(self) -> bytes:
        raw = (Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        return self.receive.private_bytes(*raw) + self.sign.private_bytes(*raw)

    @property
    def mailbox(self) -> Mailbox:
        return Mailbox(self.receive.public_key(), self.sign.public_key())


@dataclass(frozen=True)
class Context:
    """What every part of an envelope is bound to: whose, where, and for whom (the sender among them)."""

    practice: uuid.UUID
    thread: uuid.UUID
    message: uuid.UUID
    sender: str
    recipients: tuple[str, ...]

    def __post_init__(self) -> None:
        if list(self.recipients) != sorted(set(self.recipients)):
            raise ValueError("the recipients are listed once each, sorted")
        if self.sender not in self.recipients:
            raise ValueError("the sender's own mailbox is always a recipient")
        if not all(MAILBOX_ID.fullmatch(mid) for mid in self.recipients):
            raise ValueError("not a mailbox id")

    def to_bytes(self) -> bytes:
        lines = ["confide message v1", f"practice {self.practice}", f"thread {self.thread}"]
        lines += [f"message {self.message}", f"sender {self.sender}", f"recipients {','.join(self.recipients)}"]
        return "".join(f"{line}\n" for line in lines).encode()

    @classmethod
    def parse(cls, data: bytes) -> Context:
        """The context an envelope carries, exactly as written by to_bytes; raise EnvelopeError."""
        try:
            head, practice, thread, message, sender, recipients, end = data.decode().split("\n")
            fields = [line.split(" ", 1) for line in (practice, thread, message, sender, recipients)]
            names = [name for name, _ in fields]
            if (
                head != "confide message v1"
                or end
                or names != ["practice", "thread", "message", "sender", "recipients"]
            ):
                raise ValueError
            values = [value for _, value in fields]
            parsed = cls(
                uuid.UUID(values[0]), uuid.UUID(values[1]), uuid.UUID(values[2]), values[3], tuple(values[4].split(","))
            )
        except ValueError:
            raise EnvelopeError("not a message context") from None
        if parsed.to_bytes() != data:  # one way to write each: no other spelling of a uuid
            raise EnvelopeError("not a message context")
        return parsed


@dataclass(frozen=True)
class Envelope:
    context: bytes
    nonce: bytes
    body: bytes
    keys: Mapping[str, bytes]  # recipient mailbox id → enc ‖ sealed content key
    signature: bytes
    commitment: bytes  # to the content key: AES-GCM alone would let one body open to other words under another key


def key_commitment(content_key: bytes) -> bytes:
    return hashlib.sha256(b"confide content key v1\n" + content_key).digest()


def signed_bytes(ctx: bytes, nonce: bytes, body: bytes, commitment: bytes) -> bytes:
    """What the sender signs: the context, the body and the one content key every recipient must find."""
    return SIGNED + ctx + hashlib.sha256(nonce + body).digest() + commitment


def seal(plaintext: bytes, *, ctx: Context, sender: MailboxSecret, recipients: Iterable[Mailbox]) -> Envelope:
    """Seal ``plaintext`` to ``recipients``, which must be the mailboxes ``ctx`` names, sender included."""
    boxes = {box.id: box for box in recipients}
    if tuple(sorted(boxes)) != ctx.recipients or sender.mailbox.id != ctx.sender:
        raise ValueError("the context names other mailboxes than those sealed to")
    data = ctx.to_bytes()
    content_key, nonce = os.urandom(32), os.urandom(NONCE)
    body = AESGCM(content_key).encrypt(nonce, plaintext, data)
    keys = {mid: SUITE.encrypt(content_key, box.receive, info=KEY_INFO + data) for mid, box in boxes.items()}
    commitment = key_commitment(content_key)
    signature = sender.sign.sign(signed_bytes(data, nonce, body, commitment))
    return Envelope(data, nonce, body, keys, signature, commitment)


def check_signature(envelope: Envelope, sender: Mailbox) -> None:
    """Raise EnvelopeError unless ``sender`` signed this context, body and content key."""
    e = envelope
    try:
        sender.verify.verify(e.signature, signed_bytes(e.context, e.nonce, e.body, e.commitment))
    except InvalidSignature:
        raise EnvelopeError("the message is not signed by its sender") from None


def open_envelope(envelope: Envelope, *, mine: MailboxSecret, sender: Mailbox) -> bytes:
    """The plaintext, for the holder of ``mine``; raise EnvelopeError."""
    check_signature(envelope, sender)
    sealed = envelope.keys.get(mine.mailbox.id)
    if sealed is None:
        raise EnvelopeError("the message is not sealed to this mailbox")
    try:
        content_key = SUITE.decrypt(sealed, mine.receive, info=KEY_INFO + envelope.context)
        if key_commitment(content_key) != envelope.commitment:  # another key than the one the sender signed
            raise ValueError
        return AESGCM(content_key).decrypt(envelope.nonce, envelope.body, envelope.context)
    except (InvalidTag, ValueError):
        raise EnvelopeError("the message does not open") from None


def safety_code(a: str, b: str) -> str:
    """20 digits in four groups of five, the same on both sides: two people read them to each other."""
    digest = hashlib.sha256(b"confide safety code v1\n" + "\n".join(sorted((a, b))).encode()).digest()
    groups = (int.from_bytes(digest[i : i + 5], "big") % 100_000 for i in range(0, 20, 5))
    return " ".join(f"{group:05d}" for group in groups)
