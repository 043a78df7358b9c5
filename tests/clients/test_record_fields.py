"""The fuller client record: number, phone, date of birth, diagnoses; exact lookups by blind index."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient

from confide.audit.actions import Channel
from confide.clients.models import Client
from confide.clients.selectors import client_detail_of, client_find_exact
from confide.clients.services import client_create
from confide.clients.validation import clean_date_of_birth, clean_phone
from confide.tokens.services import token_create
from tests.cast import Cast


def _full(cast: Cast) -> Client:
    return client_create(
        actor=cast.clinician,
        name="Rowan Full-Record",
        email="Rowan@Example.TEST",
        phone="+1 (555) 010-2030",
        date_of_birth="1990-04-02",
        diagnoses="F41.1 Generalized anxiety disorder",
        channel=Channel.CLI,
    )


def test_every_field_is_stored_encrypted_and_read_back(cast: Cast) -> None:
    client = _full(cast)
    detail = client_detail_of(client=Client.objects.get(pk=client.pk), team_role="primary")
    assert (detail.phone, detail.date_of_birth, detail.diagnoses) == (
        "+15550102030",
        "1990-04-02",
        "F41.1 Generalized anxiety disorder",
    )
    assert detail.number.startswith("C-")
    row = Client.objects.filter(pk=client.pk).values().get()
    assert not any(isinstance(v, (bytes, memoryview)) and b"F41.1" in bytes(v) for v in row.values())


def test_client_numbers_count_up_per_practice(cast: Cast) -> None:
    numbers = [client_detail_of(client=_full(cast), team_role="").number for _ in range(2)]
    assert int(numbers[1][2:]) == int(numbers[0][2:]) + 1


@pytest.mark.parametrize(("column", "value"), [("email", "rowan@example.test"), ("phone", "+15550102030")])
def test_exact_lookup_finds_the_client_through_the_blind_index(cast: Cast, column: str, value: str) -> None:
    client = _full(cast)
    found = client_find_exact(member=cast.clinician, column=column, value=value, channel=Channel.CLI)
    assert [c.id for c in found] == [client.id]


def test_exact_lookup_stays_within_the_care_team(cast: Cast) -> None:
    _full(cast)
    assert (
        client_find_exact(member=cast.colleague, column="email", value="rowan@example.test", channel=Channel.CLI) == []
    )


def test_the_api_looks_up_by_client_number(cast: Cast) -> None:
    client = _full(cast)
    number = client_detail_of(client=client, team_role="").number
    _, secret = token_create(
        actor=cast.clinician, name="t", scopes=["clients:client:read"], days=None, channel=Channel.CLI
    )
    response = HttpClient(HTTP_AUTHORIZATION=f"Bearer {secret}").post(
        "/api/v1/clients/lookup", {"field": "number", "value": number.lower()}, content_type="application/json"
    )
    assert [c["id"] for c in response.json()] == [str(client.id)]


@pytest.mark.parametrize("phone", ["123", "call me", "+" + "1" * 20])
def test_bad_phones_are_refused(phone: str) -> None:
    with pytest.raises(ValueError, match="Enter a phone number"):
        clean_phone(phone)


@pytest.mark.parametrize("born", ["2999-01-01", "1850-01-01", "02/04/1990", "yesterday"])
def test_bad_dates_of_birth_are_refused(born: str) -> None:
    with pytest.raises(ValueError, match="date of birth"):
        clean_date_of_birth(born, today=date(2026, 11, 26))


def test_the_service_names_every_bad_field(cast: Cast) -> None:
    with pytest.raises(ValidationError) as info:
        client_create(actor=cast.clinician, name="", phone="x", date_of_birth="soon", channel=Channel.CLI)
    assert set(info.value.message_dict) == {"name", "phone", "date_of_birth"}
