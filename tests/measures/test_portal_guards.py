"""A client reaches only their own open questionnaires in the portal, however the assignment id is guessed."""

from __future__ import annotations

from confide.audit.actions import Channel
from confide.measures.models import Administration, Assignment
from confide.measures.services import assignment_create
from tests.cast import Cast, signed_in

PHQ9_WITH_RISK = {f"q{n}": "0" for n in range(1, 9)} | {"q9": "2"}


def test_a_client_fills_their_own_questionnaire(cast: Cast) -> None:
    own = assignment_create(actor=cast.clinician, client=cast.client, instrument="phq9", channel=Channel.CLI)
    http = signed_in(cast.client_member)
    url = f"/portal/questionnaires/{own.id}/"
    assert http.get(url).status_code == 200
    assert http.post(url, PHQ9_WITH_RISK).status_code == 200
    own.refresh_from_db()
    assert own.completed_at is not None
    assert Administration.objects.filter(client=cast.client, assignment=own).count() == 1


def test_a_client_cannot_open_or_submit_another_clients_questionnaire(cast: Cast) -> None:
    theirs = assignment_create(actor=cast.colleague, client=cast.other_client, instrument="phq9", channel=Channel.CLI)
    http = signed_in(cast.client_member)
    url = f"/portal/questionnaires/{theirs.id}/"
    assert http.get(url).status_code == 404
    assert http.post(url, PHQ9_WITH_RISK).status_code == 404
    theirs.refresh_from_db()
    assert theirs.completed_at is None  # Aisha's PHQ-9 is still waiting for her own answers
    assert Assignment.objects.filter(client=cast.other_client, completed_at=None).count() == 1
    assert not Administration.objects.exists()
