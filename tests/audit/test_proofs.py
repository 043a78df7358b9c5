"""confide.audit.proofs: every field of a proof bundle, checked as the client's browser checks it
(tests/audit/bundles.py), without Chromium."""

from __future__ import annotations

import json
import uuid
from typing import Any
from unittest import mock

import pytest
from django.db import transaction
from pytest_django import DjangoCaptureOnCommitCallbacks

from confide.audit import note
from confide.audit.actions import AuditAction, Channel
from confide.audit.anchor import anchor_read
from confide.audit.generate import events_generate
from confide.audit.heads import Head
from confide.audit.integrate import LogIntegrityError, log_integrate
from confide.audit.log import verifier_key
from confide.audit.models import AuditEvent, Checkpoint, LogLeaf
from confide.audit.proofs import _entries, _revealed, proof_bundle
from confide.audit.seals import seal_lift
from confide.audit.services import event_record
from confide.clients.models import Client
from confide.practices.models import Practice
from tests.audit.bundles import bundle_check
from tests.cast import Cast

SEAL = "disclosure:00000000-0000-4000-8000-0000000000aa"


def _read(cast: Cast, client: Client | None = None, *, seal: str = "") -> AuditEvent:
    client = client or cast.client
    actor = cast.clinician if client == cast.client else cast.colleague
    with transaction.atomic():
        return event_record(
            actor=actor, action=AuditAction.NOTE_READ, channel=Channel.WEB, client_id=client.id, seal=seal
        )


def _lift(cast: Cast) -> AuditEvent:
    with transaction.atomic():
        lift = seal_lift(
            actor=cast.clinician,
            practice_id=cast.client.practice_id,
            client_id=cast.client.id,
            seal=SEAL,
            channel=Channel.WEB,
        )
    assert lift is not None
    return lift


def _sign(cast: Cast, capture: DjangoCaptureOnCommitCallbacks | None = None) -> Checkpoint:
    """Log and sign what is pending (with ``capture``, the signer also keeps its anchor, as after a commit)."""
    if capture is None:
        while log_integrate(practice_id=cast.owner.practice_id):
            pass
    else:
        with capture(execute=True):
            while log_integrate(practice_id=cast.owner.practice_id):
                pass
    return Checkpoint.objects.filter(practice_id=cast.owner.practice_id).order_by("-size").first()  # type: ignore[return-value]


