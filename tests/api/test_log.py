"""/api/v1/log over HTTP: a size or an index the signed log has not reached is not found."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from confide.audit.actions import Channel
from confide.tokens.services import token_create
from tests.cast import Cast


@pytest.fixture
def api(cast: Cast) -> HttpClient:
    _, secret = token_create(
        actor=cast.clinician, name="t", scopes=["clients:client:read"], days=None, channel=Channel.CLI
    )
    return HttpClient(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_a_consistency_proof_from_beyond_the_log_is_not_found(api: HttpClient) -> None:
    size = api.get("/api/v1/log/checkpoint").json()["size"]
    response = api.get(f"/api/v1/log/proof/consistency?old={size + 1}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert f"has {size} entries" in response.json()["detail"]
    assert api.get(f"/api/v1/log/proof/consistency?old={size}").status_code == 200


def test_a_negative_index_is_invalid(api: HttpClient) -> None:
    response = api.get("/api/v1/log/proof/inclusion?index=-1")
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/query/index"


def test_an_index_past_any_database_integer_is_not_found_not_an_error(api: HttpClient) -> None:
    assert api.get(f"/api/v1/log/proof/inclusion?index={10**30}").status_code == 404
