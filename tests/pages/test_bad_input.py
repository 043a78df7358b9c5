"""Hostile and invalid form input: field errors on the page, and nothing written."""

from __future__ import annotations

import pytest

from confide.accounts.models import User
from confide.audit.models import AuditEvent
from confide.careteams.models import CareTeamMember
from confide.clients.models import Client
from confide.practices.models import Member
from confide.tokens.models import AccessToken
from tests.cast import Cast, signed_in


@pytest.mark.parametrize(
    ("name", "email", "message"),
    [
        ("", "", "This field is required."),
        ("   ", "", "This field is required."),
        ("x" * 201, "", "Ensure this value has at most 200 characters"),
        ("Ann\u0000Lee", "", "Null characters are not allowed."),
        ("Ann\u202eLee", "", "characters that cannot be stored"),
        ("Ann Lee", "no-at-sign", "Enter a valid e-mail address."),
        ("Ann Lee", "a@b.test\nBcc: c@d.test", "Enter a valid e-mail address."),
    ],
)
def test_add_client_shows_field_errors_and_writes_nothing(cast: Cast, name: str, email: str, message: str) -> None:
    before = (Client.objects.count(), AuditEvent.objects.count())
    response = signed_in(cast.clinician).post("/clients/new/", {"name": name, "email": email})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert (Client.objects.count(), AuditEvent.objects.count()) == before


def test_add_client_keeps_what_was_typed_after_an_error(cast: Cast) -> None:
    response = signed_in(cast.clinician).post("/clients/new/", {"name": "Kept Name", "email": "bad"})
    assert 'value="Kept Name"' in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"full_name": "", "email": "new@harbor.test", "role": "clinician"},
        {"full_name": "New", "email": "not-an-email", "role": "clinician"},
        {"full_name": "New", "email": "new@harbor.test", "role": "client"},
        {"full_name": "New", "email": "new@harbor.test", "role": "root"},
        {"full_name": "New", "email": "chris@harbor.test", "role": "clinician"},
    ],
)
def test_add_member_rejects_bad_input(cast: Cast, data: dict[str, str]) -> None:
    before = (User.objects.count(), Member.objects.count())
    response = signed_in(cast.owner).post("/practice/", data)
    assert response.status_code == 422
    assert (User.objects.count(), Member.objects.count()) == before


@pytest.mark.parametrize("role", ["root", "", "client"])
def test_member_role_rejects_bad_roles(cast: Cast, role: str) -> None:
    signed_in(cast.owner).post(f"/practice/members/{cast.clinician.id}/role/", {"role": role})
    cast.clinician.refresh_from_db()
    assert cast.clinician.role == "clinician" and cast.clinician.is_active


def test_the_last_owner_cannot_step_down(cast: Cast) -> None:
    response = signed_in(cast.owner).post(
        f"/practice/members/{cast.owner.id}/role/", {"role": "clinician"}, follow=True
    )
    cast.owner.refresh_from_db()
    assert cast.owner.role == "owner"
    assert "at least one active owner" in response.content.decode()


def test_care_team_refuses_another_practices_member(cast: Cast) -> None:
    before = CareTeamMember.objects.count()
    response = signed_in(cast.owner).post(
        f"/practice/care-teams/{cast.client.id}/", {"member": str(cast.outsider.id), "team_role": "clinician"}
    )
    assert response.status_code == 404
    assert CareTeamMember.objects.count() == before


def test_care_team_refuses_a_role_the_member_cannot_hold(cast: Cast) -> None:
    response = signed_in(cast.owner).post(
        f"/practice/care-teams/{cast.other_client.id}/", {"member": str(cast.supervisor.id), "team_role": "primary"}
    )
    assert response.status_code == 422
    assert not CareTeamMember.objects.filter(client=cast.other_client, member=cast.supervisor).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "scopes": ["clients:client:read"], "days": "30"},
        {"name": "x", "scopes": [], "days": "30"},
        {"name": "x", "scopes": ["practice:member:manage"], "days": "30"},
        {"name": "x", "scopes": ["clients:client:read"], "days": "0"},
        {"name": "x", "scopes": ["clients:client:read"], "days": "9999"},
        {"name": "x", "scopes": ["clients:client:read"], "days": "soon"},
    ],
)
def test_token_form_rejects_bad_input(cast: Cast, data: dict[str, object]) -> None:
    response = signed_in(cast.clinician).post("/account/tokens/", data)
    assert response.status_code == 422
    assert not AccessToken.objects.filter(member=cast.clinician).exists()


@pytest.mark.parametrize(("search", "status"), [("x" * 5000, 422), ("\u0000", 422), ("' OR 1=1 --", 200)])
def test_client_search_survives_hostile_queries(cast: Cast, search: str, status: int) -> None:
    response = signed_in(cast.clinician).post("/clients/", {"q": search})
    assert response.status_code == status
    assert "Jordan" not in response.content.decode()


def test_client_search_finds_by_part_of_the_name(cast: Cast) -> None:
    response = signed_in(cast.clinician).post("/clients/", {"q": "canary"})
    assert "Jordan Canary-Client" in response.content.decode()
