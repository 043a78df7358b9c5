"""`confide audit verify` at its edges: each stored value an attacker can change beside the events (a
subtree hash, a checkpoint's columns, a counter row), a salt cleared on an old entry, another practice's
seals, a shredded client's pending entries, and the exact size each report names."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from confide.audit.actions import AuditAction, Channel
from confide.audit.integrate import log_integrate
from confide.audit.models import AuditEvent, Checkpoint, ClientCounter, LogLeaf, LogNode, SealCounter
from confide.audit.services import event_record
from confide.audit.verify import Report, log_verify
from confide.clients.models import Client
from confide.clients.services import client_create
from confide.vault.operations import client_shred
from tests.attacker import drop_append_only_triggers
from tests.cast import Cast

SEAL = "disclosure:00000000-0000-4000-8000-0000000000cc"


def _read(cast: Cast, client: Client, *, seal: str = "") -> AuditEvent:
    with transaction.atomic():
        return event_record(
            actor=cast.clinician, action=AuditAction.NOTE_READ, channel=Channel.WEB, client_id=client.id, seal=seal
        )


def _log(cast: Cast) -> None:
    while log_integrate(practice_id=cast.owner.practice_id):
        pass


def _verify(cast: Cast) -> Report:
    return log_verify(practice_id=cast.owner.practice_id)


def _fresh(cast: Cast, name: str = "Fern Fresh-Client") -> Client:
    return client_create(actor=cast.clinician, name=name, email=None, channel=Channel.CLI)


def test_an_intact_log_reports_its_size_and_no_problem(cast: Cast) -> None:
    _log(cast)
    size = LogLeaf.objects.filter(practice_id=cast.owner.practice_id).count()
    assert _verify(cast) == Report(size, None, 0)


def test_a_changed_stored_leaf_node_early_in_the_log_is_named(cast: Cast) -> None:
    _log(cast)
    drop_append_only_triggers()
    LogNode.objects.filter(practice_id=cast.owner.practice_id, level=0, index=1).update(hash=b"\x00" * 32)
    assert _verify(cast).problem == "stored leaf node 1 differs from the leaf"


def test_a_changed_stored_subtree_hash_is_named_with_its_level(cast: Cast) -> None:
    _log(cast)
    drop_append_only_triggers()
    LogNode.objects.filter(practice_id=cast.owner.practice_id, level=1, index=0).update(hash=b"\x00" * 32)
    assert _verify(cast).problem == "stored subtree hash at level 1, index 0 differs"


def test_a_stored_leaf_node_beyond_the_log_is_noticed(cast: Cast) -> None:
    _log(cast)
    drop_append_only_triggers()
    size = LogLeaf.objects.filter(practice_id=cast.owner.practice_id).count()
    LogNode.objects.create(practice_id=cast.owner.practice_id, level=0, index=size + 5, hash=b"\x01" * 32)
    assert _verify(cast) == Report(size, "the stored subtree hashes do not match the number of leaves", 0)


def test_a_checkpoints_stored_root_changed_alone_is_noticed(cast: Cast) -> None:
    _log(cast)
    drop_append_only_triggers()
    first = Checkpoint.objects.filter(practice_id=cast.owner.practice_id).order_by("size").first()
    assert first is not None
    Checkpoint.objects.filter(pk=first.pk).update(root=b"\x00" * 32)  # the signed note left as it was
    expected = f"the history changed: checkpoint of size {first.size} does not match the recomputed root"
    assert _verify(cast) == Report(first.size, expected)


def test_a_checkpoints_stored_size_changed_alone_is_noticed(cast: Cast) -> None:
    _read(cast, cast.client)
    _log(cast)  # a second checkpoint, so that one of them can be moved without leaving the log
    drop_append_only_triggers()
    first = Checkpoint.objects.filter(practice_id=cast.owner.practice_id).order_by("size").first()
    assert first is not None
    Checkpoint.objects.filter(pk=first.pk).update(size=first.size - 1)
    expected = f"the history changed: checkpoint of size {first.size - 1} does not match the recomputed root"
    assert _verify(cast) == Report(first.size - 1, expected)


def test_a_salt_cleared_from_an_early_entry_without_a_shred_is_named(cast: Cast) -> None:
    client = _fresh(cast)
    first = _read(cast, client)
    for _ in range(3):
        _read(cast, client)
    _log(cast)
    # Clearing a salt is the one update the triggers allow: no need to drop them.
    AuditEvent.objects.filter(pk=first.pk).update(salt=None)
    assert _verify(cast).problem == f"event {first.pk} lost its salt, though its client was not shredded after it"


def test_a_deleted_counter_row_of_a_one_entry_history_is_named(cast: Cast) -> None:
    client = _fresh(cast)
    assert AuditEvent.objects.filter(client_id=client.id).count() == 1  # its creation: number 1
    _log(cast)
    drop_append_only_triggers()
    ClientCounter.objects.filter(client_id=client.id).delete()
    assert _verify(cast).problem == "a client's sequence counter was set back"


def test_a_deleted_seal_counter_of_a_one_entry_seal_is_named(cast: Cast) -> None:
    client = _fresh(cast)
    _read(cast, client, seal=SEAL)
    _log(cast)
    drop_append_only_triggers()
    SealCounter.objects.filter(client_id=client.id, seal=SEAL).delete()
    assert _verify(cast).problem == "a sealed entry is missing or its counter moved: a seal holds 1 entries of 0"


def test_another_practices_sealed_entries_raise_no_alarm_here(cast: Cast) -> None:
    with transaction.atomic():
        event_record(
            actor=cast.outsider,
            action=AuditAction.NOTE_READ,
            channel=Channel.WEB,
            client_id=cast.outsider_client.id,
            seal=SEAL,
        )
    _log(cast)
    assert _verify(cast).problem is None


def test_a_shredded_clients_entries_waiting_for_the_log_are_no_alarm(cast: Cast) -> None:
    client = _fresh(cast)
    _log(cast)
    for _ in range(2):
        _read(cast, client)  # recorded, not yet logged
    client_shred(client_id=client.id, reason="the client asked to be forgotten")
    report = _verify(cast)
    assert report.problem is None and report.pending >= 3, report


def test_an_anchor_file_that_does_not_open_is_reported_before_anything_is_read(cast: Cast) -> None:
    _log(cast)
    folder = Path(settings.CONFIDE_LOG_ANCHOR_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{cast.owner.practice_id}.checkpoint").write_text("not a signed note\n")
    report = _verify(cast)
    assert report.size == 0 and report.pending == 0
    assert report.problem is not None and report.problem.startswith("the kept anchor checkpoint: "), report


def test_a_newest_checkpoints_stored_heads_root_changed_is_named(cast: Cast) -> None:
    _log(cast)
    drop_append_only_triggers()
    newest = Checkpoint.objects.filter(practice_id=cast.owner.practice_id).order_by("-size").first()
    assert newest is not None
    Checkpoint.objects.filter(pk=newest.pk).update(heads_root=b"\x00" * 32)
    assert _verify(cast).problem == "the newest checkpoint's client heads differ from the log's"


def test_a_tail_cut_behind_a_checkpoint_is_named_without_an_anchor(cast: Cast) -> None:
    """No anchor kept (its file is written once the signing transaction commits, which a test's never
    does): the checkpoints in the database alone say the log was longer."""
    _log(cast)
    drop_append_only_triggers()
    size = LogLeaf.objects.filter(practice_id=cast.owner.practice_id).count()
    LogLeaf.objects.filter(practice_id=cast.owner.practice_id, index=size - 1).delete()
    expected = f"the log was truncated: a checkpoint covers {size} entries but only {size - 1} remain"
    assert _verify(cast) == Report(size - 1, expected, 1)  # its event is no longer logged


def test_a_problem_found_in_a_full_chunk_is_reported_at_its_leaf(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    """Leaves are checked a chunk at a time (5,000 in production); a chunk of 4 makes the cast's log span
    several, so the full-chunk path reports as the last, partial chunk does."""
    monkeypatch.setattr("confide.audit.verify.CHUNK", 4)
    _log(cast)
    assert _verify(cast).problem is None
    leaf = LogLeaf.objects.get(practice_id=cast.owner.practice_id, index=1)
    drop_append_only_triggers()
    AuditEvent.objects.filter(pk=leaf.event_id).update(actor_role="staff")
    assert _verify(cast) == Report(1, f"event {leaf.event_id} was changed after it was recorded")
