"""Extend a practice's log: check the database still extends what was signed, append new events as
leaves, move the client heads, store new subtree hashes and sign a checkpoint over both roots.

Refused, never logged: an event whose tag is wrong (written without the master key) and an event that
reuses a number its client's history (visible or sealed) already holds; `confide audit verify` names
them. A sealed entry never moves the client's head in the signed map: its seal's counter keeps the
newest number logged (``SealCounter.logged``), unsigned. A database that no longer extends the kept anchor (rolled
back, rewritten) stops the signer: ``LogIntegrityError``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from confide.audit import merkle, note
from confide.audit.anchor import anchor_advance, anchor_open, restore_read
from confide.audit.heads import Head, HeadMap, extension_line, previous_line, time_line
from confide.audit.log import NodeStore, checkpoint_latest, log_root, origin, signing_key, verifier_key
from confide.audit.models import AuditEvent, Checkpoint, LogHead, LogLeaf, LogState, PendingEvent, SealCounter
from confide.audit.tags import tag_key, tag_valid
from confide.practices.models import Practice

BATCH = 20_000


class LogIntegrityError(RuntimeError):
    """The database no longer extends what this server signed: it refuses to sign on."""


def heads_stored(practice_id: uuid.UUID) -> dict[uuid.UUID, Head]:
    """The heads the map signs: clients with at least one visible logged entry."""
    rows = LogHead.objects.filter(practice_id=practice_id).values_list("client_id", "seq", "leaf_index")
    return {client: Head(client, seq, index) for client, seq, index in rows}


Seal = tuple[uuid.UUID, str]  # (client id, seal name)


def sealed_stored(practice_id: uuid.UUID) -> dict[Seal, int]:
    """Each seal's newest logged number."""
    rows = SealCounter.objects.filter(practice_id=practice_id, logged__gt=0)
    return {(c, seal): n for c, seal, n in rows.values_list("client_id", "seal", "logged")}


def log_check(practice: Practice, state: LogState, heads: dict[uuid.UUID, Head]) -> Checkpoint | None:
    """What the signer checks before it signs: the anchor, the newest checkpoint and the stored heads."""
    roots: dict[int, bytes] = {}

    def root_at(size: int) -> bytes:  # the anchor and the newest checkpoint are mostly one size: read it once
        if size not in roots:
            try:
                roots[size] = log_root(practice.id, size)
            except LookupError:
                roots[size] = b""
        return roots[size]

    opened = anchor_open(practice)
    if opened is not None:
        anchored = opened[1]
        if anchored.size > state.size:
            raise LogIntegrityError(
                f"the log holds {state.size} entries but a checkpoint of {anchored.size} was signed: it was rolled back"
            )
        if root_at(anchored.size) != anchored.root:
            raise LogIntegrityError(f"the log differs from the checkpoint signed at size {anchored.size}")
    latest = checkpoint_latest(practice_id=practice.id)
    if (latest.size if latest else 0) != state.size:
        raise LogIntegrityError(f"the newest checkpoint (of {state.size} entries) is missing")
    if latest is not None and not _matches(practice, latest, root_at(latest.size)):
        raise LogIntegrityError(f"the newest checkpoint (of {latest.size} entries) does not match the log: a fork")
    if (
        latest is not None
        and bytes(latest.heads_root)
        and HeadMap.of(heads.values()).root() != bytes(latest.heads_root)
    ):
        raise LogIntegrityError("the stored client heads differ from the signed ones")
    return latest


def _matches(practice: Practice, checkpoint: Checkpoint, root: bytes) -> bool:
    """The checkpoint is signed by this practice's key over ``root``, the tree the stored hashes make."""
    try:
        signed = note.open_note(checkpoint.note, verifier=verifier_key(practice))
    except ValueError:
        return False
    return signed.size == checkpoint.size and signed.root == bytes(checkpoint.root) == root


def _accepted(practice_id: uuid.UUID, heads: dict[uuid.UUID, Head], batch: int) -> list[AuditEvent]:
    """The next events of the queue that may be logged. Refused ones leave the queue too: they would never
    be accepted, and `audit verify` names them as neither logged nor waiting."""
    queue = PendingEvent.objects.filter(practice_id=practice_id).order_by("event_id")[:batch]
    waiting = list(queue.values_list("event_id", flat=True))
    candidates = (  # a queue row for an event already logged (or none at all) is refused, never logged twice
        AuditEvent.objects.filter(practice_id=practice_id, id__in=waiting)
        .exclude(id__in=LogLeaf.objects.filter(practice_id=practice_id, event_id__in=waiting).values("event_id"))
        .order_by("id")
        .only("id", "commitment", "tag", "client_id", "client_seq", "seal", "sealed_seq")
    )
    key, accepted = tag_key(practice_id), []
    last: dict[object, int] = {c: h.seq for c, h in heads.items()}
    last.update(sealed_stored(practice_id).items())
    for event in candidates:
        if not tag_valid(key, bytes(event.commitment), bytes(event.tag)):
            continue
        if event.client_id is not None:
            stream, number = _stream(event)
            if number is None or number <= last.get(stream, 0):
                continue  # a number the history already holds: logging it would hide the first
            last[stream] = number
        accepted.append(event)
    refused = set(waiting) - {e.id for e in accepted}
    if refused:
        PendingEvent.objects.filter(practice_id=practice_id, event_id__in=refused).delete()
    return accepted


