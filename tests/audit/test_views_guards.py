"""Per-member and per-practice guards of the audit trail: "my activity" shows one's own events only, and each
practice signs its log checkpoints with a key of its own."""

from __future__ import annotations

import base64

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from confide.audit import note
from confide.audit.log import checkpoint_latest, origin, signing_key, verifier_key
from confide.audit.models import AuditEvent
from confide.practices.models import Member
from tests.cast import Cast, signed_in


@pytest.mark.parametrize("who", ["staff", "colleague"])
def test_my_activity_shows_only_the_members_own_events(cast: Cast, who: str) -> None:
    member: Member = getattr(cast, who)
    chris = signed_in(cast.clinician)
    for _ in range(2):
        assert chris.get(f"/clients/{cast.client.id}/").status_code == 200
    chris_reads = AuditEvent.objects.filter(actor=cast.clinician, client_id=cast.client.id)
    assert chris_reads.exists()

    response = signed_in(member).get("/account/activity/")
    assert response.status_code == 200
    shown = list(response.context["page"].object_list)
    assert {e.actor_id for e in shown} <= {member.id}
    assert not {e.id for e in shown} & set(chris_reads.values_list("id", flat=True))
    assert cast.clinician.user.address not in response.content.decode()


def test_my_activity_lists_the_members_own_events(cast: Cast) -> None:
    http = signed_in(cast.clinician)
    assert http.get(f"/clients/{cast.client.id}/").status_code == 200
    response = http.get("/account/activity/")
    assert response.status_code == 200
    shown = list(response.context["page"].object_list)
    own = AuditEvent.objects.filter(practice_id=cast.clinician.practice_id, actor=cast.clinician).count()
    assert len(shown) == min(own, 100)
    assert {e.actor_id for e in shown} == {cast.clinician.id}


def _raw_public(verifier: str) -> bytes:
    return note.parse_verifier_key(verifier)[2].public_bytes(Encoding.Raw, PublicFormat.Raw)


def test_each_practice_signs_its_log_with_a_key_of_its_own(cast: Cast) -> None:
    harbor, elsewhere = cast.owner.practice, cast.outsider.practice
    assert _raw_public(verifier_key(harbor)) != _raw_public(verifier_key(elsewhere))


def test_a_checkpoint_of_one_practice_does_not_verify_under_the_others_key(cast: Cast) -> None:
    harbor, elsewhere = cast.owner.practice, cast.outsider.practice
    checkpoint = checkpoint_latest(practice_id=harbor.id)
    assert checkpoint is not None
    assert note.open_note(checkpoint.note, verifier=verifier_key(harbor)).size == checkpoint.size
    # Elsewhere's public key, presented under Harbor's key name: only the key itself can tell them apart.
    impostor = note.verifier_key(origin(harbor), signing_key(elsewhere.id).public_key())
    with pytest.raises(ValueError, match="signature"):
        note.open_note(checkpoint.note, verifier=impostor)
    blob = base64.b64decode(checkpoint.note.rstrip("\n").rsplit(" ", 1)[1])
    body = checkpoint.note.partition("\n\n")[0] + "\n"
    with pytest.raises(InvalidSignature):
        signing_key(elsewhere.id).public_key().verify(blob[4:], body.encode())
