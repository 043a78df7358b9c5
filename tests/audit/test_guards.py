"""The guards of the audit trail: every access is one committed, numbered, salted event of the
right practice and role, and a client's history and proof bundle show that client's events only."""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks

from confide.audit import merkle
from confide.audit.actions import AuditAction, Channel
from confide.audit.commitment import SALT_BYTES, commitment
from confide.audit.history import history_page
from confide.audit.integrate import log_integrate
from confide.audit.log import checkpoint_latest
from confide.audit.models import AuditEvent, Checkpoint, ClientCounter, LogLeaf
from confide.audit.proofs import proof_bundle
from confide.audit.services import AuditOutsideTransactionError, event_record, events_record_bulk
from confide.audit.verify import log_verify
from confide.clients.models import Client
from confide.clients.selectors import client_for_portal, client_get_for_member
from confide.clients.services import client_create
from confide.practices.models import Member, Practice
from confide.records.models import ProgressNote
from confide.records.progress import progress_note_create
from confide.vault.operations import client_key_rotate, client_shred
from tests.attacker import drop_append_only_triggers
from tests.audit.bundles import bundle_check
from tests.cast import Cast, build_cast, signed_in

# ---------------------------------------------------------------- helpers


def _read(member: Member, client: Client) -> None:
    """Open the client's record through the access funnel (audited as a read)."""
    client_get_for_member(member=member, client_id=client.id, channel=Channel.WEB)


def _record(actor: Member | None, client: Client | None = None, **fields: Any) -> AuditEvent:
    fields.setdefault("action", AuditAction.CLIENT_READ)
    fields.setdefault("channel", Channel.WEB)
    with transaction.atomic():
        return event_record(actor=actor, client_id=client.id if client else None, **fields)


def _last_seq(client: Client) -> int:
    seqs = AuditEvent.objects.filter(practice_id=client.practice_id, client_id=client.id).values_list(
        "client_seq", flat=True
    )
    return max(s or 0 for s in seqs)


def _jordan_events(cast: Cast) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(practice_id=cast.client.practice_id, client_id=cast.client.id))


def _history(cast: Cast) -> list[Any]:
    return history_page(practice_id=cast.client.practice_id, client_id=cast.client.id, viewer=cast.client_member).rows


def _every_client_reads(cast: Cast) -> None:
    """Each clinician reads their own client, in both practices."""
    _read(cast.colleague, cast.other_client)
    _read(cast.outsider, cast.outsider_client)
    _read(cast.clinician, cast.client)


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


def _bundle(*, practice: Practice, client_id: uuid.UUID, since: int | None) -> dict[str, Any]:
    return proof_bundle(practice=practice, client_id=client_id, since=since, first=1)


def _verify_bundle(practice: Practice, bundle: dict[str, Any]) -> list[dict[str, object]]:
    """Check the bundle the way the browser does; return each entry's committed fields."""
    fields = bundle_check(practice, bundle)
    if bundle["head"] is not None and bundle["entries"]:  # a bundle from the first entry holds the newest
        assert [e["index"] for e in bundle["entries"] if e["seq"] == bundle["head"]["seq"]] == [bundle["head"]["index"]]
    return fields


# ---------------------------------------------------------------- event_record


def test_an_event_is_filed_under_its_actors_practice_whatever_practice_is_passed(cast: Cast) -> None:
    event = _record(cast.clinician, cast.client, practice_id=cast.outsider.practice_id)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.practice_id, stored.actor_id, stored.actor_role) == (
        cast.clinician.practice_id,
        cast.clinician.id,
        "clinician",
    )


def test_an_operator_event_without_a_practice_is_refused(cast: Cast) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(ValueError, match="an operator event needs the practice"):
        _record(None, action=AuditAction.MASTER_KEY_ROTATE, channel=Channel.CLI)
    assert AuditEvent.objects.count() == before


def test_an_operator_event_is_filed_under_the_given_practice_as_the_operator(cast: Cast) -> None:
    event = _record(
        None, cast.client, action=AuditAction.CLIENT_KEY_ROTATE, channel=Channel.CLI, practice_id=cast.owner.practice_id
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.practice_id, stored.actor_id, stored.actor_role) == (cast.owner.practice_id, None, "operator")
    assert stored.client_seq == _last_seq(cast.client)


