"""The consent pages: forms keep input and show field errors; owners publish; clinicians see who is due."""

from __future__ import annotations

from confide.consent.due import DueReason
from confide.consent.models import AgreementVersion, Directive
from confide.consent.selectors import client_due_reasons
from confide.practices.models import Practice
from tests.cast import Cast, signed_in
from tests.consent.helpers import sign


def test_a_bad_directive_shows_field_errors_and_saves_nothing(cast: Cast) -> None:
    response = signed_in(cast.client_member).post(
        "/portal/sharing/", {"recipient_kind": "gp", "recipient_name": "Dr Canary"}
    )
    assert response.status_code == 422
    assert b"This field is required" in response.content and b"Dr Canary" in response.content
    assert not Directive.objects.exists()


def test_a_client_grants_and_withdraws_a_permission(cast: Cast) -> None:
    http = signed_in(cast.client_member)
    data = {"recipient_kind": "gp", "recipient_name": "Dr Canary", "categories": ["attendance"], "purpose": "TREAT"}
    assert http.post("/portal/sharing/", data).status_code == 302
    directive = Directive.objects.get()
    assert http.post(f"/portal/sharing/{directive.id}/withdraw/").status_code == 302
    directive.refresh_from_db()
    assert directive.status == Directive.Status.REVOKED and directive.revoked_at is not None


def test_the_sharing_page_explains_what_cannot_be_blocked(cast: Cast) -> None:
    response = signed_in(cast.client_member).get("/portal/sharing/")
    assert b"What your choices cannot stop" in response.content
    assert b"Cal. Civ. Code" in response.content


def test_publishing_new_wording_makes_signed_clients_due(cast: Cast) -> None:
    sign(cast)
    response = signed_in(cast.owner).post(
        "/practice/agreements/", {"form": "wording", "kind": "confidentiality", "wording": "## Fees\n\nNew fees."}
    )
    assert response.status_code == 302
    assert AgreementVersion.objects.filter(practice=cast.owner.practice, kind="confidentiality").count() == 2
    assert client_due_reasons(client=cast.client) == [DueReason.NEW_VERSION]


def test_empty_wording_is_refused_with_a_field_error(cast: Cast) -> None:
    response = signed_in(cast.owner).post(
        "/practice/agreements/", {"form": "wording", "kind": "confidentiality", "wording": " "}
    )
    assert response.status_code == 422
    assert AgreementVersion.objects.filter(practice=cast.owner.practice, kind="confidentiality").count() == 1


def test_the_owner_sets_jurisdictions_and_the_interval(cast: Cast) -> None:
    data = {"form": "law", "jurisdictions": ["us-ny"], "reaffirm_months": "6"}
    assert signed_in(cast.owner).post("/practice/agreements/", data).status_code == 302
    practice = Practice.objects.get(pk=cast.owner.practice_id)
    assert (practice.jurisdictions, practice.reaffirm_months) == (["us-ny"], 6)


def test_an_unknown_jurisdiction_is_refused(cast: Cast) -> None:
    data = {"form": "law", "jurisdictions": ["us-zz"], "reaffirm_months": "12"}
    assert signed_in(cast.owner).post("/practice/agreements/", data).status_code == 422
    assert Practice.objects.get(pk=cast.owner.practice_id).jurisdictions == ["us-ca"]


def test_the_owner_page_shows_the_deciding_rules(cast: Cast) -> None:
    response = signed_in(cast.owner).get("/practice/agreements/")
    assert b"decided by ca.civ43_92.duty_to_protect" in response.content


def test_the_clinician_dashboard_lists_clients_due(cast: Cast) -> None:
    response = signed_in(cast.clinician).get("/dashboard/")
    assert b"Agreements to re-affirm" in response.content and b"never signed" in response.content
    assert "<title>Dashboard · Confide</title>" in response.content.decode()  # the list is in the page, not the title
    sign(cast)
    assert b"Agreements to re-affirm" not in signed_in(cast.clinician).get("/dashboard/").content


def test_the_owner_publishes_teletherapy_wording(cast: Cast) -> None:
    data = {"form": "telehealth", "tele-kind": "telehealth", "tele-wording": "## Video\n\nWe use a private link."}
    assert signed_in(cast.owner).post("/practice/agreements/", data).status_code == 302
    assert AgreementVersion.objects.filter(practice=cast.owner.practice, kind="telehealth").count() == 2
