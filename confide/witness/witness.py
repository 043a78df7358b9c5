"""The witness's one decision (C2SP tlog-witness add-checkpoint), pure: no Django.

For each log it trusts (by origin and verifier key) the witness keeps the newest checkpoint it cosigned.
A new checkpoint is cosigned only if the log signed it and a consistency proof shows it extends that one;
checking and recording happen under one lock, so two requests can never roll the record back. A refused
fork or rewrite is kept as evidence: two signed checkpoints that cannot both be true.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import fcntl
import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from confide.audit import merkle, note
from confide.witness.cosign import cosign

OLD = re.compile(r"old (0|[1-9][0-9]{0,19})")
SIZE = re.compile(r"0|[1-9][0-9]{0,19}")  # a u64: at most 20 digits, checked below to be under 2**64
MAX_PROOF = 63
SIZE_TYPE = "text/x.tlog.size"


@dataclass(frozen=True)
class Reply:
    status: int
    body: str
    content_type: str = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class Submission:
    old: int
    proof: list[bytes]
    note: str  # the signed checkpoint, signature lines included
    body: str  # its body: origin, size, root, extension lines
    origin: str
    size: int
    root: bytes


class Malformed(ValueError):
    pass


def _hash(line: str) -> bytes:
    try:
        value = base64.b64decode(line, validate=True)
    except binascii.Error:
        raise Malformed("a proof line is not base64") from None
    if len(value) != 32:
        raise Malformed("a proof line is not a SHA-256 hash")
    return value


def parse(request: bytes) -> Submission:
    """An add-checkpoint request body: ``old N``, up to 63 proof hashes, a blank line, the checkpoint."""
    try:
        text = request.decode("utf-8")
    except UnicodeDecodeError:
        raise Malformed("the request is not UTF-8") from None
    head, sep, signed = text.partition("\n\n")
    if not sep:
        raise Malformed("the request needs a blank line before the checkpoint")
    first, *proof_lines = head.split("\n")
    old = OLD.fullmatch(first)
    if not old:
        raise Malformed("the first line must be 'old <size>'")
    if len(proof_lines) > MAX_PROOF:
        raise Malformed("a consistency proof has at most 63 hashes")
    body, sep, signatures = signed.partition("\n\n")
    lines = body.split("\n")
    if not sep or len(lines) < 3 or not signatures.endswith("\n") or not SIZE.fullmatch(lines[1]):
        raise Malformed("the checkpoint is not a signed note of origin, size and root")
    if "\n\n" in signatures:
        raise Malformed("a signed note has one blank line, before its signatures")
    root, old_size, size = _hash(lines[2]), int(old[1]), int(lines[1])
    if max(old_size, size) >= 2**64:
        raise Malformed("a tree size is a 64-bit number")
    return Submission(old_size, [_hash(p) for p in proof_lines], signed, body + "\n", lines[0], size, root)


class Witness:
    def __init__(
        self,
        *,
        name: str,
        key: Ed25519PrivateKey,
        logs: dict[str, list[str]],
        folder: Path,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.name, self.key, self.logs, self.folder, self.clock = name, key, logs, folder, clock
        self._lock = threading.Lock()
        (folder / "state").mkdir(parents=True, exist_ok=True)
        (folder / "evidence").mkdir(exist_ok=True)

    def _state_path(self, origin: str) -> Path:
        return self.folder / "state" / hashlib.sha256(origin.encode()).hexdigest()

    def latest(self, origin: str) -> tuple[int, bytes | None, str | None]:
        """The newest checkpoint cosigned for ``origin``: its size, root and note (0, None, None if none)."""
        path = self._state_path(origin)
        if not path.exists():
            return 0, None, None
        state = json.loads(path.read_text())
        if state["origin"] != origin:  # a file moved or edited by hand: never cosign from another log's state
            raise RuntimeError(f"{path} holds the state of {state['origin']!r}, not of {origin!r}")
        return int(state["size"]), base64.b64decode(state["root"]), str(state["note"])

    def _record(self, submission: Submission) -> None:
        state = {"origin": submission.origin, "size": submission.size, "note": submission.note}
        state["root"] = base64.b64encode(submission.root).decode()
        path = self._state_path(submission.origin)
        draft = path.with_suffix(".draft")
        with draft.open("w") as handle:
            handle.write(json.dumps(state))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(draft, path)
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)  # the rename itself persisted before the cosignature leaves
        finally:
            os.close(folder)

    def _evidence(self, submission: Submission, held: str) -> None:
        """Keep a fork: the held checkpoint and one of the same size with another root, both signed by the
        log (each with only its trusted signature line). One file per fork, however often it is sent."""
        name = f"fork-{hashlib.sha256(submission.note.encode()).hexdigest()[:32]}.txt"
        text = f"two checkpoints of one size with different roots, both signed by the log\n\n{held}\n{submission.note}"
        (self.folder / "evidence" / name).write_text(text)

    def forget(self, origin: str, *, why: str) -> bool:
        """Start ``origin`` afresh (its operator restored a backup and said so): the last checkpoint
        cosigned is kept as evidence, never deleted. False if nothing was held for it."""
        with self._exclusive():
            path = self._state_path(origin)
            if not path.exists():
                return False
            held = json.loads(path.read_text())
            name = f"{int(self.clock())}-forgotten-{path.name[:16]}.txt"
            (self.folder / "evidence" / name).write_text(f"forgotten: {why}\n\nlatest cosigned:\n{held['note']}")
            path.unlink()
        return True

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """One decision at a time, across threads and processes sharing the folder."""
        with self._lock, (self.folder / "lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def add_checkpoint(self, request: bytes) -> Reply:
        try:
            submission = parse(request)
        except Malformed as error:
            return Reply(400, f"{error}\n")
        trusted = self.logs.get(submission.origin)
        if trusted is None:
            return Reply(404, "this witness does not know that log\n")
        signature = next((found for vkey in trusted if (found := _signature_by(submission.note, vkey))), None)
        if signature is None:
            return Reply(403, "no signature by a key this witness trusts for that log\n")
        # Only the log's own signature line is kept: the others are anyone's to add.
        submission = dataclasses.replace(submission, note=f"{submission.body}\n{signature}\n")
        if submission.old > submission.size:
            return Reply(400, "the old size is larger than the checkpoint's\n")
        if submission.old == 0 and submission.proof:
            return Reply(400, "a proof from size 0 must be empty\n")
        if submission.old == submission.size and submission.proof:
            return Reply(400, "a proof between equal sizes must be empty\n")
        with self._exclusive():
            size, root, held = self.latest(submission.origin)
            if held is not None and submission.size == size and root != submission.root:  # whatever old it gives
                self._evidence(submission, held)
                return Reply(409, f"{size}\n", SIZE_TYPE)
            if submission.old != size:
                return Reply(409, f"{size}\n", SIZE_TYPE)
            if size > 0 and submission.old < submission.size and root is not None:  # from 0 nothing needs proving
                if not merkle.verify_consistency(size, submission.size, root, submission.root, submission.proof):
                    return Reply(422, "the consistency proof does not verify\n")
            self._record(submission)
            line = cosign(submission.body, name=self.name, key=self.key, timestamp=int(self.clock()))
        return Reply(200, line)


def _signature_by(signed: str, vkey: str) -> str | None:
    """The note's signature line by ``vkey``, if it verifies."""
    try:
        return note.signature_line(signed, verifier=vkey)
    except ValueError:
        return None
