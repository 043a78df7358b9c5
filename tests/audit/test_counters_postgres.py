"""Two transactions racing for one client's numbers, on PostgreSQL: the race the counter row closes exists
only there (SQLite lets one writer in at a time, so under SQLite these tests are skipped, and CI runs them
in its PostgreSQL pass)."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import DatabaseError, connection, transaction

from confide.audit.counters import clients_lock, sealed_take, seqs_take
from confide.audit.models import ClientCounter
from tests.cast import build_cast

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers: no race to stage"),
]
HOLD = 0.5  # how long the first transaction keeps its row before committing


def _race(first: Callable[[], object], second: Callable[[], object]) -> tuple[object, object]:
    """``first`` runs in a transaction that stays open for HOLD seconds; ``second`` starts in another while
    it is open. Returns both results (or the exception each raised)."""
    results: dict[str, object] = {}
    started = threading.Event()

    def run(name: str, work: Callable[[], object], hold: bool) -> None:
        try:
            with transaction.atomic():
                results[name] = work()
                if hold:
                    started.set()
                    time.sleep(HOLD)
        except Exception as error:  # noqa: BLE001 (the test compares what each side got)
            results[name] = error
        finally:
            started.set()
            connection.close()

    one = threading.Thread(target=run, args=("first", first, True))
    one.start()
    started.wait(10)
    two = threading.Thread(target=run, args=("second", second, False))
    two.start()
    one.join(10)
    two.join(10)
    return results["first"], results["second"]


def test_two_transactions_taking_a_new_clients_first_numbers_get_different_ones() -> None:
    practice = build_cast().owner.practice_id
    client = uuid.uuid4()

    def take() -> dict[uuid.UUID, int]:
        return seqs_take(practice_id=practice, wanted=Counter({client: 1}))

    assert _race(take, take) == ({client: 1}, {client: 2})
    assert ClientCounter.objects.get(practice_id=practice, client_id=client).last_seq == 2


def test_two_transactions_taking_a_new_seals_numbers_get_different_ones() -> None:
    practice = build_cast().owner.practice_id
    client = uuid.uuid4()

    def take() -> int:
        return sealed_take(practice_id=practice, client_id=client, seal="disclosure:race", count=2)

    assert _race(take, take) == (1, 3)


def test_the_clients_lock_holds_their_counter_rows_until_the_transaction_ends() -> None:
    practice = build_cast().owner.practice_id
    client = uuid.uuid4()
    with transaction.atomic():
        seqs_take(practice_id=practice, wanted=Counter({client: 1}))

    def lock() -> None:
        clients_lock(practice_id=practice, client_ids=[client])

    def grab() -> int:
        rows = ClientCounter.objects.select_for_update(nowait=True).filter(practice_id=practice, client_id=client)
        return len(list(rows))

    held, tried = _race(lock, grab)
    assert held is None
    assert isinstance(tried, DatabaseError)
    assert "could not obtain lock" in str(tried)
