from __future__ import annotations

from datetime import timedelta

from django.test import Client as HttpClient
from django.utils import timezone

from confide.audit.actions import Channel
from confide.tokens.models import AccessToken
from confide.tokens.services import token_authenticate, token_create, token_revoke
from tests.cast import Cast


def _token(cast: Cast, scopes: list[str] | None = None) -> str:
    _, secret = token_create(
        actor=cast.clinician, name="t", scopes=scopes or ["clients:client:read"], days=30, channel=Channel.CLI
    )
    return secret


def test_only_a_hash_is_stored(cast: Cast) -> None:
    secret = _token(cast)
    row = AccessToken.objects.get(member=cast.clinician)
    assert secret.split("_", 2)[2].encode() not in bytes(row.secret_hash)
    assert token_authenticate(presented=secret) == row


def test_a_revoked_token_stops_working(cast: Cast) -> None:
    secret = _token(cast)
    token_revoke(actor=cast.clinician, token_id=AccessToken.objects.get(member=cast.clinician).id, channel=Channel.CLI)
    assert token_authenticate(presented=secret) is None


def test_an_expired_token_stops_working(cast: Cast) -> None:
    secret = _token(cast)
    AccessToken.objects.filter(member=cast.clinician).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert token_authenticate(presented=secret) is None


def test_a_deactivated_members_token_stops_working(cast: Cast) -> None:
    secret = _token(cast)
    cast.clinician.is_active = False
    cast.clinician.save()
    assert token_authenticate(presented=secret) is None


def test_a_token_without_the_scope_gets_403(cast: Cast) -> None:
    secret = _token(cast, ["clients:client:read"])
    response = HttpClient(HTTP_AUTHORIZATION=f"Bearer {secret}").post(
        "/api/v1/clients", {"name": "X"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "This token lacks the scope 'clients:client:create'."


def test_the_api_lists_only_the_care_teams_clients(cast: Cast) -> None:
    response = HttpClient(HTTP_AUTHORIZATION=f"Bearer {_token(cast)}").get("/api/v1/clients")
    assert [c["name"] for c in response.json()] == ["Jordan Canary-Client"]


def test_the_api_creates_a_client_and_puts_the_creator_on_its_team(cast: Cast) -> None:
    secret = _token(cast, ["clients:client:create", "clients:client:read"])
    http = HttpClient(HTTP_AUTHORIZATION=f"Bearer {secret}")
    created = http.post(
        "/api/v1/clients", {"name": "Api Made", "email": "api@client.test"}, content_type="application/json"
    )
    assert created.status_code == 201
    body = created.json()
    assert body["name"] == "Api Made" and body["team_role"] == "primary"
    assert http.get(f"/api/v1/clients/{body['id']}").json()["email"] == "api@client.test"


def test_openapi_describes_the_client_endpoints(db: None) -> None:
    paths = HttpClient().get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/clients", "/api/v1/clients/{client_id}"} <= set(paths)