def _bundle(cast: Cast, **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("since", None)
    return proof_bundle(practice=cast.owner.practice, client_id=cast.client.id, **kwargs)


def _seqs(bundle: dict[str, Any]) -> list[int]:
    return [int(entry["seq"]) for entry in bundle["entries"]]


def _newest(cast: Cast) -> int:
    seqs = AuditEvent.objects.filter(client_id=cast.client.id, client_seq__isnull=False)
    return max(seq for seq in seqs.values_list("client_seq", flat=True) if seq is not None)


# ---------------------------------------------------------------- which entries a bundle answers for


def test_a_range_answers_for_exactly_its_numbers_with_the_head_beside_them(cast: Cast) -> None:
    for _ in range(4):
        _read(cast)
    newest = _newest(cast)
    bundle = _bundle(cast, first=2, last=4)
    assert _seqs(bundle) == [2, 3, 4]
    assert bundle_check(cast.owner.practice, bundle)
    assert bundle["head"]["seq"] == newest and bundle["client"] == str(cast.client.id)
    assert _seqs(_bundle(cast, first=newest - 1)) == [newest - 1, newest]  # no last: up to the signed head
    assert _seqs(_bundle(cast, first=newest, last=newest)) == [newest]
    assert _seqs(_bundle(cast, first=newest - 1, last=newest + 5)) == [newest - 1, newest]


@pytest.mark.parametrize(("first", "last"), [(None, None), (5, 4), ("past", None)])
def test_a_range_that_holds_nothing_answers_for_nothing(cast: Cast, first: object, last: int | None) -> None:
    _read(cast)
    start = _newest(cast) + 1 if first == "past" else first
    bundle = _bundle(cast, first=start, last=last)
    assert bundle["entries"] == [] and bundle["head"]["seq"] == _newest(cast)
    assert bundle_check(cast.owner.practice, bundle) == []


def test_a_range_is_cut_at_the_most_one_bundle_answers_for(cast: Cast) -> None:
    for _ in range(5):
        _read(cast)
    with mock.patch("confide.audit.proofs.MAX_SPAN", 3):
        assert _seqs(_bundle(cast, first=2)) == [2, 3, 4]
        assert _seqs(_bundle(cast, first=2, last=3)) == [2, 3]
        assert _seqs(_bundle(cast, seqs=[6, 1, 4, 2, 2, 5])) == [1, 2, 4]  # the lowest, each once


def test_named_numbers_answer_for_those_entries_of_this_client_only(cast: Cast) -> None:
    for _ in range(3):
        _read(cast)
        _read(cast, cast.other_client)
    bundle = _bundle(cast, seqs=[3, 1, 3])
    assert _seqs(bundle) == [1, 3]
    assert {f["client"] for f in bundle_check(cast.owner.practice, bundle)} == {str(cast.client.id)}
    assert _seqs(_bundle(cast, seqs=[_newest(cast) + 1])) == []


def test_entries_come_in_log_order_each_with_its_own_proof(cast: Cast) -> None:
    for _ in range(3):
        _read(cast)
    bundle = _bundle(cast, first=1)
    indexes = [entry["index"] for entry in bundle["entries"]]
    assert indexes == sorted(indexes) and len(set(indexes)) == len(indexes)
    assert len({json.dumps(entry["proof"]) for entry in bundle["entries"]}) == len(indexes)
    assert bundle_check(cast.owner.practice, bundle)


# ---------------------------------------------------------------- the last visit and the anchor


def test_the_checkpoint_the_browser_saw_is_served_as_stored(cast: Cast) -> None:
    _read(cast)
    seen = _sign(cast)
    _read(cast)
    bundle = _bundle(cast, since=seen.size, first=1)
    assert bundle["seen"] == seen.note
    assert bundle_check(cast.owner.practice, bundle, since=seen.size)
    assert _bundle(cast, first=1)["seen"] is None  # no last visit
    never = seen.size + 10_000
    assert _bundle(cast, since=never, first=1)["seen"] is None  # a checkpoint the log never had


def test_a_bundle_without_a_kept_anchor_says_so(cast: Cast) -> None:
    _read(cast)
    bundle = _bundle(cast, first=1)
    assert anchor_read(cast.owner.practice_id) is None and bundle["anchor"] is None


def test_the_kept_anchor_is_served_with_how_the_log_extends_it(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    _read(cast)
    kept = _sign(cast, django_capture_on_commit_callbacks)
    _read(cast)
    bundle = _bundle(cast, first=1)  # signs a larger checkpoint without keeping it (no commit here)
    assert bundle["anchor"]["checkpoint"] == kept.note == anchor_read(cast.owner.practice_id)
    assert bundle["size"] > kept.size and bundle["anchor"]["proof"]
    assert bundle_check(cast.owner.practice, bundle)


def test_an_anchor_as_large_as_the_served_checkpoint_needs_no_proof(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    _read(cast)
    kept = _sign(cast, django_capture_on_commit_callbacks)
    bundle = _bundle(cast, first=1)
    assert (bundle["size"], bundle["anchor"]) == (kept.size, {"checkpoint": kept.note, "proof": []})
    assert bundle_check(cast.owner.practice, bundle)


# ---------------------------------------------------------------- entries a lifted seal held


def _lifted_entry(bundle: dict[str, Any], lift: AuditEvent) -> dict[str, Any]:
    [entry] = [e for e in bundle["entries"] if e["seq"] == lift.client_seq]
    return dict(entry)


def test_revealed_entries_carry_the_first_checkpoint_that_held_them_and_its_extension(cast: Cast) -> None:
    held = [_read(cast, seal=SEAL), _read(cast, seal=SEAL)]
    first = _sign(cast)
    _read(cast)
    _sign(cast)
    lift = _lift(cast)
    bundle = _bundle(cast, first=1)
    entry = _lifted_entry(bundle, lift)
    revealed = entry["revealed"]
    assert [json.loads(e["canonical"])["sealed_seq"] for e in revealed] == [1, 2]
    assert [json.loads(e["canonical"])["action"] for e in revealed] == [str(e.action) for e in held]
    assert {e["since"]["checkpoint"] for e in revealed} == {first.note}  # the first, not a later one
    assert all(e["since"]["consistency"] for e in revealed) and bundle["size"] > first.size
    assert bundle_check(cast.owner.practice, bundle)


def test_entries_first_signed_in_the_served_checkpoint_need_no_consistency_proof(cast: Cast) -> None:
    _read(cast, seal=SEAL)
    lift = _lift(cast)
    bundle = _bundle(cast, first=1)
    [revealed] = _lifted_entry(bundle, lift)["revealed"]
    assert revealed["since"]["consistency"] == [] and revealed["since"]["checkpoint"] == bundle["checkpoint"]
    assert bundle_check(cast.owner.practice, bundle)


def test_a_second_lifting_event_of_the_same_seal_reveals_nothing(cast: Cast) -> None:
    _read(cast, seal=SEAL)
    lift = _lift(cast)
    with transaction.atomic():
        again = event_record(
            actor=cast.clinician,
            action=AuditAction.SEAL_LIFT,
            channel=Channel.WEB,
            client_id=cast.client.id,
            object_type="sealed-entries",
            object_id=SEAL,
            purpose="1",
        )
    bundle = _bundle(cast, first=1)
    assert len(_lifted_entry(bundle, lift)["revealed"]) == 1
    assert _lifted_entry(bundle, again)["revealed"] == []
    only_ordinary = _bundle(cast, seqs=[lift.client_seq - 1])  # type: ignore[operator]
    assert all("revealed" not in e for e in only_ordinary["entries"])


def test_a_page_without_a_lifting_entry_reveals_nothing(cast: Cast) -> None:
    _read(cast, seal=SEAL)
    _read(cast)
    lift = _lift(cast)
    bundle = _bundle(cast, first=1, last=lift.client_seq - 1)  # type: ignore[operator]
    assert bundle["entries"] and all("revealed" not in e for e in bundle["entries"])


# ---------------------------------------------------------------- never another practice's, never past the served size


def _other_log(size: int) -> Practice:
    """Another practice whose log holds ``size`` entries, signed at once in one checkpoint of that size."""
    other = Practice.objects.create(name="Quiet Rooms", slug=f"quiet-rooms-{size}")
    events_generate(practice=other, count=size)
    assert list(Checkpoint.objects.filter(practice=other).values_list("size", flat=True)) == [size]
    return other


def test_the_checkpoint_the_browser_saw_is_this_practices_even_when_another_has_one_that_size(cast: Cast) -> None:
    now = _sign(cast).size
    _other_log(now + 2)  # signed first, at the size this practice reaches next
    _read(cast)
    _read(cast)
    seen = _sign(cast)
    assert seen.size == now + 2
    bundle = _bundle(cast, since=seen.size, first=1)
    assert bundle["seen"] == seen.note
    assert bundle_check(cast.owner.practice, bundle, since=seen.size)


def test_a_revealed_entrys_first_checkpoint_is_this_practices_own(cast: Cast) -> None:
    at = _sign(cast).size
    _read(cast, seal=SEAL)  # leaf ``at``, first signed in a checkpoint of at + 3
    _read(cast)
    _read(cast)
    first = _sign(cast)
    assert first.size == at + 3
    _other_log(at + 1)  # another practice's checkpoint between the entry and this practice's first
    lift = _lift(cast)
    bundle = _bundle(cast, first=1)
    [revealed] = _lifted_entry(bundle, lift)["revealed"]
    assert revealed["since"]["checkpoint"] == first.note
    assert bundle_check(cast.owner.practice, bundle)


def test_an_anchor_of_one_entry_is_extended_by_a_proof(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # the signer keeps its anchor once it commits
        other = _other_log(1)
    events_generate(practice=other, count=2)
    bundle = proof_bundle(practice=other, client_id=uuid.uuid4(), since=None, first=1)
    anchor = bundle["anchor"]
    assert bundle["size"] == 3 and isinstance(anchor, dict) and anchor["proof"]  # from 1 to 3: not nothing
    assert bundle_check(other, bundle) == []  # (no entries: a client with no history there)


def test_entries_and_revealed_entries_past_the_served_size_are_left_out(cast: Cast) -> None:
    early = _read(cast, seal=SEAL)
    small = _sign(cast).size
    _read(cast)
    late = _read(cast, seal=SEAL)
    _sign(cast)
    index = dict(LogLeaf.objects.filter(event_id__in=[early.id, late.id]).values_list("event_id", "index"))
    assert index[early.id] < small <= index[late.id]
    revealed = _revealed(cast.owner.practice_id, [late, early], small)  # the later one first: skipped, not an end
    assert [entry["index"] for entry in revealed] == [index[early.id]]
    visible = _entries(cast.owner.practice_id, cast.client.id, small, range(1, _newest(cast) + 1))
    assert visible and all(int(str(entry["index"])) < small for entry in visible)
    assert len(visible) < _newest(cast)  # the newest visible entry is past ``small``


# ---------------------------------------------------------------- refusals


def test_a_log_the_signer_refuses_to_sign_gives_its_reason_and_nothing_else(cast: Cast) -> None:
    _read(cast)
    reason = "the database no longer extends the kept anchor"
    with mock.patch("confide.audit.proofs.log_integrate", side_effect=LogIntegrityError(reason)):
        assert _bundle(cast, first=1) == {"problem": reason}


def test_stored_heads_that_differ_from_the_signed_ones_are_refused(cast: Cast) -> None:
    _read(cast)
    _sign(cast)

    def forged(practice_id: uuid.UUID) -> dict[uuid.UUID, Head]:
        return {cast.client.id: Head(cast.client.id, 1, 0)}

    with mock.patch("confide.audit.proofs.heads_stored", side_effect=forged) as heads:
        assert _bundle(cast, first=1) == {"problem": "the stored client heads differ from the signed ones"}
    assert heads.call_count == 3  # read again twice, in case another request signed in between


def test_the_served_checkpoint_is_signed_by_the_practice(cast: Cast) -> None:
    _read(cast)
    bundle = _bundle(cast, first=1)
    signed = note.open_note(bundle["checkpoint"], verifier=verifier_key(cast.owner.practice))
    assert signed.size == bundle["size"] and bundle["verifier_key"] == verifier_key(cast.owner.practice)
