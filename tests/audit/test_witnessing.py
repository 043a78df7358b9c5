"""confide.audit.witnessing: each new checkpoint goes to a real witness (``confide-witness`` on a loopback
port), which cosigns only what extends what it cosigned before; the practice keeps only cosignatures that
verify, and tells the operator when a witness has seen another history."""

from __future__ import annotations

import base64
import io
import json
import logging
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import DatabaseError, transaction
from pytest_django import DjangoCaptureOnCommitCallbacks
from pytest_django.fixtures import Settings as SettingsWrapper

from confide.audit import merkle, note
from confide.audit.actions import AuditAction, Channel
from confide.audit.integrate import log_integrate
from confide.audit.log import checkpoint_latest, origin, signing_key, verifier_key
from confide.audit.models import Cosignature
from confide.audit.proofs import proof_bundle
from confide.audit.services import event_record
from confide.audit.witnessing import checkpoint_witness
from confide.witness.cosign import Cosigner, cosigned_at, parse_cosigner
from tests.cast import Cast
from tests.conftest import free_port
from tests.witness.server import WitnessServer, witness_serving


@pytest.fixture
def witness(cast: Cast, settings: SettingsWrapper, tmp_path: Path) -> Iterator[WitnessServer]:
    with witness_serving(tmp_path / "witness", trusted=[verifier_key(cast.owner.practice)]) as server:
        settings.CONFIDE_WITNESSES = [(server.url, server.vkey)]
        yield server


def _reads(cast: Cast, count: int = 1) -> int:
    """``count`` reads of the client's record, logged and signed; the new checkpoint's size."""
    for _ in range(count):
        with transaction.atomic():
            event_record(
                actor=cast.clinician, action=AuditAction.NOTE_READ, channel=Channel.WEB, client_id=cast.client.id
            )
    while log_integrate(practice_id=cast.owner.practice_id):
        pass
    latest = checkpoint_latest(practice_id=cast.owner.practice_id)
    assert latest is not None
    return latest.size


def _state(witness: WitnessServer) -> int:
    """The size the witness holds for this log, read from its own files."""
    (state,) = (witness.folder / "state").iterdir()
    return int(json.loads(state.read_text())["size"])


def test_each_new_checkpoint_is_cosigned_and_kept_verified(cast: Cast, witness: WitnessServer) -> None:
    first = _reads(cast)
    assert checkpoint_witness(practice_id=cast.owner.practice_id) == 1
    second = _reads(cast, 3)  # the witness now needs a consistency proof from `first`
    assert checkpoint_witness(practice_id=cast.owner.practice_id) == 1
    assert checkpoint_witness(practice_id=cast.owner.practice_id) == 0  # already cosigned: not asked again
    rows = list(Cosignature.objects.filter(practice_id=cast.owner.practice_id).order_by("size"))
    assert [r.size for r in rows] == [first, second] and _state(witness) == second
    latest = checkpoint_latest(practice_id=cast.owner.practice_id)
    assert latest is not None
    body = latest.note.partition("\n\n")[0] + "\n"
    assert cosigned_at(body, rows[-1].line, parse_cosigner(witness.vkey)) is not None


def test_the_bundle_carries_the_newest_cosigned_checkpoint_and_how_the_served_one_extends_it(
    cast: Cast, witness: WitnessServer
) -> None:
    cosigned = _reads(cast, 2)
    checkpoint_witness(practice_id=cast.owner.practice_id)
    served = _reads(cast, 3)  # signed after the witness was asked: not cosigned yet
    bundle = proof_bundle(practice=cast.owner.practice, client_id=cast.client.id, since=None)
    witnessed: dict[str, Any] = bundle["witnessed"]  # type: ignore[assignment]
    assert witnessed["witnesses"] == [witness.vkey]
    opened = note.open_note(witnessed["checkpoint"], verifier=str(bundle["verifier_key"]))  # the log signed it
    assert opened.size == cosigned and bundle["size"] == served
    proof = [base64.b64decode(h) for h in witnessed["proof"]]
    assert merkle.verify_consistency(cosigned, served, opened.root, base64.b64decode(str(bundle["root"])), proof)
    body = witnessed["checkpoint"].partition("\n\n")[0] + "\n"
    lines = witnessed["checkpoint"].partition("\n\n")[2].splitlines()
    assert any(cosigned_at(body, line, parse_cosigner(witness.vkey)) for line in lines)


def test_the_bundle_carries_each_witness_cosignature_on_its_own_line(
    cast: Cast, witness: WitnessServer, settings: SettingsWrapper, tmp_path: Path
) -> None:
    with witness_serving(tmp_path / "w2", trusted=[verifier_key(cast.owner.practice)], name="witness.test/w2") as w2:
        settings.CONFIDE_WITNESSES = [(witness.url, witness.vkey), (w2.url, w2.vkey)]
        size = _reads(cast)
        assert checkpoint_witness(practice_id=cast.owner.practice_id) == 2
        bundle = proof_bundle(practice=cast.owner.practice, client_id=cast.client.id, since=None)
    witnessed: dict[str, Any] = bundle["witnessed"]  # type: ignore[assignment]
    latest = checkpoint_latest(practice_id=cast.owner.practice_id)
    assert latest is not None and latest.size == size
    lines = sorted(Cosignature.objects.values_list("witness", "line"))
    assert witnessed["checkpoint"] == latest.note + "".join(f"{line}\n" for _, line in lines)


