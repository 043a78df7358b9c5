"""Witnessing keeps each practice's log and each witness's word apart: one witness serving two practices,
two witnesses serving one, and rows of other practices in the way."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import transaction
from pytest_django.fixtures import Settings

from confide.audit.actions import AuditAction, Channel
from confide.audit.integrate import log_integrate
from confide.audit.log import checkpoint_latest, origin, verifier_key
from confide.audit.models import Checkpoint, Cosignature
from confide.audit.services import event_record
from confide.audit.witnessing import checkpoint_witness, witnessed
from confide.practices.models import Member
from tests.cast import Cast
from tests.witness.server import WitnessServer, witness_serving

RETRY = "asking again from there"


def _logged(member: Member, client_id: object, count: int = 1) -> int:
    for _ in range(count):
        with transaction.atomic():
            event_record(actor=member, action=AuditAction.NOTE_READ, channel=Channel.WEB, client_id=client_id)  # type: ignore[arg-type]
    while log_integrate(practice_id=member.practice_id):
        pass
    latest = checkpoint_latest(practice_id=member.practice_id)
    assert latest is not None
    return latest.size


@pytest.fixture
def shared(cast: Cast, settings: Settings, tmp_path: Path) -> Iterator[WitnessServer]:
    """One witness trusting both practices' logs."""
    logs = [verifier_key(cast.owner.practice), verifier_key(cast.outsider.practice)]
    with witness_serving(tmp_path / "w1", trusted=logs) as server:
        settings.CONFIDE_WITNESSES = [(server.url, server.vkey)]
        yield server


def test_one_witness_for_two_practices_keeps_each_practice_to_its_own_log(
    cast: Cast, shared: WitnessServer, caplog: pytest.LogCaptureFixture
) -> None:
    harbor, elsewhere = cast.owner.practice, cast.outsider.practice
    _logged(cast.clinician, cast.client.id)
    assert checkpoint_witness(practice_id=harbor.id) == 1
    big = _logged(cast.outsider, cast.outsider_client.id, 40)  # the other practice's log is now far larger
    assert checkpoint_witness(practice_id=elsewhere.id) == 1
    size = _logged(cast.clinician, cast.client.id)
    with caplog.at_level(logging.INFO, logger="confide.audit.witnessing"):
        assert checkpoint_witness(practice_id=harbor.id) == 1
    assert RETRY not in caplog.text  # asked from the size this witness cosigned of *this* log
    assert big > size
    found = witnessed(harbor.id, size)
    assert found is not None and found[0].size == size and origin(harbor) in found[0].note


def test_two_witnesses_of_one_practice_are_each_asked_from_their_own_size(
    cast: Cast, shared: WitnessServer, settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _logged(cast.clinician, cast.client.id)
    checkpoint_witness(practice_id=cast.owner.practice_id)  # w1 holds this size; w2 has seen nothing
    with witness_serving(tmp_path / "w2", trusted=[verifier_key(cast.owner.practice)], name="witness.test/w2") as w2:
        settings.CONFIDE_WITNESSES = [(shared.url, shared.vkey), (w2.url, w2.vkey)]
        _logged(cast.clinician, cast.client.id, 3)
        assert checkpoint_witness(practice_id=cast.owner.practice_id) == 2
        _logged(cast.clinician, cast.client.id)
        with caplog.at_level(logging.INFO, logger="confide.audit.witnessing"):
            assert checkpoint_witness(practice_id=cast.owner.practice_id) == 2
    assert RETRY not in caplog.text


def test_the_witnessed_checkpoint_is_the_practices_own_and_no_larger_than_asked(
    cast: Cast, shared: WitnessServer
) -> None:
    harbor, elsewhere = cast.owner.practice, cast.outsider.practice
    first = _logged(cast.clinician, cast.client.id)
    checkpoint_witness(practice_id=harbor.id)
    upcoming = range(first + 1, first + 30)
    # Rows of the other practice at the sizes this one is about to reach, made before it reaches them.
    Checkpoint.objects.bulk_create(
        [Checkpoint(practice=elsewhere, size=n, root=bytes(32), note=f"not harbor {n}") for n in upcoming]
    )
    # And its cosignatures at those sizes and beyond: none is this practice's newest cosigned checkpoint.
    Cosignature.objects.bulk_create(
        [Cosignature(practice=elsewhere, size=n, witness="witness.test/w1", line="x") for n in upcoming]
        + [Cosignature(practice=elsewhere, size=n + 100, witness="witness.test/w1", line="x") for n in upcoming]
    )
    second = _logged(cast.clinician, cast.client.id, 2)
    assert second in upcoming
    retired = "\u2014 witness.test/retired AAAA"  # a witness no longer configured: its word is not shown
    Cosignature.objects.create(practice=harbor, size=second, witness="witness.test/retired", line=retired)
    checkpoint_witness(practice_id=harbor.id)
    found = witnessed(harbor.id, second)
    assert found is not None and found[0].practice_id == harbor.id and found[0].size == second
    assert all(line.startswith("\u2014 witness.test/w1 ") for line in found[1])
    older = witnessed(harbor.id, second - 1)  # asked about an older size: the newest cosigned at or below it
    assert older is not None and older[0].size == first
