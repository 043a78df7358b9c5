"""Author-only keys for psychotherapy notes (pure core, no Django).

Each author has a Tink HPKE key pair. Notes are sealed to the public key; the private
keyset is stored only wrapped, in up to three independent ways::

    private keyset --AES-GCM under Argon2id(password, own salt)--> wrap_pw
                   --AES-GCM under HKDF(recovery key)-----------> wrap_recovery  (key shown once)
                   --age to escrow holder A, then to holder B---> wrap_escrow    (optional; needs both)

The master key wraps none of these, so the database plus the master key reads nothing.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass

import pyrage
import tink
from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from tink import hybrid, secret_key_access

from confide.lib import codes
from confide.vault.keyring import VaultError

hybrid.register()

RECOVERY_KEY_BYTES = 32
_HPKE = hybrid.hybrid_key_templates.DHKEM_X25519_HKDF_SHA256_HKDF_SHA256_AES_256_GCM


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost; stored beside each wrap so it can be raised later."""

    memory_kib: int = 65536
    time_cost: int = 3
    parallelism: int = 1

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> KdfParams:
        return cls(**json.loads(text))


def password_kek(password: str, *, salt: bytes, params: KdfParams) -> bytes:
    return bytes(
        hash_secret_raw(
            password.encode(),
            salt,
            time_cost=params.time_cost,
            memory_cost=params.memory_kib,
            parallelism=params.parallelism,
            hash_len=32,
            type=Type.ID,
        )
    )


def recovery_kek(recovery_key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"confide:recovery-kek:v1").derive(recovery_key)


def wrap(secret: bytes, *, kek: bytes, associated_data: bytes) -> bytes:
    """AES-256-GCM with a nonce made here, never passed in."""
    nonce = os.urandom(12)
    return nonce + AESGCM(kek).encrypt(nonce, secret, associated_data)


def unwrap(blob: bytes, *, kek: bytes, associated_data: bytes) -> bytes:
    try:
        return AESGCM(kek).decrypt(blob[:12], blob[12:], associated_data)
    except (InvalidTag, ValueError):
        raise VaultError("the key does not unwrap with this secret") from None


def new_key_pair() -> tuple[bytes, bytes]:
    """Return (public keyset, private keyset) as binary Tink keysets."""
    handle = tink.new_keyset_handle(_HPKE)
    public = tink.proto_keyset_format.serialize_without_secret(handle.public_keyset_handle())
    private = tink.proto_keyset_format.serialize(handle, secret_key_access.TOKEN)
    return bytes(public), bytes(private)


def seal(public: bytes, plaintext: bytes, *, context: bytes) -> bytes:
    handle = tink.proto_keyset_format.parse_without_secret(public)
    return bytes(handle.primitive(hybrid.HybridEncrypt).encrypt(plaintext, context))


def open_sealed(private: bytes, ciphertext: bytes, *, context: bytes) -> bytes:
    try:
        handle = tink.proto_keyset_format.parse(private, secret_key_access.TOKEN)
        return bytes(handle.primitive(hybrid.HybridDecrypt).decrypt(ciphertext, context))
    except tink.TinkError:
        raise VaultError("the note does not open with this key") from None


def new_recovery_key() -> bytes:
    return os.urandom(RECOVERY_KEY_BYTES)


def format_recovery_key(raw: bytes) -> str:
    """Base32 in groups of four, for writing down: ``ABCD-EFGH-…``."""
    return codes.format_code(raw)


def parse_recovery_key(text: str) -> bytes:
    return codes.parse_code(text, size=RECOVERY_KEY_BYTES, error="That is not a recovery key.")


def escrow_wrap(private: bytes, *, recipients: tuple[str, str]) -> bytes:
    """Wrap to two escrow holders in sequence, so opening needs both (two-person control)."""
    try:
        inner = pyrage.encrypt(private, [pyrage.x25519.Recipient.from_str(recipients[1])])
        return bytes(pyrage.encrypt(inner, [pyrage.x25519.Recipient.from_str(recipients[0])]))
    except (pyrage.RecipientError, pyrage.EncryptError) as exc:
        raise VaultError(f"escrow recipient is not an age X25519 key: {exc}") from None


def escrow_open(blob: bytes, *, identities: tuple[str, str]) -> bytes:
    try:
        inner = pyrage.decrypt(blob, [pyrage.x25519.Identity.from_str(identities[0])])
        return bytes(pyrage.decrypt(inner, [pyrage.x25519.Identity.from_str(identities[1])]))
    except (pyrage.IdentityError, pyrage.DecryptError) as exc:
        raise VaultError(f"escrow does not open with these identities: {exc}") from None
