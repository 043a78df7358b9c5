"""The map of client heads that every checkpoint signs (pure, no Django).

A client's head is (client id, number of their newest logged entry, that entry's leaf index). The map
is an RFC 9162 Merkle tree over the heads' leaf hashes, sorted by client id; its root and size go into
the checkpoint as the extension line ``confide-heads/v1 <size> <base64 root>``. A client's browser
checks its own head's inclusion and that its history ends exactly there: dropping any entry, the newest
included, would need a new signature. Other clients' heads appear in a proof only as hashes.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from confide.audit import merkle

CONTEXT = b"confide-client-head-v1\x00"
EXTENSION = "confide-heads/v1"
PREVIOUS = "confide-previous/v1"  # the size of the checkpoint signed before this one: deleting one breaks the chain
# When the checkpoint was signed (UTC, whole seconds): an entry shown later (a lifted seal) proves it was
# in the log by then, from the first checkpoint that includes it (the client's browser reads it).
TIME = "confide-time/v1"
# After an accepted backup restore, every checkpoint says so: the size the log was restored at, and the
# newest checkpoint signed before (size, root), whose entries past the restore were lost.
RESTORED = "confide-restored/v1"


@dataclass(frozen=True, order=True)
class Head:
    client: uuid.UUID
    seq: int
    index: int

    def leaf(self) -> bytes:
        return merkle.leaf_hash(
            CONTEXT + self.client.bytes + self.seq.to_bytes(8, "big") + self.index.to_bytes(8, "big")
        )


@dataclass(frozen=True)
class HeadMap:
    heads: tuple[Head, ...]  # sorted by client id

    @classmethod
    def of(cls, heads: Iterable[Head]) -> HeadMap:
        ordered = tuple(sorted(heads, key=lambda h: h.client.bytes))
        if any(a.client == b.client for a, b in zip(ordered, ordered[1:], strict=False)):
            raise ValueError("a client has more than one head")
        return cls(ordered)

    def leaves(self) -> Sequence[bytes]:
        return [h.leaf() for h in self.heads]

    def root(self) -> bytes:
        return merkle.root(self.leaves()) if self.heads else merkle.EMPTY_ROOT

    def position(self, client: uuid.UUID) -> int | None:
        for position, head in enumerate(self.heads):
            if head.client == client:
                return position
        return None

    def proof(self, position: int) -> list[bytes]:
        return merkle.inclusion_proof(self.leaves(), position)


def extension_line(size: int, root: bytes) -> str:
    return f"{EXTENSION} {size} {base64.b64encode(root).decode()}"


def parse_extension(lines: Sequence[str]) -> tuple[int, bytes] | None:
    """The (size, root) of the heads line among a checkpoint's extension lines, if there is one."""
    for line in lines:
        parts = line.split(" ")
        if len(parts) == 3 and parts[0] == EXTENSION:
            return int(parts[1]), base64.b64decode(parts[2], validate=True)
    return None


def previous_line(size: int) -> str:
    return f"{PREVIOUS} {size}"


def parse_previous(lines: Sequence[str]) -> int | None:
    for line in lines:
        parts = line.split(" ")
        if len(parts) == 2 and parts[0] == PREVIOUS:
            return int(parts[1])
    return None


def restored_line(at: int, lost_size: int, lost_root: bytes) -> str:
    return f"{RESTORED} {at} {lost_size} {base64.b64encode(lost_root).decode()}"


def time_line(at: dt.datetime) -> str:
    return f"{TIME} {int(at.timestamp())}"
