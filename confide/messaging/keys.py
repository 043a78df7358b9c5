"""How a mailbox's secret reaches a person's devices (decision 19), the same bytes as the browser's
envelope.js: sealed with HPKE to a device's own key, or under a recovery sheet's random code. The server
keeps both forms and can open neither.

No Django import: a pure core.
"""

from __future__ import annotations

import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from confide.lib import codes
from confide.messaging.envelope import NONCE, SUITE, EnvelopeError, MailboxSecret

RECOVERY_CODE_BYTES = 16  # 128 bits: random, so no slow derivation is needed
DEVICE_INFO = b"confide:device:v1\n"
RECOVERY_INFO = b"confide mailbox recovery v1"


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


def new_recovery_code() -> str:
    return codes.format_code(os.urandom(RECOVERY_CODE_BYTES))


def _recovery_key(code: str, mailbox: str) -> bytes:
    raw = codes.parse_code(code, size=RECOVERY_CODE_BYTES, error="That is not a recovery code.")
    return HKDF(hashes.SHA256(), 32, salt=bytes.fromhex(mailbox), info=RECOVERY_INFO).derive(raw)


def seal_for_recovery(secret: MailboxSecret, code: str) -> bytes:
    """nonce ‖ AES-256-GCM of the secret under HKDF(code), bound to the mailbox id."""
    mailbox = secret.mailbox.id
    nonce = os.urandom(NONCE)
    return nonce + AESGCM(_recovery_key(code, mailbox)).encrypt(nonce, secret.to_bytes(), bytes.fromhex(mailbox))


def open_with_recovery(sealed: bytes, *, code: str, mailbox: str) -> MailboxSecret:
    """The secret behind a recovery sheet's code; ValueError for a code that is not one, EnvelopeError for
    the wrong one."""
    key = _recovery_key(code, mailbox)
    try:
        return MailboxSecret.from_bytes(AESGCM(key).decrypt(sealed[:NONCE], sealed[NONCE:], bytes.fromhex(mailbox)))
    except InvalidTag:
        raise EnvelopeError("that recovery code does not open this mailbox") from None
