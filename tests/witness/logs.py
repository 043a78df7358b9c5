"""A log of our own for the witness tests: leaves, signed checkpoints and consistency proofs, made with the
same pure code the practice uses (confide.audit.merkle, confide.audit.note)."""

from __future__ import annotations

import base64
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from confide.audit import merkle, note
from confide.witness.witness import Witness

ORIGIN = "confide.test/harbor/audit"


class Log:
    def __init__(self, origin: str = ORIGIN, key: Ed25519PrivateKey | None = None, salt: bytes = b"") -> None:
        self.origin, self.key, self.leaves = origin, key or Ed25519PrivateKey.generate(), list[bytes]()
        self.salt = salt  # two logs with different salts fork at their first leaf

    @property
    def vkey(self) -> str:
        return note.verifier_key(self.origin, self.key.public_key())

    def grow(self, count: int) -> Log:
        start = len(self.leaves)
        self.leaves += [merkle.leaf_hash(self.salt + f"entry {start + i}".encode()) for i in range(count)]
        return self

    def checkpoint(self, extensions: tuple[str, ...] = ("heads 1 AAAA",)) -> str:
        body = note.Checkpoint(self.origin, len(self.leaves), merkle.root(self.leaves), extensions)
        return note.sign(body, name=self.origin, key=self.key)

    def request(self, old: int, proof: list[bytes] | None = None, checkpoint: str | None = None) -> bytes:
        if proof is None:
            proof = merkle.consistency_proof(self.leaves, old) if 0 < old < len(self.leaves) else []
        lines = [f"old {old}", *(base64.b64encode(h).decode() for h in proof)]
        return ("\n".join(lines) + "\n\n" + (checkpoint or self.checkpoint())).encode()


WITNESS = "witness.test/w1"
WITNESS_KEY = Ed25519PrivateKey.generate()


def witness_of(folder: Path, *logs: Log, clock: float = 1_700_000_000.0) -> Witness:
    """The witness ``witness.test/w1`` (key WITNESS_KEY) in ``folder``, trusting ``logs``, at a fixed time."""
    trusted: dict[str, list[str]] = {}
    for log in logs:
        trusted.setdefault(log.origin, []).append(log.vkey)
    return Witness(name=WITNESS, key=WITNESS_KEY, logs=trusted, folder=folder, clock=lambda: clock)
