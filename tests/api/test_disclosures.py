"""The accounting over the API: FHIR R5 AuditEvents for the care team; no way to change an entry."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from fhir.resources.auditevent import AuditEvent

from confide.audit.actions import Channel
from confide.disclosures.models import AccountingEntry
from confide.practices.models import Member
from confide.tokens.services import token_create
from tests.cast import Cast
from tests.disclosures.helpers import released


def _api(cast: Cast, member: Member) -> HttpClient:
    _, secret = token_create(
        actor=member,
        name="t",
        scopes=["clients:client:read"],
        days=None,
        channel=Channel.CLI,
    )
    return HttpClient(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_the_care_team_reads_the_accounting_as_audit_events(cast: Cast) -> None:
    released(cast)
    response = _api(cast, cast.clinician).get(f"/api/v1/clients/{cast.client.id}/disclosures")
    assert response.status_code == 200
    [resource] = response.json()
    assert AuditEvent.model_validate(resource).patient.reference == f"Patient/{cast.client.id}"  # type: ignore[union-attr]


def test_a_colleague_off_the_team_gets_404(cast: Cast) -> None:
    released(cast)
    response = _api(cast, cast.colleague).get(f"/api/v1/clients/{cast.client.id}/disclosures")
    assert response.status_code == 404


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_entries_cannot_be_changed_or_deleted_over_the_api(cast: Cast, method: str) -> None:
    released(cast)
    api = _api(cast, cast.clinician)
    response = getattr(api, method)(
        f"/api/v1/clients/{cast.client.id}/disclosures", "{}", content_type="application/json"
    )
    assert response.status_code == 405
    assert AccountingEntry.objects.count() == 1
