"""Every error under /api/ is a problem document, whatever answered it: the URL resolver, a method the endpoint
does not take, a malformed header, Django itself."""

from __future__ import annotations

from typing import TYPE_CHECKING
from unittest import mock

import pytest
from django.test import Client as HttpClient

from confide.audit.actions import Channel
from confide.tokens.services import token_create
from tests.cast import Cast

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


@pytest.fixture
def api(cast: Cast) -> HttpClient:
    _, secret = token_create(
        actor=cast.clinician, name="t", scopes=["clients:client:read"], days=None, channel=Channel.CLI
    )
    return HttpClient(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _is_problem(response: Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.content[:200]
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return dict(body)


@pytest.mark.parametrize(
    "path", ["/api/v1/clients%2Fx", "/api/v1/clients/%2F", "/api/v1/nothing-here", "/api/", "/api/v2/clients"]
)
def test_a_path_nothing_answers_is_a_problem(api: HttpClient, path: str) -> None:
    _is_problem(api.get(path), 404)


@pytest.mark.parametrize("method", ["put", "patch", "delete", "options", "trace"])
def test_a_method_the_endpoint_does_not_take_is_a_problem_that_says_which_it_takes(
    api: HttpClient, method: str
) -> None:
    response = getattr(api, method)("/api/v1/clients")
    _is_problem(response, 405)
    assert {m.strip() for m in response["Allow"].split(",")} == {"GET", "POST"}


def test_an_authorization_header_with_a_nul_byte_is_a_problem(cast: Cast) -> None:
    response = HttpClient(HTTP_AUTHORIZATION="Bearer abc\x00def").get("/api/v1/clients")
    assert response.status_code in (400, 401)
    _is_problem(response, response.status_code)


def test_an_error_outside_the_api_stays_a_page(api: HttpClient) -> None:
    response = api.get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_a_crash_under_the_api_is_a_problem_that_tells_nothing(api: HttpClient) -> None:
    crash = RuntimeError("Jordan Canary-Client")  # a message that might carry PHI
    with mock.patch("confide.api.clients.client_list_for_member", side_effect=crash):
        client = HttpClient(HTTP_AUTHORIZATION=api.defaults["HTTP_AUTHORIZATION"], raise_request_exception=False)
        response = client.get("/api/v1/clients")
    _is_problem(response, 500)
    assert b"Jordan" not in response.content
