"""Per-client and per-seal numbers: each client counts alone, each seal of each client counts alone, a
run of numbers is handed out whole, and no number is handed out twice."""

from __future__ import annotations

import uuid
from collections import Counter

from django.db import transaction

from confide.audit.counters import sealed_take, seqs_take
from confide.audit.models import ClientCounter, SealCounter
from tests.cast import Cast

SEAL = "disclosure:00000000-0000-4000-8000-0000000000dd"


def _new() -> tuple[uuid.UUID, uuid.UUID]:
    return uuid.uuid4(), uuid.uuid4()


def test_a_new_clients_first_number_is_one_and_each_run_follows_the_last(cast: Cast) -> None:
    practice = cast.owner.practice_id
    a, b = _new()
    with transaction.atomic():
        assert seqs_take(practice_id=practice, wanted=Counter({a: 1})) == {a: 1}
        assert seqs_take(practice_id=practice, wanted=Counter({a: 3, b: 2})) == {a: 2, b: 1}
        assert seqs_take(practice_id=practice, wanted=Counter({b: 1, a: 1})) == {a: 5, b: 3}
    counters = dict(ClientCounter.objects.filter(client_id__in=[a, b]).values_list("client_id", "last_seq"))
    assert counters == {a: 5, b: 3}


def test_each_practice_counts_its_own_clients(cast: Cast) -> None:
    a, _ = _new()
    with transaction.atomic():
        seqs_take(practice_id=cast.owner.practice_id, wanted=Counter({a: 4}))
        assert seqs_take(practice_id=cast.outsider.practice_id, wanted=Counter({a: 1})) == {a: 1}
    assert ClientCounter.objects.filter(client_id=a).count() == 2


def test_each_seal_of_each_client_counts_alone(cast: Cast) -> None:
    practice = cast.owner.practice_id
    a, b = _new()
    with transaction.atomic():
        assert sealed_take(practice_id=practice, client_id=a, seal=SEAL, count=2) == 1
        assert sealed_take(practice_id=practice, client_id=b, seal=SEAL, count=1) == 1  # the same seal name
        assert sealed_take(practice_id=practice, client_id=a, seal=SEAL, count=1) == 3
        assert sealed_take(practice_id=practice, client_id=a, seal=f"{SEAL}-other", count=1) == 1
        assert sealed_take(practice_id=cast.outsider.practice_id, client_id=a, seal=SEAL, count=1) == 1
    lasts = sorted(SealCounter.objects.filter(client_id__in=[a, b]).values_list("last", flat=True))
    assert lasts == [1, 1, 1, 3]


def test_taking_sealed_numbers_leaves_the_visible_count_alone(cast: Cast) -> None:
    practice = cast.owner.practice_id
    a, _ = _new()
    with transaction.atomic():
        sealed_take(practice_id=practice, client_id=a, seal=SEAL, count=5)
        assert seqs_take(practice_id=practice, wanted=Counter({a: 1})) == {a: 1}
