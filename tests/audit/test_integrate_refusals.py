"""The signer's own checks before it signs (confide.audit.integrate): each refusal names exactly what it
found, nothing is signed over a changed log, idle integration reports nothing done, a batch leaves the
rest of the queue waiting, and each checkpoint records how many client heads it signs."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from pytest_django import DjangoCaptureOnCommitCallbacks

from confide.audit.actions import AuditAction, Channel
from confide.audit.integrate import LogIntegrityError, log_integrate
from confide.audit.log import checkpoint_latest
from confide.audit.models import AuditEvent, Checkpoint, LogHead, LogLeaf, LogNode, PendingEvent, SealCounter
from confide.audit.services import event_record
from confide.audit.verify import log_verify
from tests.attacker import drop_append_only_triggers
from tests.audit.attacks import attack
from tests.cast import Cast

SEAL = "disclosure:00000000-0000-4000-8000-0000000000ee"


def _read(cast: Cast) -> None:
    with transaction.atomic():
        event_record(
            actor=cast.clinician, action=AuditAction.CLIENT_READ, channel=Channel.WEB, client_id=cast.client.id
        )


def _log(cast: Cast) -> None:
    while log_integrate(practice_id=cast.owner.practice_id):
        pass


def _colleague_reads(cast: Cast) -> AuditEvent:
    """A genuine access to another client, recorded after whatever the test staged."""
    with transaction.atomic():
        return event_record(
            actor=cast.colleague, action=AuditAction.CLIENT_READ, channel=Channel.WEB, client_id=cast.other_client.id
        )


def _refusal(cast: Cast) -> str:
    _read(cast)  # something to sign, so that the signer looks
    with pytest.raises(LogIntegrityError) as refused:
        log_integrate(practice_id=cast.owner.practice_id)
    return str(refused.value)


def test_a_log_changed_under_its_anchor_is_refused_by_name(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    _read(cast)
    with django_capture_on_commit_callbacks(execute=True):  # the anchor is kept once the signing commits
        _log(cast)
    size = checkpoint_latest(practice_id=cast.owner.practice_id).size  # type: ignore[union-attr]
    drop_append_only_triggers()
    LogNode.objects.filter(practice_id=cast.owner.practice_id).update(hash=b"\x00" * 32)  # every stored subtree
    assert _refusal(cast) == f"the log differs from the checkpoint signed at size {size}"


def test_a_log_changed_under_its_newest_checkpoint_is_refused_as_a_fork(cast: Cast) -> None:
    _log(cast)  # no anchor: a test's transaction never commits
    size = checkpoint_latest(practice_id=cast.owner.practice_id).size  # type: ignore[union-attr]
    drop_append_only_triggers()
    LogNode.objects.filter(practice_id=cast.owner.practice_id).update(hash=b"\x00" * 32)  # every stored subtree
    assert _refusal(cast) == f"the newest checkpoint (of {size} entries) does not match the log: a fork"


def test_a_newest_checkpoint_whose_signature_fails_is_refused_as_a_fork(cast: Cast) -> None:
    _log(cast)
    latest = checkpoint_latest(practice_id=cast.owner.practice_id)
    assert latest is not None
    drop_append_only_triggers()
    forged = "x" + latest.note  # the origin line changed: the signature no longer covers the text
    Checkpoint.objects.filter(pk=latest.pk).update(note=forged)
    assert _refusal(cast) == f"the newest checkpoint (of {latest.size} entries) does not match the log: a fork"


def test_stored_client_heads_that_differ_from_the_signed_ones_are_refused_by_name(cast: Cast) -> None:
    _log(cast)
    drop_append_only_triggers()
    LogHead.objects.filter(practice_id=cast.owner.practice_id, client_id=cast.client.id).update(seq=1)
    assert _refusal(cast) == "the stored client heads differ from the signed ones"
    assert log_verify(practice_id=cast.owner.practice_id).problem is not None


def test_integration_with_nothing_waiting_reports_nothing_done(cast: Cast) -> None:
    _log(cast)
    assert log_integrate(practice_id=cast.owner.practice_id) == 0


def test_a_batch_leaves_the_rest_of_the_queue_waiting(cast: Cast) -> None:
    _log(cast)
    for _ in range(5):
        _read(cast)
    assert log_integrate(practice_id=cast.owner.practice_id, batch=2) == 2
    assert PendingEvent.objects.filter(practice_id=cast.owner.practice_id).count() == 3
    _log(cast)
    assert log_verify(practice_id=cast.owner.practice_id).problem is None


def test_each_checkpoint_records_how_many_client_heads_it_signs(cast: Cast) -> None:
    _log(cast)
    latest = checkpoint_latest(practice_id=cast.owner.practice_id)
    assert latest is not None
    heads = LogHead.objects.filter(practice_id=cast.owner.practice_id).count()
    assert heads >= 2 and latest.heads == heads
    assert re.search(rf"^confide-heads/v1 {heads} ", latest.note, re.MULTILINE)


def _logged(event_id: int) -> bool:
    return LogLeaf.objects.filter(event_id=event_id).exists()


def test_an_event_after_a_forged_one_in_the_same_batch_is_still_logged(cast: Cast) -> None:
    _log(cast)
    attack("insert a forged entry", cast.client)
    genuine = _colleague_reads(cast)
    assert log_integrate(practice_id=cast.owner.practice_id) == 1
    assert _logged(genuine.id)


def test_an_event_after_one_whose_number_is_taken_in_the_same_batch_is_still_logged(cast: Cast) -> None:
    _log(cast)
    with transaction.atomic():
        sealed = event_record(
            actor=cast.clinician, action=AuditAction.NOTE_READ, channel=Channel.WEB, client_id=cast.client.id, seal=SEAL
        )
    # The seal's logged number moved past it (a counter may only move forward, so no trigger stops this).
    SealCounter.objects.filter(client_id=cast.client.id, seal=SEAL).update(logged=5)
    genuine = _colleague_reads(cast)
    assert log_integrate(practice_id=cast.owner.practice_id) == 1
    assert _logged(genuine.id) and not _logged(sealed.id)


def test_logging_one_clients_sealed_entry_leaves_anothers_under_the_same_seal_name_waiting(cast: Cast) -> None:
    _log(cast)
    with transaction.atomic():
        first = event_record(
            actor=cast.clinician, action=AuditAction.NOTE_READ, channel=Channel.WEB, client_id=cast.client.id, seal=SEAL
        )
        second = event_record(
            actor=cast.colleague,
            action=AuditAction.NOTE_READ,
            channel=Channel.WEB,
            client_id=cast.other_client.id,
            seal=SEAL,
        )
    assert log_integrate(practice_id=cast.owner.practice_id, batch=1) == 1
    _log(cast)
    assert _logged(first.id) and _logged(second.id)
    assert log_verify(practice_id=cast.owner.practice_id).problem is None


def test_refusing_a_forged_event_leaves_the_rest_of_the_queue_waiting(cast: Cast) -> None:
    _log(cast)
    attack("insert a forged entry", cast.client)
    genuine = _colleague_reads(cast)
    assert log_integrate(practice_id=cast.owner.practice_id, batch=1) == 0  # the forged one alone, refused
    assert PendingEvent.objects.filter(event_id=genuine.id).exists()
    _log(cast)
    assert _logged(genuine.id)
