"""Recompute a practice's log from what is stored and name the first problem (streaming).

Checks, in one pass over leaves in index order (memory O(log n)):
- leaves are numbered 0, 1, 2, … without gap or repeat;
- each leaf hashes its event's stored commitment, and the commitment recomputes from the
  event's salt and fields (unless the client was shredded: salt removed, leaf kept);
- every stored complete-subtree hash equals the one recomputed from the leaves;
- every signed checkpoint verifies with the practice's key and matches the recomputed root;
- every event carries the tag only the master key makes;
- the newest checkpoint's map of client heads matches the heads recomputed from the leaves, and so do
  the stored heads; no client's counter is behind their newest number;
- the anchor the signer keeps outside the database is a checkpoint of this very log;
- each client's sequence numbers run 1…n without gaps, and so do the numbers within each seal, up to the
  seal's counter;
- events not yet logged (pending) wait in the integrator's queue and are well-formed too: commitment, tag,
  a number not already logged.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import reset_queries
from django.db.models import Count, Max

from confide.audit import merkle, note
from confide.audit.actions import AuditAction
from confide.audit.anchor import anchor_open
from confide.audit.commitment import commitment
from confide.audit.heads import Head, HeadMap, parse_previous
from confide.audit.integrate import Seal, heads_stored, sealed_stored
from confide.audit.log import stored_node_ranges, verifier_key
from confide.audit.models import (
    EVENT_COLUMNS,
    AuditEvent,
    Checkpoint,
    ClientCounter,
    LogLeaf,
    LogNode,
    LogState,
    PendingEvent,
    SealCounter,
    canonical_fields_of,
)
from confide.audit.tags import tag_key, tag_valid
from confide.practices.models import Practice

CHUNK = 5000


@dataclass(frozen=True)
class Report:
    size: int
    problem: str | None
    pending: int = 0  # events recorded but not yet in the log


class _Stack:
    """The streaming root computation, reporting each complete subtree as it closes."""

    def __init__(self) -> None:
        self.items: list[tuple[int, bytes]] = []  # (level, hash)

    def push(self, leaf: bytes, index: int) -> list[tuple[int, int, bytes]]:
        closed = [(0, index, leaf)]
        self.items.append((0, leaf))
        position = index
        while position & 1:
            (level, right), (_, left) = self.items.pop(), self.items.pop()
            parent = merkle.node_hash(left, right)
            self.items.append((level + 1, parent))
            position >>= 1
            closed.append((level + 1, position, parent))
        return closed

    def root(self) -> bytes:
        if not self.items:
            return merkle.EMPTY_ROOT
        result = self.items[-1][1]
        for _, value in reversed(self.items[:-1]):
            result = merkle.node_hash(value, result)
        return result


def log_verify(*, practice_id: uuid.UUID) -> Report:
    practice = Practice.objects.get(pk=practice_id)
    vkey, key = verifier_key(practice), tag_key(practice_id)
    # Shredding records a (tagged) event after clearing the salts: only events before it may lack one.
    shredded: dict[uuid.UUID | None, int] = dict(
        AuditEvent.objects.filter(practice_id=practice_id, action=AuditAction.CLIENT_SHRED)
        .exclude(salt=None)
        .values_list("client_id", "id")
    )
    try:
        kept, anchored = anchor_open(practice) or (None, None)
    except ValueError as exc:
        return Report(0, f"the kept anchor checkpoint: {exc}")
    checkpoints = list(Checkpoint.objects.filter(practice_id=practice_id).order_by("size"))
    heads: dict[uuid.UUID, Head] = {}
    sealed: dict[Seal, int] = {}
    stack, expected_index = _Stack(), 0
    leaves = (
        LogLeaf.objects.filter(practice_id=practice_id).order_by("index").values_list("index", "event_id", "leaf_hash")
    )
    pending_checkpoints = list(checkpoints)
    chunk: list[tuple[int, int, bytes]] = []

    previous_size = 0

    def check_chunk() -> str | None:
        nonlocal expected_index, previous_size
        # values() rows, not model instances: at millions of events the instances cost more than the hashing.
        events = {
            row["id"]: row
            for row in AuditEvent.objects.filter(practice_id=practice_id, id__in=[eid for _, eid, _ in chunk]).values(
                "id", "salt", "commitment", "tag", *EVENT_COLUMNS
            )
        }
        closed_all = []
        for index, event_id, leaf in chunk:
            if index != expected_index:
                return f"leaf {expected_index} is missing (found {index})"
            event = events.get(event_id)
            if event is None:
                return f"leaf {index} points to event {event_id}, which is gone"
            if merkle.leaf_hash(bytes(event["commitment"])) != leaf:
                return f"leaf {index} does not match event {event_id}'s commitment"
            if problem := _event_problem(event, key, shredded):
                return f"event {event_id} {problem}"
            if event["client_id"] is not None and event["seal"]:
                sealed[(event["client_id"], event["seal"])] = event["sealed_seq"] or 0
            elif event["client_id"] is not None:
                heads[event["client_id"]] = Head(event["client_id"], event["client_seq"] or 0, index)
            closed_all += stack.push(leaf, index)
            expected_index += 1
            if anchored is not None and anchored.size == expected_index and stack.root() != anchored.root:
                return f"the log differs from the checkpoint signed at size {anchored.size} (kept outside the database)"
            while pending_checkpoints and pending_checkpoints[0].size == expected_index:
                checked = pending_checkpoints.pop(0)
                problem = _check_checkpoint(checked, stack.root(), vkey, previous_size)
                if problem:
                    return problem
                previous_size = checked.size
        # One contiguous index range per level: a handful of statement shapes, so SQLite's
        # prepared-statement cache stays small (an IN list of thousands per chunk grew it to 200 MB).
        ranges: dict[int, tuple[int, int]] = {}
        for level, ix, _ in closed_all:
            ranges[level] = (ranges.get(level, (ix, ix))[0], ix)
        stored = stored_node_ranges(practice_id, ranges)
        for level, ix, value in closed_all:
            if stored.get((level, ix)) != value:
                if level == 0:
                    return f"stored leaf node {ix} differs from the leaf"
                return f"stored subtree hash at level {level}, index {ix} differs"
        return None

    for row in leaves.iterator(chunk_size=CHUNK):
        chunk.append((row[0], row[1], bytes(row[2])))
        if len(chunk) == CHUNK:
            reset_queries()  # with DEBUG on, Django keeps the last 9,000 queries: here ~0.5 GB of SQL
            if problem := check_chunk():
                return Report(expected_index, problem)
            chunk = []
    if chunk and (problem := check_chunk()):
        return Report(expected_index, problem)
    if anchored is not None and anchored.size > expected_index:
        return Report(expected_index, f"the log was rolled back: a checkpoint of {anchored.size} entries was signed")
    if anchored is not None and not any(c.note == kept for c in checkpoints if c.size == anchored.size):
        return Report(expected_index, f"the newest signed checkpoint (of {anchored.size} entries) was deleted")
    problem = _final_checks(practice_id, expected_index, pending_checkpoints) or _heads_checks(
        practice_id, heads, sealed, checkpoints
    )
    pending, pending_problem = _pending_checks(practice_id, key, heads, sealed, shredded)
    return Report(expected_index, problem or pending_problem, pending)


def _event_problem(event: dict[str, Any], key: bytes, shredded: dict[uuid.UUID | None, int]) -> str | None:
    """What is wrong with a stored event row, logged or pending: its fields or its tag. Only shredding
    removes a salt, and it records its own event (salted, tagged) afterwards: an event without a salt that
    is not older than its client's shredding event cannot be checked, so it counts as changed (clearing a
    salt is the one update the triggers allow)."""
    salt = event["salt"]
    if salt is None and event["id"] >= shredded.get(event["client_id"], 0):
        return "lost its salt, though its client was not shredded after it"
    if salt is not None and commitment(bytes(salt), canonical_fields_of(event)) != bytes(event["commitment"]):
        return "was changed after it was recorded"
    if not tag_valid(key, bytes(event["commitment"]), bytes(event["tag"])):
        return "was not recorded by Confide (its tag is wrong)"
    return None


def _heads_checks(
    practice_id: uuid.UUID, heads: dict[uuid.UUID, Head], sealed: dict[Seal, int], checkpoints: list[Checkpoint]
) -> str | None:
    recomputed = HeadMap.of(heads.values()).root()
    if checkpoints and bytes(checkpoints[-1].heads_root) and bytes(checkpoints[-1].heads_root) != recomputed:
        return "the newest checkpoint's client heads differ from the log's"
    if heads_stored(practice_id) != heads:
        return "the stored client heads differ from the log's"
    if sealed_stored(practice_id) != sealed:
        return "the stored numbers of sealed entries differ from the log's"
    return None


def _pending_checks(
    practice_id: uuid.UUID,
    key: bytes,
    heads: dict[uuid.UUID, Head],
    sealed: dict[Seal, int],
    shredded: dict[uuid.UUID | None, int],
) -> tuple[int, str | None]:
    """Events recorded but not in the log yet: each must be waiting in the integrator's queue and still be one
    it would accept."""
    logged = LogLeaf.objects.filter(practice_id=practice_id).values("event_id")
    rows = AuditEvent.objects.filter(practice_id=practice_id).exclude(id__in=logged).order_by("id")
    waiting = set(PendingEvent.objects.filter(practice_id=practice_id).values_list("event_id", flat=True))
    count, problem = 0, None
    for event in rows.values("id", "salt", "commitment", "tag", *EVENT_COLUMNS).iterator(chunk_size=CHUNK):
        count += 1
        if problem:
            continue
        if wrong := _event_problem(event, key, shredded):
            problem = f"pending event {event['id']} {wrong}"
        elif event["client_id"] is not None and _reused(event, heads, sealed):
            problem = f"pending event {event['id']} reuses a number its client's history already holds"
        elif event["id"] not in waiting:
            problem = f"event {event['id']} is neither in the log nor waiting for it"
    stray = PendingEvent.objects.filter(practice_id=practice_id, event_id__in=logged).first()
    if problem is None and stray is not None:
        problem = f"the queue holds event {stray.event_id} again, though it is logged"
    return count, problem


def _reused(event: dict[str, Any], heads: dict[uuid.UUID, Head], sealed: dict[Seal, int]) -> bool:
    client = event["client_id"]
    if event["seal"]:
        return bool((event["sealed_seq"] or 0) <= sealed.get((client, event["seal"]), 0))
    return bool((event["client_seq"] or 0) <= (heads[client].seq if client in heads else 0))


def _check_checkpoint(checkpoint: Checkpoint, root: bytes, vkey: str, previous: int) -> str | None:
    try:
        signed = note.open_note(checkpoint.note, verifier=vkey)
    except ValueError as exc:
        return f"checkpoint of size {checkpoint.size}: {exc}"
    if signed.size != checkpoint.size or signed.root != root or bytes(checkpoint.root) != root:
        return f"the history changed: checkpoint of size {checkpoint.size} does not match the recomputed root"
    chained = parse_previous(signed.extensions)
    if chained is not None and chained != previous:
        return f"a signed checkpoint was deleted: the one of size {checkpoint.size} follows {chained}, not {previous}"
    return None


def _final_checks(practice_id: uuid.UUID, size: int, unmatched: list[Checkpoint]) -> str | None:
    if unmatched:
        return f"the log was truncated: a checkpoint covers {unmatched[0].size} entries but only {size} remain"
    state = LogState.objects.filter(practice_id=practice_id).first()
    if state is not None and state.size != size:
        return f"the log should hold {state.size} entries but holds {size}"
    if LogNode.objects.filter(practice_id=practice_id, level=0).count() != size:
        return "the stored subtree hashes do not match the number of leaves"
    counters: dict[uuid.UUID | None, int] = dict(
        ClientCounter.objects.filter(practice_id=practice_id).values_list("client_id", "last_seq")
    )
    gaps = (
        AuditEvent.objects.filter(practice_id=practice_id, client_id__isnull=False, client_seq__isnull=False)
        .values("client_id")
        .annotate(n=Count("id"), top=Max("client_seq"))
    )
    for row in gaps:
        if row["n"] != row["top"]:
            return f"a client's history has a gap: {row['top']} numbered entries, {row['n']} present"
        if counters.get(row["client_id"], 0) < (row["top"] or 0):
            return "a client's sequence counter was set back"
    return _seal_checks(practice_id)


def _seal_checks(practice_id: uuid.UUID) -> str | None:
    """Within each seal, numbers 1…n without gaps, and its counter exactly at n (behind: set back; ahead: an
    entry taken out with its number)."""
    reserved: dict[tuple[object, str], int] = {
        (c, seal): n
        for c, seal, n in SealCounter.objects.filter(practice_id=practice_id).values_list("client_id", "seal", "last")
    }
    held = (
        AuditEvent.objects.filter(practice_id=practice_id, client_id__isnull=False, sealed_seq__isnull=False)
        .values("client_id", "seal")
        .annotate(n=Count("id"), top=Max("sealed_seq"))
    )
    found = set()
    for row in held:
        found.add((row["client_id"], row["seal"]))
        counter = reserved.get((row["client_id"], row["seal"]), 0)
        if row["n"] != row["top"] or counter != row["top"]:
            return f"a sealed entry is missing or its counter moved: a seal holds {row['n']} entries of {counter}"
    if any(n and key not in found for key, n in reserved.items()):
        return "a seal's counter has numbers but the seal holds no entries"
    return None
