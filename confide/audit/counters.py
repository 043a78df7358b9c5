"""Per-client sequence numbers, taken from a counter row: O(1) whatever the history's length, and never
reused, even when someone deletes a client's newest event (the counter does not go back; a trigger
refuses to lower or delete it)."""

from __future__ import annotations

import uuid
from collections import Counter

from django.db import IntegrityError, transaction
from django.db.models import F

from confide.audit.models import ClientCounter


def seqs_take(*, practice_id: uuid.UUID, wanted: Counter[uuid.UUID], sealed: bool = False) -> dict[uuid.UUID, int]:
    """Reserve ``wanted[c]`` numbers for each client ``c`` (in their sealed stream if ``sealed``); return the
    first of each client's run.

    Inside the caller's transaction: the counter row stays locked (PostgreSQL row lock, SQLite's write
    lock) until it commits, so two accesses to one client queue instead of racing for a number."""
    column = "last_sealed" if sealed else "last_seq"
    first: dict[uuid.UUID, int] = {}
    for client_id, count in sorted(wanted.items(), key=lambda item: item[0].bytes):  # one lock order: no deadlock
        rows = ClientCounter.objects.filter(practice_id=practice_id, client_id=client_id)
        if not rows.update(**{column: F(column) + count}):
            try:
                with transaction.atomic():
                    ClientCounter.objects.create(
                        practice_id=practice_id, client_id=client_id, **({"last_seq": 0} | {column: count})
                    )
            except IntegrityError:  # another transaction created it first
                rows.update(**{column: F(column) + count})
        first[client_id] = rows.values_list(column, flat=True).get() - count + 1
    return first
