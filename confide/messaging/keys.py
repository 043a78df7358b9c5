"""How a mailbox's secret reaches a person's devices (decision 19), the same bytes as the browser's
envelope.js: sealed with HPKE to a device's own key, or under a recovery sheet's random code. The server
keeps both forms and can open neither.

No Django import: a pure core.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from confide.lib import codes
from confide.messaging.envelope import NONCE, SUITE, EnvelopeError, MailboxSecret

DEVICE_INFO = b"confide:device:v1\n"


def device_id(public: X25519PublicKey) -> str:
    raw = public.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return hashlib.sha256(b"confide device v1\n" + raw).digest()[:16].hex()


def seal_to_device(secret: MailboxSecret, device: X25519PublicKey) -> bytes:
    """The mailbox secret for one device: only the holder of that device's private key opens it."""
    info = DEVICE_INFO + f"{secret.mailbox.id}\n{device_id(device)}\n".encode()
    return SUITE.encrypt(secret.to_bytes(), device, info=info)


def open_on_device(sealed: bytes, *, device: X25519PrivateKey, mailbox: str) -> MailboxSecret:
    """The secret sealed to this device for ``mailbox``; raise EnvelopeError (also if it is another's)."""
    info = DEVICE_INFO + f"{mailbox}\n{device_id(device.public_key())}\n".encode()
    try:
        secret = MailboxSecret.from_bytes(SUITE.decrypt(sealed, device, info=info))
    except (InvalidTag, ValueError):
        raise EnvelopeError("this device cannot open that mailbox") from None
    if secret.mailbox.id != mailbox:  # the server knows the device's public key: it could seal its own secret
        raise EnvelopeError("this device cannot open that mailbox")
    return secret


@dataclass(frozen=True)
class CodeKind:
    """A code a person carries from one place to another: the recovery sheet (kept for years) or a pairing
    code (typed once into a new device, within minutes). Random, so no slow derivation is needed."""

    size: int
    info: bytes
    error: str


RECOVERY = CodeKind(16, b"confide mailbox recovery v1", "That is not a recovery code.")  # 128 bits
PAIRING = CodeKind(10, b"confide mailbox pairing v1", "That is not a pairing code.")  # 80 bits, 16 characters


def new_code(kind: CodeKind) -> str:
    return codes.format_code(os.urandom(kind.size))


def _code_key(code: str, mailbox: str, kind: CodeKind) -> bytes:
    raw = codes.parse_code(code, size=kind.size, error=kind.error)
    return HKDF(hashes.SHA256(), 32, salt=bytes.fromhex(mailbox), info=kind.info).derive(raw)


def seal_under_code(secret: MailboxSecret, code: str, kind: CodeKind) -> bytes:
    """nonce ‖ AES-256-GCM of the secret under HKDF(code), bound to the mailbox id."""
    mailbox = secret.mailbox.id
    nonce = os.urandom(NONCE)
    return nonce + AESGCM(_code_key(code, mailbox, kind)).encrypt(nonce, secret.to_bytes(), bytes.fromhex(mailbox))


def open_under_code(sealed: bytes, *, code: str, mailbox: str, kind: CodeKind) -> MailboxSecret:
    """The secret behind a code; ValueError for a code that is not one, EnvelopeError for the wrong one."""
    key = _code_key(code, mailbox, kind)
    try:
        return MailboxSecret.from_bytes(AESGCM(key).decrypt(sealed[:NONCE], sealed[NONCE:], bytes.fromhex(mailbox)))
    except InvalidTag:
        raise EnvelopeError("that code does not open this mailbox") from None


def new_recovery_code() -> str:
    return new_code(RECOVERY)


def seal_for_recovery(secret: MailboxSecret, code: str) -> bytes:
    return seal_under_code(secret, code, RECOVERY)


def open_with_recovery(sealed: bytes, *, code: str, mailbox: str) -> MailboxSecret:
    return open_under_code(sealed, code=code, mailbox=mailbox, kind=RECOVERY)
