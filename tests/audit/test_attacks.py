"""The operator's `confide audit verify` reports every attack of tests/audit/attacks.py, and has no false
alarm on an intact log (the browser's verifier meets the same attacks in tests/browser/)."""

from __future__ import annotations

import random
import re
from io import StringIO
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from confide.audit.actions import AuditAction, Channel
from confide.audit.generate import events_generate
from confide.audit.integrate import LogIntegrityError, log_integrate
from confide.audit.log import checkpoint_latest
from confide.audit.models import AuditEvent, ClientCounter, LogLeaf, PendingEvent
from confide.audit.services import event_record
from confide.audit.verify import log_verify
from confide.clients.models import Client
from tests.audit.attacks import ATTACKS, attack
from tests.cast import Cast, signed_in


def _integrate(cast: Cast, capture: DjangoCaptureOnCommitCallbacks) -> None:
    with capture(execute=True):  # the anchor is kept once the signing transaction commits
        while log_integrate(practice_id=cast.owner.practice_id):
            pass


def _read(cast: Cast) -> None:
    with transaction.atomic():
        event_record(
            actor=cast.clinician, action=AuditAction.CLIENT_READ, channel=Channel.WEB, client_id=cast.client.id
        )


GONE, CHANGED, ROLLED_BACK = (
    r"leaf \d+ points to event \d+, which is gone",
    r"event \d+ was changed after it was recorded",
    r"the log was rolled back: a checkpoint of \d+ entries was signed",
)
# What the verifier says of each attack, and how far it got (entries checked, from the log's size before it).
REPORTS: dict[str, tuple[str, int | None]] = {
    "delete the newest entry": (GONE, -1),
    "truncate the log's tail": (ROLLED_BACK, -1),
    "delete an entry in the middle": (GONE, None),
    "edit an entry": (CHANGED, -1),
    "clear a salt and rewrite an entry": (r"event \d+ lost its salt, though its client was not shredded after it", -1),
    "reorder two entries": (CHANGED, -2),
    "insert a forged entry": (r"pending event \d+ was not recorded by Confide \(its tag is wrong\)", 0),
    "delete an old signed checkpoint": (
        r"a signed checkpoint was deleted: the one of size \d+ follows \d+, not \d+",
        0,
    ),
    "delete the newest signed checkpoint": (r"the newest signed checkpoint \(of \d+ entries\) was deleted", 0),
    "replay an old checkpoint": (ROLLED_BACK, -1),
    "fork the log": (r"the history changed: checkpoint of size \d+ does not match the recomputed root", 0),
}


@pytest.mark.parametrize("name", list(ATTACKS))
def test_the_operators_verifier_reports_each_attack(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks, name: str
) -> None:
    for _ in range(3):  # three checkpoints, the client's newest entry last in the log
        _read(cast)
        _integrate(cast, django_capture_on_commit_callbacks)
    before = log_verify(practice_id=cast.owner.practice_id)
    assert before.problem is None and isinstance(before.size, int)
    attack(name, cast.client)
    report = log_verify(practice_id=cast.owner.practice_id)
    expected, offset = REPORTS[name]
    assert report.problem is not None and re.fullmatch(expected, report.problem), (name, report.problem)
    assert isinstance(report.size, int) and 0 <= report.size <= before.size
    assert offset is None or report.size == before.size + offset, (name, report.size)
    errors = StringIO()
    with pytest.raises(SystemExit, match="^1$"):
        call_command("audit", "--practice", "harbor-therapy", "verify", stdout=StringIO(), stderr=errors)
    assert "PROBLEM" in errors.getvalue()


@pytest.mark.parametrize(
    ("name", "refusal"),
    [
        ("truncate the log's tail", "rolled back"),
        ("replay an old checkpoint", "rolled back"),
        ("delete the newest signed checkpoint", "newest checkpoint"),
    ],
)
def test_the_signer_will_not_sign_over_a_log_rolled_back_behind_its_anchor(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks, name: str, refusal: str
) -> None:
    for _ in range(2):
        _read(cast)
        _integrate(cast, django_capture_on_commit_callbacks)
    attack(name, cast.client)
    _read(cast)
    with pytest.raises(LogIntegrityError, match=refusal):
        log_integrate(practice_id=cast.owner.practice_id)


