"""The transparency log end to end: integration, checkpoints, proofs, verification, tampering."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client as HttpClient

from confide.audit import merkle, note
from confide.audit.integrate import log_integrate
from confide.audit.log import checkpoint_latest, consistency_proof, inclusion_proof, verifier_key
from confide.audit.models import AuditEvent, LogLeaf, LogNode
from confide.audit.verify import log_verify
from tests.attacker import drop_append_only_triggers
from tests.cast import Cast


def _integrated(cast: Cast) -> int:
    http = HttpClient()
    http.force_login(cast.clinician.user)
    for _ in range(3):
        http.get(f"/clients/{cast.client.id}/")
    while log_integrate(practice_id=cast.owner.practice_id):
        pass
    return LogLeaf.objects.filter(practice_id=cast.owner.practice_id).count()


def test_every_event_becomes_a_leaf_under_a_signed_checkpoint(cast: Cast) -> None:
    size = _integrated(cast)
    events = AuditEvent.objects.filter(practice_id=cast.owner.practice_id).order_by("id")
    assert size == events.count()
    expected_root = merkle.root([merkle.leaf_hash(bytes(e.commitment)) for e in events])
    checkpoint = checkpoint_latest(practice_id=cast.owner.practice_id)
    assert checkpoint is not None
    signed = note.open_note(checkpoint.note, verifier=verifier_key(cast.owner.practice))
    assert (signed.size, signed.root) == (size, expected_root)
    assert signed.origin.endswith("/harbor-therapy/audit")


def test_inclusion_and_consistency_proofs_verify(cast: Cast) -> None:
    size = _integrated(cast)
    practice = cast.owner.practice_id
    root = checkpoint_latest(practice_id=practice).root  # type: ignore[union-attr]
    for leaf in LogLeaf.objects.filter(practice_id=practice):
        proof = inclusion_proof(practice, leaf.index, size)
        assert merkle.verify_inclusion(leaf.index, size, bytes(leaf.leaf_hash), proof, bytes(root))
    for old in range(1, size):
        old_root = merkle.root(
            [
                bytes(x)
                for x in LogLeaf.objects.filter(practice_id=practice, index__lt=old)
                .order_by("index")
                .values_list("leaf_hash", flat=True)
            ]
        )
        assert merkle.verify_consistency(old, size, old_root, bytes(root), consistency_proof(practice, old, size))


def test_each_clients_events_are_numbered_without_gaps(cast: Cast) -> None:
    _integrated(cast)
    seqs = list(AuditEvent.objects.filter(client_id=cast.client.id).order_by("id").values_list("client_seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))


def test_an_intact_log_verifies(cast: Cast) -> None:
    _integrated(cast)
    out = StringIO()
    call_command("audit", "--practice", "harbor-therapy", "verify", stdout=out)
    assert "intact" in out.getvalue()


def _tamper(sql: str, params: list[int | bytes]) -> None:
    drop_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


TAMPERING = {
    "edit an event": ("UPDATE audit_auditevent SET action = 'portal:self:read' WHERE id = %s", "event"),
    "delete an event": ("DELETE FROM audit_auditevent WHERE id = %s", "event"),
    "edit a leaf": ('UPDATE audit_logleaf SET leaf_hash = %s WHERE "index" = %s', "leaf"),
    "delete a leaf": ('DELETE FROM audit_logleaf WHERE "index" = %s', "leaf-only"),
    "reorder two leaves": ('UPDATE audit_logleaf SET leaf_hash = %s WHERE "index" = %s', "swap"),
    "truncate the log": ('DELETE FROM audit_logleaf WHERE "index" >= %s', "truncate"),
    "insert an event": ("INSERT", "insert"),
}


@pytest.mark.parametrize("how", sorted(TAMPERING))
def test_any_tampering_fails_verification(cast: Cast, how: str) -> None:
    _integrated(cast)
    practice = cast.owner.practice_id
    leaf = LogLeaf.objects.filter(practice_id=practice).order_by("index")[2]
    sql, kind = TAMPERING[how]
    if kind == "event":
        _tamper(sql, [leaf.event_id])
    elif kind == "leaf":
        _tamper(sql, [b"\x00" * 32, leaf.index])
    elif kind == "leaf-only":
        _tamper(sql, [leaf.index])
    elif kind == "swap":
        other = LogLeaf.objects.get(practice_id=practice, index=leaf.index + 1)
        _tamper(sql, [bytes(other.leaf_hash), leaf.index])
        _tamper(sql, [bytes(leaf.leaf_hash), other.index])
    elif kind == "truncate":
        _tamper(sql, [leaf.index])
    else:  # a forged event slipped in among the logged ones, with a fresh sequence number
        _tamper(
            "INSERT INTO audit_auditevent (practice_id, actor_id, actor_role, action, channel, client_id, client_seq, "
            "object_type, object_id, purpose, outcome, created_at, salt, commitment, tag) SELECT practice_id, "
            "actor_id, "
            "actor_role, action, channel, client_id, %s, object_type, object_id, purpose, outcome, created_at, salt, "
            "commitment, tag FROM audit_auditevent WHERE id = %s",
            [999, leaf.event_id],
        )
    report = log_verify(practice_id=practice)
    assert report.problem, how
    errors = StringIO()
    with pytest.raises(SystemExit, match="^1$"):
        call_command("audit", "--practice", "harbor-therapy", "verify", stdout=StringIO(), stderr=errors)
    assert "PROBLEM" in errors.getvalue(), how


def test_nodes_are_stored_for_every_complete_subtree(cast: Cast) -> None:
    size = _integrated(cast)
    assert LogNode.objects.filter(practice_id=cast.owner.practice_id, level=0).count() == size


def test_the_cli_prints_the_checkpoint_and_its_verifier_key(cast: Cast) -> None:
    _integrated(cast)
    text, key = StringIO(), StringIO()
    call_command("audit", "--practice", "harbor-therapy", "checkpoint", stdout=text)
    call_command("audit", "--practice", "harbor-therapy", "checkpoint", "--verifier-key", stdout=key)
    assert note.open_note(text.getvalue(), verifier=key.getvalue().strip()).size > 0


def test_the_cli_prints_a_proof(cast: Cast) -> None:
    size = _integrated(cast)
    out = StringIO()
    call_command("audit", "--practice", "harbor-therapy", "prove", "--index", "0", stdout=out)
    assert len(out.getvalue().split()) == len(merkle.inclusion_proof([b"\x00" * 32] * size, 0))


def test_shredding_removes_salts_and_the_log_still_verifies(cast: Cast) -> None:
    from django.core.management import call_command as run

    _integrated(cast)
    run("keys", "shred", str(cast.client.id), confirm=str(cast.client.id), reason="erasure", stdout=StringIO())
    still_salted = AuditEvent.objects.filter(client_id=cast.client.id).exclude(salt=None)
    assert [e.action for e in still_salted] == ["vault:client:shred"]  # only the record of the shred itself
    log_integrate(practice_id=cast.owner.practice_id)
    assert log_verify(practice_id=cast.owner.practice_id).problem is None
