"""The OpenAPI document declares every error an operation answers, as a problem document."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from confide.api import patterns, problems


@pytest.fixture
def document(db: None) -> dict[str, Any]:
    response = HttpClient().get("/api/v1/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def _operations(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(f"{method.upper()} {path}", op) for path, item in document["paths"].items() for method, op in item.items()]


def test_every_operation_declares_its_errors_as_problem_documents(document: dict[str, Any]) -> None:
    assert document["components"]["schemas"]["Problem"] == problems.SCHEMA
    for label, operation in _operations(document):
        errors = {int(s): r for s, r in operation["responses"].items() if int(s) >= 400}
        assert {400, 401, 403, 500} <= set(errors), label
        for status, response in errors.items():
            assert list(response["content"]) == ["application/problem+json"], (label, status)
            schema = response["content"]["application/problem+json"]["schema"]
            assert schema["$ref"] == "#/components/schemas/Problem"
            assert schema["properties"]["status"] == {"const": status}
        assert errors[401]["headers"]["WWW-Authenticate"]["required"] is True


@pytest.mark.parametrize(
    ("operation", "statuses"),
    [
        ("GET /api/v1/clients", {400, 401, 403, 500}),
        ("POST /api/v1/clients", {400, 401, 403, 422, 500}),
        ("GET /api/v1/clients/{client_id}", {400, 401, 403, 404, 500}),
        ("GET /api/v1/log/proof/consistency", {400, 401, 403, 404, 422, 500}),
    ],
)
def test_an_operation_declares_the_errors_it_answers(
    document: dict[str, Any], operation: str, statuses: set[int]
) -> None:
    responses = dict(_operations(document))[operation]["responses"]
    assert {int(s) for s in responses if int(s) >= 400} == statuses


def test_the_date_of_birth_is_stated_up_to_today(document: dict[str, Any]) -> None:
    field = document["components"]["schemas"]["ClientIn"]["properties"]["date_of_birth"]
    assert field["pattern"] == patterns.date_of_birth_until(timezone.localdate())
