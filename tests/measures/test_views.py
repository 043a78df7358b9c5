"""The clinician's measures page: plans, assignment and paper-form entry, with field errors that keep input."""

from __future__ import annotations

from confide.measures.models import Administration, Assignment, Plan
from tests.cast import Cast, signed_in


def test_the_clinician_saves_a_plan(cast: Cast) -> None:
    url = f"/clients/{cast.client.id}/measures/"
    assert (
        signed_in(cast.clinician).post(url, {"plan-instrument": "gad7", "plan-every_sessions": "3"}).status_code == 302
    )
    assert Plan.objects.get().every_sessions == 3


def test_paper_form_entry_with_a_bad_value_keeps_the_input(cast: Cast) -> None:
    url = f"/clients/{cast.client.id}/measures/"
    response = signed_in(cast.clinician).post(url, {"entry-instrument": "srs", "entry-answers": "90, 90, 90, 120"})
    assert response.status_code == 422
    assert b"item 4: 120 is outside 0" in response.content and b"90, 90, 90, 120" in response.content
    assert not Administration.objects.exists()


def test_the_supervisor_reads_but_cannot_record(cast: Cast) -> None:
    url = f"/clients/{cast.client.id}/measures/"
    assert signed_in(cast.supervisor).get(url).status_code == 200
    signed_in(cast.supervisor).post(url, {"assign-instrument": "phq9"})
    assert not Assignment.objects.exists()
