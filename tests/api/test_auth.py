"""Bearer-token authentication and the per-endpoint scope check, over HTTP."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from confide.audit.actions import Channel
from confide.clients.models import Client
from confide.practices.models import Member
from confide.practices.permissions import Permission, Role
from confide.practices.services import member_set_role
from confide.tokens.models import AccessToken
from confide.tokens.services import token_create, token_revoke
from tests.cast import Cast

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

READ = Permission.CLIENTS_CLIENT_READ.value
CREATE = Permission.CLIENTS_CLIENT_CREATE.value


def _issue(member: Member, scopes: list[str]) -> tuple[AccessToken, str]:
    return token_create(actor=member, name="integration", scopes=scopes, days=30, channel=Channel.CLI)


def _get(plaintext: str | None, path: str = "/api/v1/clients") -> Response:
    headers = {"Authorization": f"Bearer {plaintext}"} if plaintext is not None else {}
    return HttpClient(headers=headers).get(path)


def _create(plaintext: str) -> Response:
    return HttpClient(headers={"Authorization": f"Bearer {plaintext}"}).post(
        "/api/v1/clients", {"name": "Api Made"}, content_type="application/json"
    )


def _assert_unauthenticated(response: Response) -> None:
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "Jordan" not in response.content.decode()


def test_a_valid_token_reads_the_care_teams_clients(cast: Cast) -> None:
    _, plaintext = _issue(cast.clinician, [READ])
    response = _get(plaintext)
    assert response.status_code == 200
    assert [c["name"] for c in response.json()] == ["Jordan Canary-Client"]


def test_a_request_without_a_token_is_401(cast: Cast) -> None:
    _assert_unauthenticated(_get(None))


def test_a_valid_token_id_with_a_wrong_secret_is_401(cast: Cast) -> None:
    _, plaintext = _issue(cast.clinician, [READ])
    prefix, ident, secret = plaintext.split("_", 2)
    flipped = ("A" if secret[0] != "A" else "B") + secret[1:]
    _assert_unauthenticated(_get(f"{prefix}_{ident}_{flipped}"))


def test_a_token_without_the_cfd_prefix_is_401(cast: Cast) -> None:
    _, plaintext = _issue(cast.clinician, [READ])
    _assert_unauthenticated(_get("tok_" + plaintext.removeprefix("cfd_")))


def test_a_malformed_token_is_401_not_500(cast: Cast) -> None:
    _assert_unauthenticated(_get("cfd_not-a-uuid_secret"))


def test_a_deactivated_users_token_is_401(cast: Cast) -> None:
    _assert_unauthenticated(_get(cast.departed_token))


def test_a_deactivated_members_token_is_401(cast: Cast) -> None:
    _, plaintext = _issue(cast.clinician, [READ])
    member_set_role(actor=cast.owner, member=cast.clinician, role=None, channel=Channel.CLI)
    _assert_unauthenticated(_get(plaintext))


def test_a_revoked_token_is_401(cast: Cast) -> None:
    token, plaintext = _issue(cast.clinician, [READ])
    token_revoke(actor=cast.clinician, token_id=token.id, channel=Channel.CLI)
    _assert_unauthenticated(_get(plaintext))


def test_an_expired_token_is_401(cast: Cast) -> None:
    token, plaintext = _issue(cast.clinician, [READ])
    AccessToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    _assert_unauthenticated(_get(plaintext))


def test_an_api_call_records_when_the_token_was_last_used(cast: Cast) -> None:
    token, plaintext = _issue(cast.clinician, [READ])
    before = timezone.now()
    assert _get(plaintext).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None and before <= token.last_used_at <= timezone.now()


@pytest.mark.parametrize("path", ["/api/v1/clients", "/api/v1/clients/{client}"])
def test_a_token_without_the_read_scope_gets_403(cast: Cast, path: str) -> None:
    _, plaintext = _issue(cast.clinician, [CREATE])
    response = _get(plaintext, path.format(client=cast.client.id))
    assert response.status_code == 403
    assert READ in response.json()["detail"]  # tells the integrator which scope to add
    assert "Jordan" not in response.content.decode()


def test_a_token_without_the_create_scope_gets_403_and_creates_nothing(cast: Cast) -> None:
    _, plaintext = _issue(cast.clinician, [READ])
    before = Client.objects.count()
    response = _create(plaintext)
    assert response.status_code == 403
    assert CREATE in response.json()["detail"]
    assert Client.objects.count() == before


def test_a_token_with_the_scope_creates_a_client(cast: Cast) -> None:
    _, plaintext = _issue(cast.clinician, [CREATE])
    assert _create(plaintext).status_code == 201


def test_a_clinician_lowered_to_staff_loses_the_tokens_scopes(cast: Cast) -> None:
    _, plaintext = _issue(cast.cotherapist, [READ, CREATE])
    member_set_role(actor=cast.owner, member=cast.cotherapist, role=Role.STAFF, channel=Channel.CLI)
    before = Client.objects.count()
    assert _get(plaintext).status_code == 403
    assert _get(plaintext, f"/api/v1/clients/{cast.client.id}").status_code == 403
    assert _create(plaintext).status_code == 403
    assert Client.objects.count() == before


def test_a_clinician_lowered_to_supervisor_keeps_read_but_loses_create(cast: Cast) -> None:
    _, plaintext = _issue(cast.cotherapist, [READ, CREATE])
    member_set_role(actor=cast.owner, member=cast.cotherapist, role=Role.SUPERVISOR, channel=Channel.CLI)
    before = Client.objects.count()
    assert _get(plaintext).status_code == 200
    assert _create(plaintext).status_code == 403
    assert Client.objects.count() == before
