"""Key hierarchy core: master key, wrapped per-client data keys, blind indexes.

Pure module (no Django import). The master key file holds a Tink AEAD keyset and a
32-byte root for blind indexes; it never enters the database::

    master keyset (file, 0600) --wraps--> client data keyset (DB, ciphertext only)
                                          --encrypts--> client fields (AD binds the place)
    index root (file) --HKDF(table/column)--> HMAC key --> truncated blind index
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pyrage
import tink
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from tink import aead, secret_key_access
from tink.proto import tink_pb2

aead.register()

BLIND_INDEX_BYTES = 16  # truncated on purpose: collisions are possible, so lookups re-check


class VaultError(Exception):
    """A key could not be loaded or a ciphertext did not authenticate."""


def _aead_of(handle: tink.KeysetHandle) -> aead.Aead:
    return handle.primitive(aead.Aead)


def _with_new_primary(handle: tink.KeysetHandle, *, keep_old: bool) -> tink.KeysetHandle:
    """Add a fresh AES-256-GCM key and make it primary (tink-py has no KeysetManager).

    With ``keep_old`` the old keys stay, so ciphertexts made under them still decrypt
    (Tink prefixes each ciphertext with its key id); without it only the new key remains.
    """
    fresh = tink_pb2.Keyset.FromString(
        tink.proto_keyset_format.serialize(
            tink.new_keyset_handle(aead.aead_key_templates.AES256_GCM), secret_key_access.TOKEN
        )
    )
    keyset = tink_pb2.Keyset.FromString(tink.proto_keyset_format.serialize(handle, secret_key_access.TOKEN))
    if not keep_old:
        del keyset.key[:]
    keyset.key.extend(fresh.key)
    keyset.primary_key_id = fresh.primary_key_id
    return tink.proto_keyset_format.parse(keyset.SerializeToString(), secret_key_access.TOKEN)


@dataclass(frozen=True)
class DataKey:
    """One client's data keyset, unwrapped for the duration of a request."""

    _aead: aead.Aead
    _handle: tink.KeysetHandle

    @property
    def key_count(self) -> int:
        return len(self._handle.keyset_info().key_info)

    @property
    def primary_key_id(self) -> int:
        return int(self._handle.keyset_info().primary_key_id)

    def wrap_keyset(self, handle: tink.KeysetHandle, *, associated_data: bytes) -> bytes:
        """Wrap a subordinate keyset (e.g. a document's streaming key) under this data key."""
        return bytes(tink.proto_keyset_format.serialize_encrypted(handle, self._aead, associated_data))

    def unwrap_keyset(self, wrapped: bytes, *, associated_data: bytes) -> tink.KeysetHandle:
        try:
            return tink.proto_keyset_format.parse_encrypted(wrapped, self._aead, associated_data)
        except tink.TinkError:
            raise VaultError("the keyset does not unwrap with this data key") from None

    def encrypt(self, plaintext: bytes, *, associated_data: bytes) -> bytes:
        return bytes(self._aead.encrypt(plaintext, associated_data))

    def decrypt(self, ciphertext: bytes, *, associated_data: bytes) -> bytes:
        try:
            return bytes(self._aead.decrypt(ciphertext, associated_data))
        except tink.TinkError:
            raise VaultError("ciphertext does not authenticate for this place") from None


def read_age_identity(path: Path) -> str:
    """The first age identity (AGE-SECRET-KEY-…) in an identity file, as age-keygen writes it."""
    lines = [line for line in path.read_text().splitlines() if line.startswith("AGE-SECRET-KEY-")]
    if not lines:
        raise VaultError(f"{path} holds no age identity")
    return lines[0]


