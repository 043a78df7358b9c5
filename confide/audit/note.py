"""C2SP tlog-checkpoint bodies in C2SP signed-note form, signed with Ed25519 (pure, no Django).

    <origin>\\n<tree size>\\n<base64 root hash>\\n[<extension line>\\n ...]
    \\n
    — <key name> <base64(4-byte key hash ‖ 64-byte signature)>\\n

The key hash is the first 4 bytes of SHA-256(key name ‖ "\\n" ‖ 0x01 ‖ public key); the
verifier key is "<name>+<hex key hash>+<base64(0x01 ‖ public key)>".
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519 = b"\x01"
DASH = "\u2014"


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()  # C2SP extension lines, e.g. the client-heads root

    def body(self) -> str:
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode(), *self.extensions]
        return "".join(f"{line}\n" for line in lines)


def _raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_hash(name: str, public: Ed25519PublicKey) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + _raw(public)).digest()[:4]


def verifier_key(name: str, public: Ed25519PublicKey) -> str:
    return f"{name}+{key_hash(name, public).hex()}+{base64.b64encode(ED25519 + _raw(public)).decode()}"


def sign(checkpoint: Checkpoint, *, name: str, key: Ed25519PrivateKey) -> str:
    body = checkpoint.body()
    signature = key.sign(body.encode())
    blob = base64.b64encode(key_hash(name, key.public_key()) + signature).decode()
    return f"{body}\n{DASH} {name} {blob}\n"


def parse_verifier_key(text: str) -> tuple[str, bytes, Ed25519PublicKey]:
    name, hash_hex, encoded = text.split("+", 2)
    raw = base64.b64decode(encoded, validate=True)
    if raw[:1] != ED25519 or len(raw) != 33:
        raise ValueError("not an Ed25519 verifier key")
    return name, bytes.fromhex(hash_hex), Ed25519PublicKey.from_public_bytes(raw[1:])


def signature_line(note: str, *, verifier: str) -> str:
    """The note's signature line by ``verifier``, verified over its body; raise ValueError."""
    name, expected_hash, public = parse_verifier_key(verifier)
    body, sep, signatures = note.partition("\n\n")
    if not sep:
        raise ValueError("a signed note needs a blank line before its signatures")
    for line in signatures.splitlines():
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != DASH or parts[1] != name:
            continue
        blob = base64.b64decode(parts[2], validate=True)
        if blob[:4] != expected_hash:
            continue
        try:
            public.verify(blob[4:], f"{body}\n".encode())
        except InvalidSignature:
            raise ValueError("the checkpoint signature does not verify") from None
        return line
    raise ValueError("no signature by this key")


def open_note(note: str, *, verifier: str) -> Checkpoint:
    """Verify the signature line for ``verifier`` and parse the checkpoint; raise ValueError."""
    signature_line(note, verifier=verifier)
    origin, size, root, *extensions = note.partition("\n\n")[0].split("\n")
    return Checkpoint(origin, int(size), base64.b64decode(root, validate=True), tuple(extensions))
