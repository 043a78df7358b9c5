"""C2SP tlog-cosignature v1 with Ed25519 (signature type 0x04), pure: no Django.

A cosignature line is ``— <name> base64(key id ‖ u64 timestamp ‖ 64-byte signature)``, the key id being
SHA-256(name ‖ "\\n" ‖ 0x04 ‖ public key)[:4], over the message ``cosignature/v1\\ntime <t>\\n`` followed by
the checkpoint's whole body (extension lines included, signature lines not). A witness's verifier key is
``<name>+<hex key id>+<base64(0x04 ‖ public key)>``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

COSIGNATURE = b"\x04"
DASH = "\u2014"


@dataclass(frozen=True)
class Cosigner:
    """A witness as a log's clients know it: its name and public key."""

    name: str
    public: Ed25519PublicKey

    @property
    def key_id(self) -> bytes:
        raw = self.public.public_bytes(Encoding.Raw, PublicFormat.Raw)
        return hashlib.sha256(self.name.encode() + b"\n" + COSIGNATURE + raw).digest()[:4]

    def verifier_key(self) -> str:
        raw = self.public.public_bytes(Encoding.Raw, PublicFormat.Raw)
        return f"{self.name}+{self.key_id.hex()}+{base64.b64encode(COSIGNATURE + raw).decode()}"


def parse_cosigner(vkey: str) -> Cosigner:
    """A witness's verifier key; ValueError if it is not one (or its key id does not match it)."""
    parts = vkey.strip().split("+", 2)
    if len(parts) != 3 or not parts[0]:
        raise ValueError("a witness key is <name>+<key id>+<base64 key>")
    try:
        raw = base64.b64decode(parts[2], validate=True)
        key_id = bytes.fromhex(parts[1])
    except (binascii.Error, ValueError):
        raise ValueError("a witness key is <name>+<key id>+<base64 key>") from None
    if raw[:1] != COSIGNATURE or len(raw) != 33:
        raise ValueError("not an Ed25519 cosignature key (type 0x04)")
    cosigner = Cosigner(parts[0], Ed25519PublicKey.from_public_bytes(raw[1:]))
    if cosigner.key_id != key_id:
        raise ValueError("the witness key's id does not match its name and key")
    return cosigner


def _message(body: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n{body}".encode()


def cosign(body: str, *, name: str, key: Ed25519PrivateKey, timestamp: int) -> str:
    """The cosignature line (with its newline) for a checkpoint ``body`` (which ends in a newline)."""
    if not 0 <= timestamp < 2**63:
        raise ValueError("a cosignature's time is a POSIX timestamp")
    signer = Cosigner(name, key.public_key())
    signature = key.sign(_message(body, timestamp))
    blob = base64.b64encode(signer.key_id + struct.pack(">Q", timestamp) + signature).decode()
    return f"{DASH} {name} {blob}\n"


def cosigned_at(body: str, line: str, cosigner: Cosigner) -> int | None:
    """When ``cosigner`` cosigned ``body`` by this line, or None if the line is not its valid cosignature."""
    parts = line.rstrip("\n").split(" ")
    if len(parts) != 3 or parts[0] != DASH or parts[1] != cosigner.name:
        return None
    try:
        blob = base64.b64decode(parts[2], validate=True)
    except binascii.Error:
        return None
    if len(blob) != 4 + 8 + 64 or blob[:4] != cosigner.key_id:
        return None
    (timestamp,) = struct.unpack(">Q", blob[4:12])
    if timestamp >= 2**63:
        return None
    try:
        cosigner.public.verify(blob[12:], _message(body, timestamp))
    except InvalidSignature:
        return None
    return int(timestamp)
