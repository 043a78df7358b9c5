"""Per-client sequence numbers, taken from a counter row: O(1) whatever the history's length, and never
reused, even when someone deletes a client's newest event (the counter does not go back; a trigger
refuses to lower or delete it)."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable

from django.db.models import F

from confide.audit.models import ClientCounter, SealCounter


def seqs_take(*, practice_id: uuid.UUID, wanted: Counter[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Reserve ``wanted[c]`` numbers for each client ``c``; return the first of each client's run.

    Inside the caller's transaction: the counter row stays locked (PostgreSQL row lock, SQLite's write
    lock) until it commits, so two accesses to one client queue instead of racing for a number. Every
    client's row is first inserted at 0 where it is missing (one statement; a row already there, or one a
    concurrent transaction inserts, is left alone), then each takes its numbers by the same update, in one
    order (a UUID sorts by its integer): a new client or a race has no path of its own."""
    clients = sorted(wanted)  # one lock order: no deadlock
    ClientCounter.objects.bulk_create(
        [ClientCounter(practice_id=practice_id, client_id=client_id, last_seq=0) for client_id in clients],
        ignore_conflicts=True,
    )
    first: dict[uuid.UUID, int] = {}
    for client_id in clients:
        rows = ClientCounter.objects.filter(practice_id=practice_id, client_id=client_id)
        rows.update(last_seq=F("last_seq") + wanted[client_id])
        first[client_id] = rows.values_list("last_seq", flat=True).get() - wanted[client_id] + 1
    return first


def sealed_take(*, practice_id: uuid.UUID, client_id: uuid.UUID, seal: str, count: int) -> int:
    """Reserve ``count`` numbers within one seal of one client; return the first. Each seal counts alone, so
    the numbers a lifted seal shows say nothing about any other seal. (One path, as in ``seqs_take``.)"""
    SealCounter.objects.bulk_create(
        [SealCounter(practice_id=practice_id, client_id=client_id, seal=seal)], ignore_conflicts=True
    )
    rows = SealCounter.objects.filter(practice_id=practice_id, client_id=client_id, seal=seal)
    rows.update(last=F("last") + count)
    return int(rows.values_list("last", flat=True).get()) - count + 1


def clients_lock(*, practice_id: uuid.UUID, client_ids: Iterable[uuid.UUID]) -> None:
    """Lock the clients' counter rows until the caller's transaction ends (PostgreSQL row locks; SQLite
    lets one writer in at a time anyway). Sealing an entry and lifting or suspending a seal all take it
    first, so none of them can slip between another's check and its write."""
    list(ClientCounter.objects.select_for_update().filter(practice_id=practice_id, client_id__in=list(client_ids)))
