"""The practice's transparency log: its signing key, proofs from stored subtree hashes, and its
checkpoints (``confide.audit.integrate`` extends it).

Storage: every leaf (``LogLeaf``) and every complete subtree hash (``LogNode``, level 0 =
leaves). Any range hash the RFC recursion needs decomposes into at most ~2·log2(n) complete
subtrees, fetched in one query: proofs cost O(log n) at any size.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import connection

from confide.audit import merkle, note
from confide.audit.models import Checkpoint
from confide.practices.models import Practice
from confide.vault.sealing import master_key


def origin(practice: Practice) -> str:
    return f"{settings.CONFIDE_LOG_ORIGIN}/{practice.slug}/audit"


def signing_key(practice_id: uuid.UUID) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(master_key().derive_secret(info=f"log-signing:{practice_id}"))


def verifier_key(practice: Practice) -> str:
    return note.verifier_key(origin(practice), signing_key(practice.id).public_key())


def _perfect_parts(start: int, end: int) -> Iterator[tuple[int, int]]:
    size = end - start
    if size & (size - 1) == 0:
        level = size.bit_length() - 1
        yield level, start >> level
        return
    k = merkle.split_point(size)
    yield from _perfect_parts(start, start + k)
    yield from _perfect_parts(start + k, end)


def stored_nodes(practice_id: uuid.UUID, wanted: set[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """The stored complete-subtree hashes at these (level, index) places, in one query."""
    by_level: dict[int, list[int]] = {}
    for level, index in sorted(wanted):
        by_level.setdefault(level, []).append(index)
    return _select_nodes(
        practice_id, [(level, f'"index" IN ({", ".join(["%s"] * len(ixs))})', ixs) for level, ixs in by_level.items()]
    )


def stored_node_ranges(practice_id: uuid.UUID, ranges: dict[int, tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """The stored hashes of each level's index range (first, last), in one query of few distinct shapes."""
    return _select_nodes(practice_id, [(level, '"index" BETWEEN %s AND %s', [*r]) for level, r in ranges.items()])


def _select_nodes(practice_id: uuid.UUID, clauses: list[tuple[int, str, list[int]]]) -> dict[tuple[int, int], bytes]:
    if not clauses:
        return {}
    # Per-level lookups joined by UNION ALL: each part walks the unique (practice, level,
    # index) index. An OR of pairs, a row-value IN or "level > 0 AND index IN" made SQLite's
    # planner pick a prefix of the index and scan every node of the practice.
    pid = practice_id.hex if connection.vendor == "sqlite" else str(practice_id)
    sql = " UNION ALL ".join(  # only placeholders are formatted in; every value is a parameter
        f'SELECT level, "index", hash FROM audit_lognode WHERE practice_id = %s AND level = %s AND {where}'  # noqa: S608
        for _, where, _ in clauses
    )
    params: list[str | int] = []
    for level, _, values in clauses:
        params += [pid, level, *values]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(level, index): bytes(value) for level, index, value in cursor.fetchall()}


class NodeStore:
    """Range hashes over the stored complete subtrees of one practice's log."""

    def __init__(self, practice_id: uuid.UUID) -> None:
        self.practice_id = practice_id
        self.nodes: dict[tuple[int, int], bytes] = {}

    def prefetch(self, ranges: Iterator[tuple[int, int]] | list[tuple[int, int]]) -> None:
        wanted = {part for start, end in ranges for part in _perfect_parts(start, end)} - self.nodes.keys()
        if not wanted:
            return
        self.nodes.update(stored_nodes(self.practice_id, wanted))
        missing = wanted - self.nodes.keys()
        if missing:
            raise LookupError(f"the log is missing subtree hashes {sorted(missing)[:3]}")

    def mth(self, start: int, end: int) -> bytes:
        size = end - start
        if size & (size - 1) == 0:
            level = size.bit_length() - 1
            return self.nodes[(level, start >> level)]
        k = merkle.split_point(size)
        return merkle.node_hash(self.mth(start, start + k), self.mth(start + k, end))


def _recorded(fn: object, *args: int) -> list[tuple[int, int]]:
    """Run a proof generator with a placeholder hash to learn which ranges it needs."""
    seen: list[tuple[int, int]] = []

    def record(start: int, end: int) -> bytes:
        seen.append((start, end))
        return b"\x00" * 32

    fn(record, *args)  # type: ignore[operator]
    return seen


def log_root(practice_id: uuid.UUID, size: int) -> bytes:
    if size == 0:
        return merkle.EMPTY_ROOT
    store = NodeStore(practice_id)
    store.prefetch([(0, size)])
    return store.mth(0, size)


def inclusion_proof(practice_id: uuid.UUID, index: int, size: int) -> list[bytes]:
    store = NodeStore(practice_id)
    store.prefetch(_recorded(merkle.inclusion_proof_from, index, size))
    return merkle.inclusion_proof_from(store.mth, index, size)


def inclusion_proofs(practice_id: uuid.UUID, indexes: list[int], size: int) -> dict[int, list[bytes]]:
    """Proofs for many leaves from one fetch of the subtree hashes they need (a page of a history)."""
    store = NodeStore(practice_id)
    store.prefetch([r for index in indexes for r in _recorded(merkle.inclusion_proof_from, index, size)])
    return {index: merkle.inclusion_proof_from(store.mth, index, size) for index in indexes}


def consistency_proof(practice_id: uuid.UUID, old_size: int, new_size: int) -> list[bytes]:
    store = NodeStore(practice_id)
    store.prefetch(_recorded(merkle.consistency_proof_from, old_size, new_size))
    return merkle.consistency_proof_from(store.mth, old_size, new_size)


def checkpoint_latest(*, practice_id: uuid.UUID) -> Checkpoint | None:
    return Checkpoint.objects.filter(practice_id=practice_id).order_by("-size").first()