def _stream(event: AuditEvent) -> tuple[object, int | None]:
    """The numbering an event belongs to (the client's history, or one seal of theirs) and its number there."""
    if event.seal:
        return (event.client_id, event.seal), event.sealed_seq
    return event.client_id, event.client_seq


def log_integrate(*, practice_id: uuid.UUID, batch: int = BATCH) -> int:
    """Append pending events as leaves and sign a checkpoint; return how many were appended."""
    with transaction.atomic():
        state, _ = LogState.objects.select_for_update().get_or_create(practice_id=practice_id)
        practice = Practice.objects.get(pk=practice_id)
        heads = heads_stored(practice_id)
        events = _accepted(practice_id, heads, batch)
        if not events:
            return 0
        latest = log_check(practice, state, heads)  # before anything is signed, not on every idle call
        size, new_nodes, leaves, moved = state.size, {}, [], {}
        sealed: dict[Seal, int] = {}
        pid = practice_id.hex if connection.vendor == "sqlite" else str(practice_id)
        store = NodeStore(practice_id)
        for event in events:
            value = merkle.leaf_hash(bytes(event.commitment))
            leaves.append((pid, size, event.id, value))
            if event.client_id is not None and event.seal:
                sealed[(event.client_id, event.seal)] = event.sealed_seq or 0
            elif event.client_id is not None and event.client_seq is not None:
                moved[event.client_id] = heads[event.client_id] = Head(event.client_id, event.client_seq, size)
            level, index = 0, size
            new_nodes[(level, index)] = value
            while index & 1:  # this node completes a pair: its parent is complete too
                left = new_nodes.get((level, index - 1))
                if left is None:
                    store.prefetch([((index - 1) << level, index << level)])
                    left = store.nodes[(level, index - 1)]
                value = merkle.node_hash(left, value)
                level, index = level + 1, index >> 1
                new_nodes[(level, index)] = value
            size += 1
        # executemany rather than bulk_create: at tens of thousands of rows a second, building
        # model instances costs more than the hashing and the inserts together.
        with connection.cursor() as cursor:
            cursor.executemany(
                'INSERT INTO audit_logleaf (practice_id, "index", event_id, leaf_hash) VALUES (%s, %s, %s, %s)', leaves
            )
            cursor.executemany(
                'INSERT INTO audit_lognode (practice_id, level, "index", hash) VALUES (%s, %s, %s, %s)',
                [(pid, lv, ix, h) for (lv, ix), h in new_nodes.items()],
            )
        _heads_save(practice_id, moved, sealed)
        PendingEvent.objects.filter(practice_id=practice_id, event_id__in=[e.id for e in events]).delete()
        state.size = size
        state.save(update_fields=["size"])
        previous = latest.size if latest else 0
        checkpoint_sign(practice=practice, size=size, heads=HeadMap.of(heads.values()), previous=previous)
    return len(events)


def _heads_save(practice_id: uuid.UUID, moved: dict[uuid.UUID, Head], sealed: dict[Seal, int]) -> None:
    existing = set(
        LogHead.objects.filter(practice_id=practice_id, client_id__in=moved).values_list("client_id", flat=True)
    )
    for client, head in moved.items():
        if client in existing:
            LogHead.objects.filter(practice_id=practice_id, client_id=client).update(
                seq=head.seq, leaf_index=head.index
            )
    LogHead.objects.bulk_create(
        [
            LogHead(practice_id=practice_id, client_id=c, seq=h.seq, leaf_index=h.index)
            for c, h in moved.items()
            if c not in existing
        ]
    )
    for (client, seal), number in sealed.items():  # the counter row exists: its number was taken from it
        SealCounter.objects.filter(practice_id=practice_id, client_id=client, seal=seal).update(logged=number)


def checkpoint_sign(*, practice: Practice, size: int, heads: HeadMap, previous: int) -> Checkpoint:
    root, heads_root = log_root(practice.id, size), heads.root()
    extensions = (
        extension_line(len(heads.heads), heads_root),
        previous_line(previous),
        time_line(timezone.now()),
        *restore_read(practice.id),
    )
    body = note.Checkpoint(origin(practice), size, root, extensions)
    text = note.sign(body, name=origin(practice), key=signing_key(practice.id))
    transaction.on_commit(lambda: anchor_advance(practice.id, text))
    if settings.CONFIDE_WITNESSES:
        from confide.audit.tasks import checkpoint_witness_task

        transaction.on_commit(lambda: checkpoint_witness_task.enqueue(str(practice.id)))
    return Checkpoint.objects.create(
        practice_id=practice.id, size=size, root=root, heads_root=heads_root, heads=len(heads.heads), note=text
    )
