"""Sealed entries: logged at once, invisible to the client in every form until lifted, then shown under the
lifting entry; the operator's verifier checks them throughout."""

from __future__ import annotations

import pytest
from django.db import transaction
from pytest_django import DjangoCaptureOnCommitCallbacks

from confide.audit.actions import AuditAction, Channel
from confide.audit.history import history_page
from confide.audit.integrate import log_integrate
from confide.audit.lifts import seals_lifted
from confide.audit.models import AuditEvent, LogLeaf, SealCounter, SealLift
from confide.audit.proofs import proof_bundle
from confide.audit.seals import SealBrokenError, entries_opened, seal_lift
from confide.audit.services import event_record, events_record_bulk
from confide.audit.verify import log_verify
from confide.clients.models import Client
from confide.practices.models import Member
from tests.attacker import drop_append_only_triggers
from tests.cast import Cast

SEAL = "disclosure:00000000-0000-4000-8000-000000000001"
LONG = "a sealed entry belongs to a client and names its seal in at most 80 characters"
BROKEN = "^an entry held back under this seal is missing: run `confide audit verify`$"


def _read(cast: Cast, *, seal: str = "") -> AuditEvent:
    with transaction.atomic():
        return event_record(
            actor=cast.clinician,
            action=AuditAction.NOTE_READ,
            channel=Channel.WEB,
            client_id=cast.client.id,
            seal=seal,
        )


def _integrate(cast: Cast, capture: DjangoCaptureOnCommitCallbacks) -> None:
    with capture(execute=True):
        while log_integrate(practice_id=cast.owner.practice_id):
            pass


def _lift(cast: Cast, seal: str = SEAL) -> AuditEvent | None:
    with transaction.atomic():
        return seal_lift(
            actor=cast.clinician,
            practice_id=cast.client.practice_id,
            client_id=cast.client.id,
            seal=seal,
            channel=Channel.WEB,
        )


def _client_view(cast: Cast) -> tuple[object, ...]:
    """Everything the client's pages and browser see that could change when something is sealed."""
    assert cast.client_member is not None
    page = history_page(practice_id=cast.client.practice_id, client_id=cast.client.id, viewer=cast.client_member)
    bundle = proof_bundle(practice=cast.client.practice, client_id=cast.client.id, since=None, first=1)
    heads = str(bundle["checkpoint"]).splitlines()[3]
    return ([(r.seq, r.action) for r in page.rows], bundle["head"], heads, len(bundle["entries"]))  # type: ignore[arg-type]