def test_a_forged_event_is_never_logged_and_is_named(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    _integrate(cast, django_capture_on_commit_callbacks)
    attack("insert a forged entry", cast.client)
    assert log_integrate(practice_id=cast.owner.practice_id) == 0
    report = log_verify(practice_id=cast.owner.practice_id)
    assert report.pending == 1
    assert report.problem and "was not recorded by Confide" in report.problem


def test_verify_says_how_many_events_wait_to_be_logged(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    _integrate(cast, django_capture_on_commit_callbacks)
    _read(cast)
    _read(cast)
    out = StringIO()
    call_command("audit", "--practice", "harbor-therapy", "verify", stdout=out)
    assert "2 recorded events wait to be logged" in out.getvalue()
    assert log_verify(practice_id=cast.owner.practice_id).pending == 2


def test_no_false_alarm_after_ten_thousand_random_accesses(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    chance = random.Random(20261201)
    actors = [cast.clinician, cast.supervisor, cast.cotherapist, cast.owner, cast.colleague]
    clients = [cast.client, cast.other_client]
    actions = [AuditAction.CLIENT_READ, AuditAction.NOTE_READ, AuditAction.DOCUMENT_READ, AuditAction.MEASURE_READ]
    for start in range(0, 10_000, 500):
        with transaction.atomic():
            for _ in range(500):
                event_record(
                    actor=chance.choice(actors),
                    action=chance.choice(actions),
                    channel=Channel.WEB,
                    client_id=chance.choice(clients).id,
                )
        if chance.random() < 0.7:  # the log sometimes lags behind
            _integrate(cast, django_capture_on_commit_callbacks)
        assert start >= 0
    _integrate(cast, django_capture_on_commit_callbacks)
    report = log_verify(practice_id=cast.owner.practice_id)
    assert (report.problem, report.pending) == (None, 0)
    assert report.size >= 10_000


def test_after_a_backup_is_restored_the_operator_accepts_it_and_the_log_signs_on(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks, settings: Any
) -> None:
    _read(cast)
    _integrate(cast, django_capture_on_commit_callbacks)
    attack("replay an old checkpoint", cast.client)  # what a restore of last night's backup looks like…
    for counter in ClientCounter.objects.all():  # …counters included
        top = AuditEvent.objects.filter(client_id=counter.client_id).aggregate(top=Max("client_seq"))["top"]
        ClientCounter.objects.filter(pk=counter.pk).update(last_seq=top or 0)
    _read(cast)
    with pytest.raises(LogIntegrityError, match="rolled back"):
        log_integrate(practice_id=cast.owner.practice_id)
    with pytest.raises(CommandError, match="Name the practice"):
        call_command("audit", "accept-restore", stdout=StringIO())
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("audit", "--practice", "harbor-therapy", "accept-restore", stdout=out)
    assert "the restore is recorded" in out.getvalue()
    kept = sorted(p.name for p in Path(settings.CONFIDE_LOG_ANCHOR_DIR).iterdir() if not p.name.startswith("."))
    # the old anchor is kept aside, the new one kept, and the restore remembered beside them…
    assert len(kept) == 3 and sum(".superseded-" in name for name in kept) == 1 and any(".restored" in n for n in kept)
    newest = checkpoint_latest(practice_id=cast.owner.practice_id)
    assert newest is not None and any(line.startswith("confide-restored/v1 ") for line in newest.note.split("\n"))
    restore = AuditEvent.objects.get(action=AuditAction.LOG_RESTORE)
    assert (restore.actor_id, restore.practice_id) == (None, cast.owner.practice_id)
    report = log_verify(practice_id=cast.owner.practice_id)
    assert (report.problem, report.pending) == (None, 0)
    with pytest.raises(CommandError, match="No anchor"):
        call_command("audit", "--practice", "elsewhere-clinic", "accept-restore", stdout=StringIO())


def test_a_number_freed_by_deleting_the_newest_event_and_lowering_the_counter_is_never_logged_again(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    _read(cast)
    _integrate(cast, django_capture_on_commit_callbacks)
    newest = AuditEvent.objects.filter(client_id=cast.client.id).order_by("-client_seq").first()
    assert newest is not None and newest.client_seq is not None
    attack("delete the newest entry", cast.client)
    ClientCounter.objects.filter(client_id=cast.client.id).update(last_seq=newest.client_seq - 1)
    _read(cast)  # Confide itself records the next access under the freed number, with a valid tag
    reused = AuditEvent.objects.get(client_id=cast.client.id, client_seq=newest.client_seq)
    assert log_integrate(practice_id=cast.owner.practice_id) == 0
    assert not LogLeaf.objects.filter(event_id=reused.pk).exists()
    assert log_verify(practice_id=cast.owner.practice_id).problem


def test_generated_events_are_real_ones_the_verifier_accepts(cast: Cast) -> None:
    """The benchmarks' generator (`confide audit generate`) makes events Confide itself would record."""
    before = ClientCounter.objects.get(client_id=cast.client.id).last_seq
    assert events_generate(practice=cast.owner.practice, count=30) == 30
    assert events_generate(practice=cast.owner.practice, count=20, actor=cast.clinician, client_id=cast.client.id) == 20
    numbers = AuditEvent.objects.filter(client_id=cast.client.id, object_type="bench").values_list(
        "client_seq", flat=True
    )
    assert sorted(n or 0 for n in numbers) == list(range(before + 1, before + 21))
    assert ClientCounter.objects.get(client_id=cast.client.id).last_seq == before + 20
    assert (log_verify(practice_id=cast.owner.practice_id).problem, LogLeaf.objects.count() > 50) == (None, True)


def test_an_event_that_commits_late_below_thousands_of_logged_ones_is_still_logged(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    """PostgreSQL hands out ids at INSERT: a long transaction's event may carry an id below ten thousand
    events logged before it commits. The integrator's queue finds it all the same (review R5)."""
    events_generate(practice=cast.owner.practice, count=10_001)  # a busy practice, all logged
    original_save = AuditEvent.save

    def with_an_early_id(self: AuditEvent, *args: Any, **kwargs: Any) -> None:
        if self.pk is None:
            self.pk = -5  # below every logged event's id
        original_save(self, *args, **kwargs)

    with mock.patch.object(AuditEvent, "save", with_an_early_id):
        _read(cast)  # the long transaction commits now
    _integrate(cast, django_capture_on_commit_callbacks)
    assert LogLeaf.objects.filter(event_id=-5).exists()
    report = log_verify(practice_id=cast.owner.practice_id)
    assert (report.problem, report.pending) == (None, 0)


def test_an_event_taken_out_of_the_queue_is_named_neither_logged_nor_waiting(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    _integrate(cast, django_capture_on_commit_callbacks)
    _read(cast)
    PendingEvent.objects.all().delete()  # the queue is not append-only: the integrator empties it
    assert log_integrate(practice_id=cast.owner.practice_id) == 0
    report = log_verify(practice_id=cast.owner.practice_id)
    assert report.problem and "neither in the log nor waiting" in report.problem


def test_marking_a_client_shredded_does_not_excuse_a_cleared_salt(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    """Second review F3: only Confide's own (tagged) shredding event excuses events without a salt."""
    _read(cast)
    _integrate(cast, django_capture_on_commit_callbacks)
    attack("clear a salt and rewrite an entry", cast.client)
    Client.objects.filter(pk=cast.client.pk).update(shredded_at=timezone.now())  # no client_shred, no event
    report = log_verify(practice_id=cast.owner.practice_id)
    assert report.problem and "lost its salt" in report.problem


def test_a_queue_row_for_a_logged_event_is_refused_and_named(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    """Second review F4: a plain INSERT into the queue for an event already logged neither logs it twice
    (which broke a unique constraint and stopped the log) nor passes verify."""
    _integrate(cast, django_capture_on_commit_callbacks)
    logged = AuditEvent.objects.filter(practice_id=cast.owner.practice_id, client_id=None).order_by("id").first()
    assert logged is not None
    PendingEvent.objects.create(event_id=logged.pk, practice_id=cast.owner.practice_id)
    report = log_verify(practice_id=cast.owner.practice_id)
    assert report.problem == f"the queue holds event {logged.pk} again, though it is logged"
    _read(cast)
    _integrate(cast, django_capture_on_commit_callbacks)  # the log goes on, the stray row is gone
    assert not PendingEvent.objects.exists()
    assert log_verify(practice_id=cast.owner.practice_id).problem is None
    response = signed_in(cast.client_member).get("/portal/history/proofs.json", {"from": "1"})
    assert (
        response.status_code == 200
        and response.json()["head"]["seq"] == ClientCounter.objects.get(client_id=cast.client.id).last_seq
    )