def test_an_event_stores_what_was_done_through_which_channel_and_why(cast: Cast) -> None:
    before = timezone.now()
    event = _record(
        cast.clinician,
        cast.client,
        action=AuditAction.DOCUMENT_READ,
        channel=Channel.API,
        object_type="document",
        object_id=str(cast.document.id),
        purpose="emergency access",
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.channel, stored.client_id, stored.object_type, stored.object_id) == (
        AuditAction.DOCUMENT_READ,
        Channel.API,
        cast.client.id,
        "document",
        str(cast.document.id),
    )
    assert stored.purpose == "emergency access"
    assert before <= stored.created_at <= timezone.now()


def test_an_event_about_no_client_carries_no_client_number(cast: Cast) -> None:
    event = _record(cast.owner, action=AuditAction.JURISDICTION_SET, object_type="practice")
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.client_id, stored.client_seq) == (None, None)


def test_an_event_that_names_no_object_or_purpose_stores_them_blank(cast: Cast) -> None:
    event = _record(cast.clinician, cast.client)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.object_type, stored.object_id, stored.purpose) == ("", "", "")
    assert stored.canonical_fields()["object_type"] == ""


def test_a_new_clients_first_event_is_number_one(cast: Cast) -> None:
    client = client_create(actor=cast.colleague, name="Noor New-Client", channel=Channel.WEB)
    [event] = AuditEvent.objects.filter(client_id=client.id)
    assert (event.action, event.client_seq) == (AuditAction.CLIENT_CREATE, 1)


def test_each_clients_numbers_rise_by_one_independently_of_other_clients(cast: Cast) -> None:
    jordan, aisha = _last_seq(cast.client), _last_seq(cast.other_client)
    first = _record(cast.clinician, cast.client)
    other = _record(cast.colleague, cast.other_client)
    second = _record(cast.clinician, cast.client)
    assert (first.client_seq, other.client_seq, second.client_seq) == (jordan + 1, aisha + 1, jordan + 2)


def test_each_practice_numbers_a_clients_events_on_its_own(cast: Cast) -> None:
    # Even an event another practice files under this client's id starts that practice's count at one,
    # so neither practice's log shows a gap.
    foreign = _record(cast.outsider, cast.client)
    assert foreign.practice_id == cast.outsider.practice_id
    assert foreign.client_seq == 1
    for practice_id in (cast.owner.practice_id, cast.outsider.practice_id):
        log_integrate(practice_id=practice_id)
        assert log_verify(practice_id=practice_id).problem is None


def test_every_event_has_its_own_salt_and_a_commitment_that_verifies(cast: Cast) -> None:
    single = _record(cast.clinician, cast.client)
    with transaction.atomic():
        events_record_bulk(
            actor=cast.clinician,
            action=AuditAction.NOTE_READ,
            channel=Channel.WEB,
            items=[(cast.client.id, "progress-note", str(cast.note.id))] * 2,
        )
    events = [AuditEvent.objects.get(pk=single.pk), *AuditEvent.objects.filter(action=AuditAction.NOTE_READ)]
    assert len(events) == 3
    salts = {bytes(e.salt) for e in events if e.salt is not None}
    assert len(salts) == 3
    assert all(len(s) == SALT_BYTES for s in salts)
    for event in events:
        assert event.salt is not None
        assert bytes(event.commitment) == commitment(bytes(event.salt), event.canonical_fields())
    assert len({bytes(e.commitment) for e in events}) == 3


def test_a_deleted_newest_event_does_not_free_its_number(cast: Cast) -> None:
    newest = _record(cast.clinician, cast.client)
    drop_append_only_triggers()
    AuditEvent.objects.filter(pk=newest.pk).delete()  # a member hiding their latest look
    again = _record(cast.clinician, cast.client)
    assert again.client_seq == (newest.client_seq or 0) + 1
    assert ClientCounter.objects.get(client_id=cast.client.id).last_seq == again.client_seq