class FastKey:
    """A raw AES-256-GCM key for bulk, small ciphertexts (the search directory).

    Tink's per-call overhead dominates at 10,000 short names; `cryptography`'s AESGCM is
    about twice as fast. The nonce is made here, never passed in.
    """

    def __init__(self, raw: bytes) -> None:
        self._aesgcm = AESGCM(raw)

    def encrypt(self, plaintext: bytes, *, associated_data: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aesgcm.encrypt(nonce, plaintext, associated_data)

    def decrypt(self, ciphertext: bytes, *, associated_data: bytes) -> bytes:
        try:
            return self._aesgcm.decrypt(ciphertext[:12], ciphertext[12:], associated_data)
        except (InvalidTag, ValueError):
            raise VaultError("ciphertext does not authenticate for this place") from None


class MasterKey:
    """The practice master key: wraps data keys and derives blind-index keys."""

    def __init__(self, *, keyset: tink.KeysetHandle, index_root: bytes) -> None:
        if len(index_root) != 32:
            raise VaultError("the blind-index root must be 32 bytes")
        self._keyset = keyset
        self._aead = _aead_of(keyset)
        self._index_root = index_root

    @classmethod
    def generate(cls) -> MasterKey:
        return cls(
            keyset=tink.new_keyset_handle(aead.aead_key_templates.AES256_GCM),
            index_root=os.urandom(32),
        )

    def serialize(self) -> str:
        keyset = tink.json_proto_keyset_format.serialize(self._keyset, secret_key_access.TOKEN)
        return json.dumps(
            {"version": 1, "keyset": json.loads(keyset), "index_root": base64.b64encode(self._index_root).decode()}
        )

    @classmethod
    def deserialize(cls, text: str) -> MasterKey:
        try:
            data = json.loads(text)
            keyset = tink.json_proto_keyset_format.parse(json.dumps(data["keyset"]), secret_key_access.TOKEN)
            return cls(keyset=keyset, index_root=base64.b64decode(data["index_root"], validate=True))
        except (ValueError, KeyError, TypeError, tink.TinkError):
            raise VaultError("the master key file is not a Confide master key") from None

    @classmethod
    def load(cls, path: Path, *, create: bool) -> MasterKey:
        """Load the key at ``path``; with ``create``, generate it (mode 0600) when missing."""
        if create and not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass  # another process created it first; read theirs
            else:
                with os.fdopen(fd, "w") as handle:
                    handle.write(cls.generate().serialize())
        try:
            return cls.deserialize(path.read_text())
        except OSError as exc:
            raise VaultError(f"the master key file cannot be read: {exc.strerror}") from None

    @classmethod
    def load_age(cls, path: Path, *, identity: str) -> MasterKey:
        """Load a master key kept age-encrypted at rest, decrypting it in memory only."""
        try:
            return cls.deserialize(
                pyrage.decrypt(path.read_bytes(), [pyrage.x25519.Identity.from_str(identity)]).decode()
            )
        except OSError as exc:
            raise VaultError(f"the master key file cannot be read: {exc.strerror}") from None
        except (pyrage.IdentityError, pyrage.DecryptError):
            raise VaultError("the master key file does not open with this age identity") from None

    def serialize_age(self, *, identity: str) -> bytes:
        recipient = pyrage.x25519.Identity.from_str(identity).to_public()
        return bytes(pyrage.encrypt(self.serialize().encode(), [recipient]))

    def new_data_key(self, *, associated_data: bytes) -> bytes:
        """Create a random data key and return it wrapped; only the wrap is ever stored."""
        handle = tink.new_keyset_handle(aead.aead_key_templates.AES256_GCM)
        return bytes(tink.proto_keyset_format.serialize_encrypted(handle, self._aead, associated_data))

    def unwrap(self, wrapped: bytes, *, associated_data: bytes) -> DataKey:
        try:
            handle = tink.proto_keyset_format.parse_encrypted(wrapped, self._aead, associated_data)
        except tink.TinkError:
            raise VaultError("the data key does not unwrap with this master key") from None
        return DataKey(_aead_of(handle), handle)

    def new_fast_key(self, *, associated_data: bytes) -> bytes:
        """Create a random raw key and return it wrapped."""
        return bytes(self._aead.encrypt(os.urandom(32), associated_data))

    def unwrap_fast_key(self, wrapped: bytes, *, associated_data: bytes) -> FastKey:
        return FastKey(self.unwrap_raw(wrapped, associated_data=associated_data))

    def unwrap_raw(self, wrapped: bytes, *, associated_data: bytes) -> bytes:
        try:
            return bytes(self._aead.decrypt(wrapped, associated_data))
        except tink.TinkError:
            raise VaultError("the key does not unwrap with this master key") from None

    def rewrap_raw(self, wrapped: bytes, *, associated_data: bytes) -> bytes:
        """Rewrap under the current primary key (used by master-key rotation)."""
        return bytes(self._aead.encrypt(self.unwrap_raw(wrapped, associated_data=associated_data), associated_data))

    def seal_secret(self, text: str, *, purpose: str) -> bytes:
        """Encrypt an application secret (e.g. a TOTP seed) directly under the master key."""
        return bytes(self._aead.encrypt(text.encode(), f"confide:secret:{purpose}".encode()))

    def open_secret(self, ciphertext: bytes, *, purpose: str) -> str:
        try:
            return bytes(self._aead.decrypt(ciphertext, f"confide:secret:{purpose}".encode())).decode()
        except tink.TinkError:
            raise VaultError("the secret does not decrypt with this master key") from None

    def wrap(self, key: DataKey, *, associated_data: bytes) -> bytes:
        """Wrap an (unwrapped) data keyset under this master key."""
        return bytes(tink.proto_keyset_format.serialize_encrypted(key._handle, self._aead, associated_data))

    def rotate_data_key(self, wrapped: bytes, *, associated_data: bytes, keep_old: bool) -> bytes:
        """Return the client's keyset with a new primary key, wrapped again.

        ``keep_old=True`` is the first step of client-key rotation (old ciphertexts stay
        readable until re-encrypted); ``keep_old=False`` finishes it.
        """
        handle = self.unwrap(wrapped, associated_data=associated_data)._handle
        if keep_old:
            rotated = _with_new_primary(handle, keep_old=True)
            return self.wrap(DataKey(_aead_of(rotated), rotated), associated_data=associated_data)
        return self.wrap(self._drop_old(handle), associated_data=associated_data)

    @staticmethod
    def _drop_old(handle: tink.KeysetHandle) -> DataKey:
        keyset = tink_pb2.Keyset.FromString(tink.proto_keyset_format.serialize(handle, secret_key_access.TOKEN))
        primary = [k for k in keyset.key if k.key_id == keyset.primary_key_id]
        del keyset.key[:]
        keyset.key.extend(primary)
        pruned = tink.proto_keyset_format.parse(keyset.SerializeToString(), secret_key_access.TOKEN)
        return DataKey(_aead_of(pruned), pruned)

    def with_new_primary(self) -> MasterKey:
        """This master key plus a fresh primary key (old wraps still open); same index root."""
        return MasterKey(keyset=_with_new_primary(self._keyset, keep_old=True), index_root=self._index_root)

    def without_old_keys(self) -> MasterKey:
        return MasterKey(keyset=self._drop_old(self._keyset)._handle, index_root=self._index_root)

    @property
    def key_count(self) -> int:
        return len(self._keyset.keyset_info().key_info)

    def derive_secret(self, *, info: str) -> bytes:
        """A 32-byte secret derived from the root (e.g. a log-signing seed); stable across AEAD rotation."""
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=f"confide:derive:{info}".encode()).derive(
            self._index_root
        )

    def blind_index(self, value: str, *, table: str, column: str) -> bytes:
        """Keyed hash for exact-match lookup; one key per table and column."""
        key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=f"confide:bidx:{table}:{column}".encode()
        ).derive(self._index_root)
        return hmac.new(key, value.encode(), hashlib.sha256).digest()[:BLIND_INDEX_BYTES]