def test_a_sealed_entry_is_logged_at_once_but_changes_nothing_the_client_sees(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    _read(cast)
    _integrate(cast, django_capture_on_commit_callbacks)
    before = _client_view(cast)
    sealed = _read(cast, seal=SEAL)
    _integrate(cast, django_capture_on_commit_callbacks)
    sealed.refresh_from_db()
    assert (sealed.client_seq, sealed.sealed_seq, sealed.seal) == (None, 1, SEAL)
    assert sealed.canonical_fields()["seal"] == SEAL and sealed.canonical_fields()["sealed_seq"] == 1
    counter = SealCounter.objects.get(client_id=cast.client.id, seal=SEAL)
    assert (counter.last, counter.logged) == (1, 1)  # logged, beside the unsigned head
    assert _client_view(cast) == before  # the same rows, head and signed map of heads
    assert seals_lifted(practice_id=cast.client.practice_id, client_id=cast.client.id) == {}
    assert log_verify(practice_id=cast.owner.practice_id).problem is None


def test_lifting_records_one_visible_entry_that_counts_what_the_seal_held(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    _read(cast, seal=SEAL)
    _read(cast, seal=SEAL)
    _read(cast, seal="disclosure:other")
    lift = _lift(cast)
    assert lift is not None and lift.client_seq is not None and lift.seal == ""
    assert (lift.action, lift.object_type, lift.object_id, lift.purpose) == (
        AuditAction.SEAL_LIFT,
        "sealed-entries",
        SEAL,
        "2",
    )
    assert _lift(cast) is None  # once
    assert seals_lifted(practice_id=cast.client.practice_id, client_id=cast.client.id) == {SEAL: lift.id}
    after = _read(cast, seal=SEAL)  # a lifted seal holds nothing more: recorded in the open
    assert (after.seal, after.sealed_seq, after.client_seq) == ("", None, lift.client_seq + 1)
    _integrate(cast, django_capture_on_commit_callbacks)
    assert cast.client_member is not None
    page = history_page(practice_id=cast.client.practice_id, client_id=cast.client.id, viewer=cast.client_member)
    [shown] = [r for r in page.rows if r.action == AuditAction.SEAL_LIFT]
    assert [r.sealed_seq for r in shown.revealed] == [1, 2] and shown.why == ""
    bundle = proof_bundle(practice=cast.client.practice, client_id=cast.client.id, since=None, first=1)
    [entry] = [e for e in bundle["entries"] if e["seq"] == lift.client_seq]  # type: ignore[attr-defined]
    assert len(entry["revealed"]) == 2 and all("since" in e for e in entry["revealed"])
    assert log_verify(practice_id=cast.owner.practice_id).problem is None


def test_a_lift_row_written_without_its_lifting_event_lifts_nothing(cast: Cast) -> None:
    _read(cast, seal=SEAL)
    visible = _read(cast)
    SealLift.objects.create(
        practice_id=cast.client.practice_id, client_id=cast.client.id, seal=SEAL, event_id=visible.id
    )
    assert seals_lifted(practice_id=cast.client.practice_id, client_id=cast.client.id) == {}


def test_a_seal_whose_entries_were_deleted_before_release_will_not_lift(cast: Cast) -> None:
    first = _read(cast, seal=SEAL)
    _read(cast, seal=SEAL)
    drop_append_only_triggers()
    AuditEvent.objects.filter(pk=first.pk).delete()  # the count would match what is left
    with pytest.raises(
        SealBrokenError, match="^an entry held back under this seal is missing: run `confide audit verify`$"
    ):
        _lift(cast)
    assert not SealLift.objects.exists()


def test_a_logged_sealed_entry_deleted_with_its_counter_lowered_still_stops_the_lift(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    _read(cast, seal=SEAL)
    newest = _read(cast, seal=SEAL)
    _integrate(cast, django_capture_on_commit_callbacks)
    drop_append_only_triggers()
    AuditEvent.objects.filter(pk=newest.pk).delete()
    SealCounter.objects.filter(seal=SEAL).update(last=1)  # as if only one had been handed out
    with pytest.raises(SealBrokenError, match=BROKEN):
        _lift(cast)  # the counter still says two were logged


def test_another_seals_broken_counter_does_not_stop_this_one(cast: Cast) -> None:
    _read(cast, seal="disclosure:other")
    _read(cast, seal=SEAL)
    SealCounter.objects.filter(seal="disclosure:other").update(last=5)  # forward: the trigger allows it
    assert _lift(cast) is not None
    assert "counter moved" in (log_verify(practice_id=cast.owner.practice_id).problem or "")


def test_bulk_entries_are_sealed_in_the_clients_sealed_stream(cast: Cast) -> None:
    with transaction.atomic():
        events_record_bulk(
            actor=cast.clinician,
            action=AuditAction.NOTE_READ,
            channel=Channel.WEB,
            items=[(cast.client.id, "progress-note", "a"), (cast.client.id, "progress-note", "b")],
            seal=SEAL,
        )
    rows = list(AuditEvent.objects.filter(seal=SEAL).values_list("client_seq", "sealed_seq"))
    assert sorted(rows) == [(None, 1), (None, 2)]
    assert SealCounter.objects.get(client_id=cast.client.id, seal=SEAL).last == 2


@pytest.mark.parametrize("seal", ["a seal with spaces", "x" * 81])
def test_a_malformed_seal_is_refused(cast: Cast, seal: str) -> None:
    with pytest.raises(ValueError, match="names its seal in at most 80 characters"):
        _read(cast, seal=seal)


def test_a_sealed_entry_needs_a_client(cast: Cast) -> None:
    with pytest.raises(ValueError, match="a sealed entry belongs to a client"), transaction.atomic():
        event_record(actor=cast.clinician, action=AuditAction.SIGN_IN, channel=Channel.WEB, seal=SEAL)


def test_the_verifier_names_a_logged_sealed_entry_that_was_deleted(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    _read(cast, seal=SEAL)
    second = _read(cast, seal=SEAL)
    _integrate(cast, django_capture_on_commit_callbacks)
    drop_append_only_triggers()
    AuditEvent.objects.filter(pk=second.pk).delete()
    assert "is gone" in (log_verify(practice_id=cast.owner.practice_id).problem or "")


def test_the_integrator_never_logs_a_sealed_number_twice(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    first = _read(cast, seal=SEAL)
    _integrate(cast, django_capture_on_commit_callbacks)
    drop_append_only_triggers()
    SealCounter.objects.filter(client_id=cast.client.id).update(last=0)  # set the counter back
    AuditEvent.objects.filter(pk=first.pk).update(sealed_seq=None)  # free the number (its leaf stays)
    again = _read(cast, seal=SEAL)
    assert again.sealed_seq == 1
    _integrate(cast, django_capture_on_commit_callbacks)
    assert not LogLeaf.objects.filter(event_id=again.id).exists()  # refused: the history already holds 1
    assert log_verify(practice_id=cast.owner.practice_id).problem


def test_a_forged_lifting_event_lifts_nothing_and_a_deleted_lift_row_hides_nothing(cast: Cast) -> None:
    _read(cast, seal=SEAL)
    lift = _lift(cast)
    assert lift is not None
    practice, client = cast.client.practice_id, cast.client.id
    drop_append_only_triggers()
    SealLift.objects.all().delete()  # the rows decide nothing: the lifting event does
    assert seals_lifted(practice_id=practice, client_id=client) == {SEAL: lift.id}
    AuditEvent.objects.filter(pk=lift.pk).update(object_id="disclosure:another")  # its commitment no longer holds
    assert seals_lifted(practice_id=practice, client_id=client) == {}


def test_one_seals_numbers_say_nothing_of_anothers(cast: Cast) -> None:
    for _ in range(3):
        _read(cast, seal="disclosure:still-secret")
    shown = _read(cast, seal=SEAL)
    assert shown.sealed_seq == 1  # not 4: the lifted seal's entries are numbered from 1 whatever else is sealed


def test_a_seal_whose_entries_are_all_logged_lifts(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    _read(cast, seal=SEAL)
    _read(cast, seal=SEAL)
    _integrate(cast, django_capture_on_commit_callbacks)
    counter = SealCounter.objects.get(seal=SEAL)
    assert (counter.last, counter.logged) == (2, 2)
    lift = _lift(cast)  # as many logged as held: complete
    assert lift is not None and lift.purpose == "2"


def _held(client: Client, actor: Member) -> AuditEvent:
    with transaction.atomic():
        return event_record(
            actor=actor, action=AuditAction.NOTE_READ, channel=Channel.WEB, client_id=client.id, seal=SEAL
        )


@pytest.mark.parametrize("other", ["other_client", "outsider_client"])
def test_a_seal_is_one_clients_even_under_a_name_another_client_shares(cast: Cast, other: str) -> None:
    """A seal is (practice, client, name): the same name on another client's entries, in this practice or
    another, is another seal, counted, lifted and shown apart."""
    client = getattr(cast, other)
    actor = cast.clinician if other == "other_client" else cast.outsider
    _held(client, actor)
    _held(client, actor)  # the other client's two entries under the same name
    with transaction.atomic():
        seal_lift(actor=actor, practice_id=client.practice_id, client_id=client.id, seal=SEAL, channel=Channel.WEB)
    _read(cast, seal=SEAL)
    lift = _lift(cast)  # this client's seal: not lifted yet, and it holds one entry, not three
    assert lift is not None and lift.purpose == "1"
    assert seals_lifted(practice_id=cast.client.practice_id, client_id=cast.client.id) == {SEAL: lift.id}
    opened = entries_opened(practice_id=cast.client.practice_id, client_id=cast.client.id, lifts=[lift])
    assert [e.client_id for e in opened[lift.id]] == [cast.client.id]


def test_a_broken_seal_of_another_client_under_the_same_name_does_not_stop_this_one(cast: Cast) -> None:
    _held(cast.other_client, cast.clinician)
    SealCounter.objects.filter(client_id=cast.other_client.id).update(last=5)  # the other's seal is short
    _read(cast, seal=SEAL)
    assert _lift(cast) is not None


def test_every_checkpoint_signs_the_time_it_was_signed(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    import time

    from confide.audit.log import checkpoint_latest

    _read(cast)
    _integrate(cast, django_capture_on_commit_callbacks)
    checkpoint = checkpoint_latest(practice_id=cast.owner.practice_id)
    assert checkpoint is not None
    [line] = [line for line in checkpoint.note.splitlines() if line.startswith("confide-time/v1 ")]
    assert abs(int(line.split(" ")[1]) - time.time()) < 60  # whole seconds, UTC epoch


# What mutation testing of services.py found unguarded: the exact refusals and the objects an event names.


@pytest.mark.parametrize("ids", [["a", ""], ["a b", "c"]])
def test_object_ids_are_non_empty_and_without_spaces(cast: Cast, ids: list[str]) -> None:
    with pytest.raises(ValueError, match="^object ids are non-empty and without spaces$"), transaction.atomic():
        event_record(
            actor=cast.clinician,
            action=AuditAction.NOTE_READ,
            channel=Channel.WEB,
            client_id=cast.client.id,
            object_ids=ids,
        )


def test_an_event_names_its_objects_in_order_and_commits_to_them(cast: Cast) -> None:
    with transaction.atomic():
        event = event_record(
            actor=cast.clinician,
            action=AuditAction.NOTE_READ,
            channel=Channel.WEB,
            client_id=cast.client.id,
            object_ids=["n1", "n2", "n3"],
        )
    event.refresh_from_db()
    assert event.object_ids == "n1 n2 n3" and event.canonical_fields()["objects"] == ["n1", "n2", "n3"]


def test_a_seal_name_of_eighty_characters_is_accepted_and_the_refusals_say_why(cast: Cast) -> None:
    assert _read(cast, seal="s" * 80).seal == "s" * 80
    with pytest.raises(
        ValueError, match="^a sealed entry belongs to a client and names its seal in at most 80 characters$"
    ):
        _read(cast, seal="s" * 81)
    with pytest.raises(ValueError, match="^an operator event needs the practice$"), transaction.atomic():
        event_record(actor=None, action=AuditAction.CLIENT_KEY_ROTATE, channel=Channel.CLI)


def test_bulk_events_under_a_lifted_seal_are_recorded_in_the_open_and_open_ones_have_no_sealed_number(
    cast: Cast,
) -> None:
    _read(cast, seal=SEAL)
    assert _lift(cast) is not None
    with transaction.atomic():
        events_record_bulk(
            actor=cast.clinician,
            action=AuditAction.NOTE_READ,
            channel=Channel.WEB,
            items=[(cast.client.id, "progress-note", "a")],
            seal=SEAL,
        )
    newest = AuditEvent.objects.filter(client_id=cast.client.id).order_by("-id").first()
    assert newest is not None and (newest.seal, newest.sealed_seq) == ("", None) and newest.client_seq