def test_the_next_number_costs_the_same_queries_however_long_the_history(
    cast: Cast, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # a savepoint, the counter row's insert-if-missing (ignored: it exists), its update and read, the
    # event's insert and its queue row's, the release
    with django_assert_num_queries(7):
        _record(cast.clinician, cast.client)
    for _ in range(20):
        _record(cast.clinician, cast.client)
    with django_assert_num_queries(7):
        _record(cast.clinician, cast.client)


def test_an_access_whose_event_cannot_be_stored_does_not_happen(cast: Cast) -> None:
    notes, events = ProgressNote.objects.count(), AuditEvent.objects.count()
    counter = ClientCounter.objects.get(client_id=cast.client.id).last_seq
    with (
        mock.patch.object(AuditEvent, "save", side_effect=DatabaseError("audit store down")),
        pytest.raises(DatabaseError, match="audit store down"),
    ):
        progress_note_create(actor=cast.clinician, client=cast.client, body="Never written", channel=Channel.WEB)
    assert (ProgressNote.objects.count(), AuditEvent.objects.count()) == (notes, events)
    assert ClientCounter.objects.get(client_id=cast.client.id).last_seq == counter


def _integration_asks(callbacks: list[Any]) -> list[Any]:
    """The on-commit callbacks that ask for integration (signing adds one that keeps the anchor)."""
    return [c for c in callbacks if "_schedule_integration" in c.__qualname__]


def test_a_recorded_event_reaches_the_signed_log_after_commit(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    cache.clear()  # the cast's own events were a moment ago: let their debounce window pass
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        event = _record(cast.clinician, cast.client)
    assert len(_integration_asks(callbacks)) == 1
    assert LogLeaf.objects.filter(practice_id=cast.owner.practice_id, event_id=event.pk).exists()


def test_integration_is_asked_for_once_per_window_per_practice(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    cache.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _record(cast.clinician, cast.client)
        _record(cast.clinician, cast.client)
        elsewhere = _record(cast.outsider, cast.outsider_client)
    assert len(_integration_asks(callbacks)) == 2  # Harbor once, Elsewhere once
    assert LogLeaf.objects.filter(practice_id=cast.outsider.practice_id, event_id=elsewhere.pk).exists()
    later = time.time() + 2.5  # past the two-second window
    with mock.patch("time.time", return_value=later), django_capture_on_commit_callbacks() as callbacks:
        _record(cast.clinician, cast.client)
    assert len(_integration_asks(callbacks)) == 1  # the window has passed: ask again


# ---------------------------------------------------------------- events_record_bulk / _for_clients


def test_reading_notes_logs_each_readers_own_role(cast: Cast) -> None:
    for reader in (cast.supervisor, cast.clinician):
        assert signed_in(reader).get(f"/clients/{cast.client.id}/").status_code == 200
    reads = AuditEvent.objects.filter(action=AuditAction.NOTE_READ).order_by("id")
    assert [(e.actor_id, e.actor_role, e.object_type, e.object_id) for e in reads] == [
        (cast.supervisor.id, "supervisor", "progress-note", str(cast.note.id)),
        (cast.clinician.id, "clinician", "progress-note", str(cast.note.id)),
    ]
    shown = {(r.who, r.role) for r in _history(cast) if r.action == AuditAction.NOTE_READ}
    assert shown == {("Sam Supervisor", "clinical supervisor"), ("Chris Clinician", "clinician")}


def test_a_list_logs_one_event_per_client_shown_with_the_listers_role(cast: Cast) -> None:
    last = _last_seq(cast.client)
    signed_in(cast.supervisor).get("/clients/")
    [event] = AuditEvent.objects.filter(action=AuditAction.CLIENT_LIST)
    assert (event.actor_id, event.actor_role, event.channel) == (cast.supervisor.id, "supervisor", Channel.WEB)
    assert (event.client_id, event.client_seq, event.object_type, event.object_id) == (
        cast.client.id,
        last + 1,
        "client",
        str(cast.client.id),
    )


def test_a_bulk_numbers_each_clients_events_in_turn(cast: Cast) -> None:
    jordan, aisha = _last_seq(cast.client), _last_seq(cast.other_client)
    with transaction.atomic():
        events_record_bulk(
            actor=cast.owner,
            action=AuditAction.DISCLOSURE_READ,
            channel=Channel.API,
            items=[
                (cast.client.id, "item", "a"),
                (cast.other_client.id, "item", "b"),
                (cast.client.id, "item", "c"),
            ],
        )
    events = AuditEvent.objects.filter(action=AuditAction.DISCLOSURE_READ).order_by("object_id")
    assert [(e.client_id, e.client_seq, e.object_id) for e in events] == [
        (cast.client.id, jordan + 1, "a"),
        (cast.other_client.id, aisha + 1, "b"),
        (cast.client.id, jordan + 2, "c"),
    ]
    assert {(e.practice_id, e.actor_id, e.actor_role, e.channel, e.purpose) for e in events} == {
        (cast.owner.practice_id, cast.owner.id, "owner", Channel.API, "")
    }
    assert len({e.created_at for e in events}) == 1


def test_a_bulk_reaches_the_signed_log_after_commit(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    cache.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        events_record_bulk(
            actor=cast.outsider,
            action=AuditAction.CLIENT_LIST,
            channel=Channel.WEB,
            items=[(cast.outsider_client.id, "client", str(cast.outsider_client.id))],
        )
    assert len(_integration_asks(callbacks)) == 1
    [event] = AuditEvent.objects.filter(action=AuditAction.CLIENT_LIST)
    assert LogLeaf.objects.filter(practice_id=cast.outsider.practice_id, event_id=event.pk).exists()


def test_showing_nothing_records_nothing_and_schedules_nothing(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    cache.clear()
    before = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        events_record_bulk(actor=cast.clinician, action=AuditAction.CLIENT_LIST, channel=Channel.WEB, items=[])
    assert (AuditEvent.objects.count(), callbacks) == (before, [])


def test_bulk_events_cannot_be_recorded_outside_a_transaction(transactional_db: None) -> None:
    cast = build_cast()
    before = AuditEvent.objects.count()
    with pytest.raises(AuditOutsideTransactionError, match="inside the access's transaction"):
        events_record_bulk(
            actor=cast.clinician,
            action=AuditAction.CLIENT_LIST,
            channel=Channel.WEB,
            items=[(cast.client.id, "client", str(cast.client.id))],
        )
    assert AuditEvent.objects.count() == before


# ---------------------------------------------------------------- history_page


def test_a_clients_history_shows_their_events_and_no_other_clients(cast: Cast) -> None:
    _every_client_reads(cast)
    expected = sorted(_jordan_events(cast), key=lambda e: -(e.client_seq or 0))
    rows = _history(cast)
    assert [(r.seq, r.action, r.when) for r in rows] == [(e.client_seq, e.action, e.created_at) for e in expected]
    who = {r.who for r in rows}
    assert {"Chris Clinician", "Olivia Owner"} <= who
    assert not who & {"Casey Colleague", "Otto Outsider"}
    assert not any(r.action == AuditAction.CLIENT_READ and r.who != "Chris Clinician" for r in rows)


def test_an_event_another_practice_files_under_the_clients_id_stays_out_of_their_history(cast: Cast) -> None:
    _record(cast.outsider, cast.client)
    assert "Otto Outsider" not in {r.who for r in _history(cast)}
    assert len(_history(cast)) == len(_jordan_events(cast))


def test_the_history_lists_the_newest_access_first(cast: Cast) -> None:
    _read(cast.clinician, cast.client)
    _record(cast.supervisor, cast.client, action=AuditAction.MEASURE_READ)
    rows = _history(cast)
    seqs = [r.seq for r in rows]
    assert seqs == sorted(seqs, reverse=True)
    assert len(set(seqs)) == len(seqs)
    assert (rows[0].action, rows[0].who, rows[1].action, rows[1].who) == (
        AuditAction.MEASURE_READ,
        "Sam Supervisor",
        AuditAction.CLIENT_READ,
        "Chris Clinician",
    )
    assert rows[-1].seq == 1


def test_the_client_reads_who_in_which_role_did_what_and_why(cast: Cast) -> None:
    client_key_rotate(client_id=cast.client.id)  # the operator, at the command line
    _record(cast.supervisor, cast.client, purpose="emergency access")
    client_for_portal(member=cast.client_member)  # the client's own visit
    you, supervisor, operator = _history(cast)[:3]
    assert (you.who, you.role, you.what, you.why) == ("You", "you", "opened your portal", "")
    assert (supervisor.who, supervisor.role, supervisor.what, supervisor.why) == (
        "Sam Supervisor",
        "clinical supervisor",
        "opened your record",
        "emergency access",
    )
    assert (operator.who, operator.role, operator.what) == (
        "The system administrator",
        "system administrator",
        "renewed the encryption key of your record",
    )
    created = [r for r in _history(cast) if r.action == AuditAction.CLIENT_CREATE]
    assert [(r.seq, r.who, r.role, r.what) for r in created] == [
        (1, "Chris Clinician", "clinician", "created your record")
    ]
    added = {(r.who, r.role, r.what) for r in _history(cast) if r.action == AuditAction.CARETEAM_ADD}
    assert added == {("Olivia Owner", "practice owner", "added someone to your care team")}


def test_each_kind_of_access_reads_in_plain_language(cast: Cast) -> None:
    wording = {
        AuditAction.NOTE_READ: "read a progress note",
        AuditAction.PN_READ: "re-read their own private process note",
        AuditAction.ESCROW_OPEN: "used emergency access to private notes",
        AuditAction.DISCLOSURE_RELEASE: "disclosed information (see your accounting of disclosures)",
        AuditAction.BREAKGLASS_OPEN: "opened your record in an emergency (break-glass access)",
        AuditAction.CLIENT_SHRED: "destroyed the encryption key of your record",
        AuditAction.MEASURE_READ: "looked at your questionnaire results",
    }
    for action in wording:
        _record(cast.clinician, cast.client, action=action)
    shown = {r.action: r.what for r in _history(cast) if r.action in wording}
    assert shown == wording


def test_an_action_without_wording_still_reads_in_plain_words(cast: Cast) -> None:
    _record(cast.owner, cast.client, action=AuditAction.MEMBER_ROLE_CHANGE)
    [row] = [r for r in _history(cast) if r.action == AuditAction.MEMBER_ROLE_CHANGE]
    assert (row.what, row.who, row.role) == ("did something else with your record", "Olivia Owner", "practice owner")


def test_the_history_is_read_in_one_query_however_many_people_appear(
    cast: Cast, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    _every_client_reads(cast)
    _read(cast.supervisor, cast.client)
    with django_assert_num_queries(1):
        rows = _history(cast)
    assert {"Chris Clinician", "Olivia Owner", "Sam Supervisor"} <= {r.who for r in rows}


# ---------------------------------------------------------------- proof_bundle


def test_the_proof_bundle_holds_only_the_clients_events_each_proven_in_the_signed_log(cast: Cast) -> None:
    _every_client_reads(cast)
    bundle = _bundle(practice=cast.owner.practice, client_id=cast.client.id, since=None)
    fields = _verify_bundle(cast.owner.practice, bundle)
    events = _jordan_events(cast)
    assert {(f["client"], f["practice"]) for f in fields} == {(str(cast.client.id), str(cast.owner.practice_id))}
    assert sorted(int(str(f["seq"])) for f in fields) == sorted(e.client_seq or 0 for e in events)
    assert [f["seq"] for f in fields] == [
        e.client_seq for e in sorted(events, key=lambda e: e.pk)
    ]  # in log order, the order of the leaves
    leaves = LogLeaf.objects.filter(practice_id=cast.owner.practice_id, event_id__in=[e.pk for e in events])
    assert [entry["index"] for entry in bundle["entries"]] == sorted(leaf.index for leaf in leaves)
    assert str(cast.colleague.id) not in json.dumps(bundle)
    assert bundle["consistency"] is None


def test_a_bundle_takes_in_events_not_yet_logged(cast: Cast) -> None:
    _read(cast.clinician, cast.client)
    total = AuditEvent.objects.filter(practice_id=cast.owner.practice_id).count()
    bundle = _bundle(practice=cast.owner.practice, client_id=cast.client.id, since=None)
    assert bundle["size"] == total
    fields = _verify_bundle(cast.owner.practice, bundle)
    assert max(int(str(f["seq"])) for f in fields) == _last_seq(cast.client)


def test_a_checkpoint_signed_between_the_bundles_reads_is_read_again_with_its_heads(cast: Cast) -> None:
    real = checkpoint_latest

    raced: list[bool] = []

    def then_another_request_logs_more(*, practice_id: uuid.UUID) -> Checkpoint | None:
        seen = real(practice_id=practice_id)
        if not raced:  # once: between our read of the checkpoint and of the heads
            raced.append(True)
            _read(cast.clinician, cast.client)
            log_integrate(practice_id=practice_id)
        return seen

    with mock.patch("confide.audit.proofs.checkpoint_latest", side_effect=then_another_request_logs_more):
        bundle = _bundle(practice=cast.owner.practice, client_id=cast.client.id, since=None)
    assert raced and bundle["size"] == LogLeaf.objects.filter(practice_id=cast.owner.practice_id).count()
    fields = _verify_bundle(cast.owner.practice, bundle)
    assert max(int(str(f["seq"])) for f in fields) == _last_seq(cast.client) == bundle["head"]["seq"]


def test_a_bundle_proves_the_log_grew_from_the_checkpoint_the_client_saw(cast: Cast) -> None:
    seen = checkpoint_latest(practice_id=cast.owner.practice_id)
    assert seen is not None
    _read(cast.clinician, cast.client)
    bundle = _bundle(practice=cast.owner.practice, client_id=cast.client.id, since=seen.size)
    size, root = bundle["size"], base64.b64decode(str(bundle["root"]))
    assert isinstance(size, int) and size > seen.size
    consistency = bundle["consistency"]
    assert isinstance(consistency, dict) and consistency["from"] == seen.size
    proof = [base64.b64decode(p) for p in consistency["proof"]]
    assert merkle.verify_consistency(seen.size, size, bytes(seen.root), root, proof)
    # The smallest checkpoint there can be: a client who saw the log at one entry.
    smallest = _bundle(practice=cast.owner.practice, client_id=cast.client.id, since=1)["consistency"]
    assert isinstance(smallest, dict) and smallest["from"] == 1
    one_leaf = bytes(LogLeaf.objects.get(practice_id=cast.owner.practice_id, index=0).leaf_hash)
    assert merkle.verify_consistency(1, size, one_leaf, root, [base64.b64decode(p) for p in smallest["proof"]])


def test_a_bundle_for_the_checkpoint_the_client_already_holds_proves_no_growth(cast: Cast) -> None:
    size = _bundle(practice=cast.owner.practice, client_id=cast.client.id, since=None)["size"]
    assert isinstance(size, int)
    same = _bundle(practice=cast.owner.practice, client_id=cast.client.id, since=size)
    assert same["consistency"] == {"from": size, "proof": []}


@pytest.mark.parametrize("since", [0, -1, 10_000])
def test_a_checkpoint_the_log_never_had_gets_no_consistency_proof(cast: Cast, since: int) -> None:
    bundle = _bundle(practice=cast.owner.practice, client_id=cast.client.id, since=since)
    assert bundle["consistency"] is None
    assert _verify_bundle(cast.owner.practice, bundle)


def test_a_practice_with_an_empty_log_offers_an_empty_bundle(cast: Cast) -> None:
    empty = Practice.objects.create(name="Quiet Rooms", slug="quiet-rooms")  # nothing has happened there yet
    client_id = uuid.uuid4()
    assert _bundle(practice=empty, client_id=client_id, since=None) == {
        "size": 0,
        "entries": [],
        "client": str(client_id),
        "head": None,
    }


def test_after_shredding_the_bundle_keeps_each_leaf_proven_but_no_salt(cast: Cast) -> None:
    before = {e.pk for e in AuditEvent.objects.filter(client_id=cast.other_client.id)}
    client_shred(client_id=cast.other_client.id, reason="retention period over")
    bundle = _bundle(practice=cast.owner.practice, client_id=cast.other_client.id, since=None)
    fields = _verify_bundle(cast.owner.practice, bundle)
    salted = [f["action"] for f, e in zip(fields, bundle["entries"], strict=True) if e["salt"] is not None]
    assert salted == [AuditAction.CLIENT_SHRED.value]  # recorded after the shredding
    assert len(fields) == len(before) + 1


# ---------------------------------------------------------------- the portal


def test_the_portal_serves_the_signed_in_client_only_their_own_proofs(cast: Cast) -> None:
    _every_client_reads(cast)
    http = signed_in(cast.client_member)
    response = http.get(
        "/portal/history/proofs.json",
        {"client": str(cast.other_client.id), "client_id": str(cast.other_client.id), "from": "1"},
    )
    assert response.status_code == 200
    bundle = response.json()
    fields = _verify_bundle(cast.owner.practice, bundle)
    assert {f["client"] for f in fields} == {str(cast.client.id)}
    assert sorted(int(str(f["seq"])) for f in fields) == list(range(1, _last_seq(cast.client) + 1))


def test_the_portal_history_page_lists_only_the_clients_own_events(cast: Cast) -> None:
    _every_client_reads(cast)
    response = signed_in(cast.client_member).get("/portal/history/")
    assert response.status_code == 200
    rows = response.context["page"].rows
    assert [r.seq for r in rows] == list(range(_last_seq(cast.client), 0, -1))
    text = response.content.decode()
    assert "Chris Clinician" in text
    assert "Casey Colleague" not in text
    assert "Otto Outsider" not in text


@pytest.mark.parametrize("who", ["clinician", "owner", "outsider"])
def test_no_member_gets_a_clients_proofs_from_the_portal(cast: Cast, who: str) -> None:
    member: Member = getattr(cast, who)
    assert signed_in(member).get("/portal/history/proofs.json").status_code == 404
