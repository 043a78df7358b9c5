"""The newest signed checkpoint of each practice's log, kept in a file outside the database.

An administrator with the database can roll the whole log back to an earlier state (events, leaves,
subtree hashes, checkpoints and heads together) and let the honest integrator sign on from there: every
proof would still check. The anchor file, beside the master key and written only by the signer after
its transaction commits, remembers the newest checkpoint it signed. The integrator refuses to sign over
a database that is not an extension of it, `confide audit verify` compares the two, and the client's
browser receives it with every proof bundle and refuses a log that is older or different.
"""

from __future__ import annotations

import fcntl
import os
import uuid
from pathlib import Path

from django.conf import settings

from confide.audit import note
from confide.audit.log import verifier_key
from confide.practices.models import Practice


def _path(practice_id: uuid.UUID) -> Path:
    return Path(settings.CONFIDE_LOG_ANCHOR_DIR) / f"{practice_id}.checkpoint"


def _restored_path(practice_id: uuid.UUID) -> Path:
    return _path(practice_id).with_suffix(".restored")


def restore_record(practice_id: uuid.UUID, line: str) -> None:
    """After an accepted restore: every checkpoint signed from now on carries ``line``, after the lines of
    earlier restores (kept beside the anchor, so no one with only the database can claim a restore)."""
    with _restored_path(practice_id).open("a") as kept:
        kept.write(line + "\n")


def restore_read(practice_id: uuid.UUID) -> list[str]:
    """Every accepted restore's line, oldest first."""
    try:
        return _restored_path(practice_id).read_text().splitlines()
    except FileNotFoundError:
        return []


def _size(note: str) -> int:
    return int(note.split("\n", 2)[1])


def anchor_read(practice_id: uuid.UUID) -> str | None:
    """The newest checkpoint note this server signed for the practice, or None before the first."""
    try:
        return _path(practice_id).read_text()
    except FileNotFoundError:
        return None


def anchor_open(practice: Practice) -> tuple[str, note.Checkpoint] | None:
    """The kept anchor and the checkpoint it signs; ValueError when its signature does not verify."""
    kept = anchor_read(practice.id)
    return None if kept is None else (kept, note.open_note(kept, verifier=verifier_key(practice)))


def anchor_advance(practice_id: uuid.UUID, note: str) -> None:
    """Keep ``note`` if it is larger than the kept one (several processes sign: a lock file orders them)."""
    path = _path(practice_id)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with (path.parent / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        kept = anchor_read(practice_id)
        if kept is not None and _size(kept) >= _size(note):
            return
        draft = path.with_suffix(f".{os.getpid()}.tmp")
        draft.write_text(note)
        os.replace(draft, path)


def anchor_supersede(practice_id: uuid.UUID, *, suffix: str) -> str | None:
    """After a database restore: set the kept anchor aside (renamed, never deleted); return its note."""
    path = _path(practice_id)
    if not path.exists():
        return None
    with (path.parent / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        kept = anchor_read(practice_id)
        os.replace(path, path.with_name(f"{path.name}.superseded-{suffix}"))
        return kept
