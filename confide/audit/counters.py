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
    lock) until it commits, so two accesses to one client queue instead of racing for a number. A new
    client's row is inserted at 0 (a concurrent insert of the same row is ignored, not an error) and then
    takes the same update as every other: a race has no path of its own."""
    first: dict[uuid.UUID, int] = {}
    for client_id, count in sorted(wanted.items(), key=lambda item: item[0].bytes):  # one lock order: no deadlock
        rows = ClientCounter.objects.filter(practice_id=practice_id, client_id=client_id)
        if not rows.update(last_seq=F("last_seq") + count):  # a new client: their row starts at 0
            ClientCounter.objects.bulk_create(
                [ClientCounter(practice_id=practice_id, client_id=client_id, last_seq=0)], ignore_conflicts=True
            )
            rows.update(last_seq=F("last_seq") + count)
        first[client_id] = rows.values_list("last_seq", flat=True).get() - count + 1
    return first


def sealed_take(*, practice_id: uuid.UUID, client_id: uuid.UUID, seal: str, count: int) -> int:
    """Reserve ``count`` numbers within one seal of one client; return the first. Each seal counts alone, so
    the numbers a lifted seal shows say nothing about any other seal. (One path, as in ``seqs_take``.)"""
    rows = SealCounter.objects.filter(practice_id=practice_id, client_id=client_id, seal=seal)
    if not rows.update(last=F("last") + count):
        SealCounter.objects.bulk_create(
            [SealCounter(practice_id=practice_id, client_id=client_id, seal=seal, last=0)], ignore_conflicts=True
        )
        rows.update(last=F("last") + count)
    return int(rows.values_list("last", flat=True).get()) - count + 1


def clients_lock(*, practice_id: uuid.UUID, client_ids: Iterable[uuid.UUID]) -> None:
    """Lock the clients' counter rows until the caller's transaction ends (PostgreSQL row locks; SQLite
    lets one writer in at a time anyway). Sealing an entry and lifting or suspending a seal all take it
    first, so none of them can slip between another's check and its write."""
    list(ClientCounter.objects.select_for_update().filter(practice_id=practice_id, client_id__in=list(client_ids)))