def test_without_witnesses_or_cosignatures_the_bundle_claims_none(cast: Cast, settings: SettingsWrapper) -> None:
    _reads(cast)
    assert proof_bundle(practice=cast.owner.practice, client_id=cast.client.id, since=None)["witnessed"] is None


def test_a_signed_checkpoint_is_sent_once_its_transaction_commits(
    cast: Cast, witness: WitnessServer, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with transaction.atomic():
        event_record(actor=cast.clinician, action=AuditAction.NOTE_READ, channel=Channel.WEB, client_id=cast.client.id)
    with django_capture_on_commit_callbacks(execute=True):
        log_integrate(practice_id=cast.owner.practice_id)
    latest = checkpoint_latest(practice_id=cast.owner.practice_id)
    assert latest is not None
    assert list(Cosignature.objects.values_list("size", flat=True)) == [latest.size]


def test_a_witness_that_holds_a_smaller_size_than_recorded_is_asked_again_from_it(
    cast: Cast, witness: WitnessServer, settings: SettingsWrapper, tmp_path: Path
) -> None:
    _reads(cast, 2)
    checkpoint_witness(practice_id=cast.owner.practice_id)
    # A second witness that never saw this log: the practice asks from 0, as it has no row of that witness.
    with witness_serving(tmp_path / "w2", trusted=[verifier_key(cast.owner.practice)], name="witness.test/w2") as w2:
        settings.CONFIDE_WITNESSES = [(witness.url, witness.vkey), (w2.url, w2.vkey)]
        size = _reads(cast, 2)
        assert checkpoint_witness(practice_id=cast.owner.practice_id) == 2
        assert _state(w2) == size == _state(witness)


def test_a_witness_that_cosigned_a_larger_tree_is_reported_as_another_history(
    cast: Cast, witness: WitnessServer, caplog: pytest.LogCaptureFixture
) -> None:
    size = _reads(cast)
    practice = cast.owner.practice
    # The same signer's checkpoint of a larger, different tree (as after a rollback of the database).
    leaves = [merkle.leaf_hash(f"other {i}".encode()) for i in range(size + 5)]
    body = note.Checkpoint(origin(practice), len(leaves), merkle.root(leaves))
    other = note.sign(body, name=origin(practice), key=signing_key(practice.id))
    url = witness.url + "/add-checkpoint"
    request = urllib.request.Request(url, data=f"old 0\n\n{other}".encode(), method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        assert response.status == 200
    with caplog.at_level(logging.ERROR, logger="confide.audit.witnessing"):
        assert checkpoint_witness(practice_id=practice.id) == 0
    assert "a fork or a rollback" in caplog.text and not Cosignature.objects.exists()


def test_an_answer_that_is_not_the_configured_witness_cosignature_is_not_kept(
    cast: Cast, witness: WitnessServer, settings: SettingsWrapper, caplog: pytest.LogCaptureFixture
) -> None:
    _reads(cast)
    impostor = Cosigner(parse_cosigner(witness.vkey).name, Ed25519PrivateKey.generate().public_key())
    settings.CONFIDE_WITNESSES = [(witness.url, impostor.verifier_key())]  # the URL answers with another key
    with caplog.at_level(logging.ERROR, logger="confide.audit.witnessing"):
        assert checkpoint_witness(practice_id=cast.owner.practice_id) == 0
    assert "no valid cosignature" in caplog.text and not Cosignature.objects.exists()


def test_an_unreachable_witness_is_a_warning_not_a_failure(
    cast: Cast, settings: SettingsWrapper, caplog: pytest.LogCaptureFixture
) -> None:
    _reads(cast)
    vkey = Cosigner("witness.test/gone", Ed25519PrivateKey.generate().public_key()).verifier_key()
    url = f"http://127.0.0.1:{free_port()}"
    settings.CONFIDE_WITNESSES = [(url, vkey)]
    with caplog.at_level(logging.WARNING, logger="confide.audit.witnessing"):
        assert checkpoint_witness(practice_id=cast.owner.practice_id) == 0
    assert [r.getMessage() for r in caplog.records] == [
        f"witness {url} unreachable: <urlopen error [Errno 111] Connection refused>"
    ]


def test_a_cosignature_is_never_changed_or_taken_back(cast: Cast, witness: WitnessServer) -> None:
    _reads(cast)
    checkpoint_witness(practice_id=cast.owner.practice_id)
    row = Cosignature.objects.get()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Cosignature.objects.filter(pk=row.pk).update(line="— witness.test/w1 forged")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Cosignature.objects.filter(pk=row.pk).delete()


def test_the_periodic_jobs_send_the_newest_checkpoint_to_a_witness_that_missed_it(
    cast: Cast, witness: WitnessServer, settings: SettingsWrapper
) -> None:
    from django.core.management import call_command

    size = _reads(cast)  # signed while the witness was not listening to this practice (nobody asked it)
    out = io.StringIO()
    call_command("jobs", "run", stdout=out)
    assert "checkpoints cosigned by witnesses: 1" in out.getvalue()
    newest = checkpoint_latest(practice_id=cast.owner.practice_id)  # the jobs may log something of their own
    assert newest is not None and newest.size >= size
    assert list(Cosignature.objects.values_list("size", flat=True)) == [newest.size] == [_state(witness)]
    settings.CONFIDE_WITNESSES = []
    call_command("jobs", "run", stdout=(out := io.StringIO()))
    assert "checkpoints cosigned by witnesses: 0" in out.getvalue()
