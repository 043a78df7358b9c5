"""Hostile and invalid API input: a 4xx problem document, and nothing written."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client as HttpClient

from confide.audit.actions import Channel
from confide.clients.models import Client
from confide.tokens.services import token_create
from tests.cast import Cast


@pytest.fixture
def api(cast: Cast) -> HttpClient:
    _, secret = token_create(
        actor=cast.clinician,
        name="t",
        scopes=["clients:client:read", "clients:client:create"],
        days=None,
        channel=Channel.CLI,
    )
    return HttpClient(HTTP_AUTHORIZATION=f"Bearer {secret}")


BAD_BODIES: list[tuple[str, Any]] = [
    ("empty", ""),
    ("not-json", "{name: 'x'"),
    ("json-array", "[]"),
    ("name-missing", json.dumps({"email": "a@b.test"})),
    ("name-number", json.dumps({"name": 12})),
    ("name-null", json.dumps({"name": None})),
    ("name-object", json.dumps({"name": {"$gt": ""}})),
    ("name-blank", json.dumps({"name": "   "})),
    ("name-huge", json.dumps({"name": "x" * 100_000})),
    ("name-control", json.dumps({"name": "Ann\u0000Lee"})),
    ("name-bidi", json.dumps({"name": "Ann\u202eLee"})),
    ("email-bad", json.dumps({"name": "Ann", "email": "not-an-address"})),
    ("email-header-injection", json.dumps({"name": "Ann", "email": "a@b.test\r\nBcc: x@y.test"})),
    ("too-large", json.dumps({"name": "x" * 3_000_000})),
]


@pytest.mark.parametrize(("label", "body"), BAD_BODIES, ids=[b[0] for b in BAD_BODIES])
def test_it_rejects_bad_client_bodies_with_a_problem_and_writes_nothing(
    cast: Cast, api: HttpClient, label: str, body: str
) -> None:
    before = Client.objects.count()
    response = api.post("/api/v1/clients", body, content_type="application/json")
    assert 400 <= response.status_code < 500, (label, response.status_code)
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == response.status_code and problem["title"] and problem["detail"]
    assert Client.objects.count() == before
    assert "Ann" not in response.content.decode()  # errors never echo submitted values


def test_it_names_the_field_that_failed(api: HttpClient) -> None:
    response = api.post("/api/v1/clients", {"name": ""}, content_type="application/json")
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json()["errors"]] == ["/name"]


@pytest.mark.parametrize("client_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000", "1 OR 1=1", "%00"])
def test_it_answers_404_for_unknown_ids(api: HttpClient, client_id: str) -> None:
    response = api.get(f"/api/v1/clients/{client_id}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_it_hides_another_practices_client(cast: Cast, api: HttpClient) -> None:
    response = api.get(f"/api/v1/clients/{cast.outsider_client.id}")
    assert response.status_code == 404
    assert "Omar" not in response.content.decode()


@pytest.mark.parametrize(
    "header", ["", "Bearer", "Bearer cfd_", "Bearer cfd_zz_zz", "Basic dXNlcjpwYXNz", "Bearer " + "a" * 5000]
)
def test_it_refuses_bad_credentials_with_401(cast: Cast, header: str) -> None:
    response = HttpClient(HTTP_AUTHORIZATION=header).get("/api/v1/clients")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_it_refuses_a_search_that_is_too_long(api: HttpClient) -> None:
    response = api.post("/api/v1/clients/search", {"q": "x" * 201}, content_type="application/json")
    assert response.status_code == 422


def test_it_searches_by_part_of_a_name(api: HttpClient) -> None:
    response = api.post("/api/v1/clients/search", {"q": "canary"}, content_type="application/json")
    assert [c["name"] for c in response.json()] == ["Jordan Canary-Client"]


@pytest.mark.parametrize(
    "body", [{"field": "email", "value": "0"}, {"field": "phone", "value": "12"}, {"field": "number", "value": ""}]
)
def test_a_lookup_value_that_cannot_be_of_that_field_is_invalid(api: HttpClient, body: dict[str, str]) -> None:
    response = api.post("/api/v1/clients/lookup", body, content_type="application/json")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("name", [" Zoë Ångström ", "李小龍", "O'Brien-Smith (Jr.)"])
def test_it_creates_a_client_whose_name_the_schema_allows(api: HttpClient, name: str) -> None:
    response = api.post("/api/v1/clients", {"name": name}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["name"] == name.strip()
