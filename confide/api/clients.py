"""/api/v1/clients: the same services and access funnel as the pages."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from pydantic import AfterValidator

from confide.api import patterns
from confide.api.auth import member_with_scope
from confide.api.problems import responses
from confide.audit.actions import Channel
from confide.clients.selectors import (
    ClientDetail,
    client_detail_for_member,
    client_detail_of,
    client_find_exact,
    client_list_for_member,
)
from confide.clients.services import client_create
from confide.clients.validation import DIAGNOSES_MAX, EMAIL_MAX, NAME_MAX, PHONE_MAX, clean_email, clean_phone
from confide.practices.models import Member
from confide.practices.permissions import Permission

router = Router(tags=["clients"])


def _visible_text(value: str) -> str:
    if not patterns.name_allowed(value):
        raise ValueError("Use letters, marks, digits, punctuation, symbols and spaces, not only spaces.")
    return value


def _name_pattern(schema: dict[str, Any]) -> None:
    schema["pattern"] = patterns.name()


def _from_1900_to_today(schema: dict[str, Any]) -> None:
    # Stated afresh each time the document is served: the edge checks the shape, client_create the day.
    schema["pattern"] = patterns.date_of_birth_until(timezone.localdate())


class ClientIn(Schema):
    name: Annotated[str, AfterValidator(_visible_text)] = Field(
        min_length=1, max_length=NAME_MAX, json_schema_extra=_name_pattern
    )
    email: str = Field(default="", max_length=EMAIL_MAX, pattern=patterns.EMAIL_OR_BLANK)
    phone: str = Field(default="", max_length=PHONE_MAX, pattern=patterns.PHONE_OR_BLANK, description="6 to 15 digits")
    date_of_birth: str = Field(
        default="",
        pattern=patterns.DATE_SHAPE_OR_BLANK,
        description="YYYY-MM-DD, from 1900-01-01 to today",
        json_schema_extra=_from_1900_to_today,
    )
    diagnoses: str = Field(default="", max_length=DIAGNOSES_MAX, pattern=patterns.NO_NUL)


class ClientSummaryOut(Schema):
    id: uuid.UUID
    name: str
    status: str
    team_role: str


class ClientOut(Schema):
    id: uuid.UUID
    number: str
    name: str
    email: str
    phone: str
    date_of_birth: str
    diagnoses: str
    status: str
    has_portal: bool
    team_role: str


class SearchIn(Schema):
    q: str = Field(max_length=200)


def _summaries(member: Member, search: str) -> list[ClientSummaryOut]:
    rows = client_list_for_member(member=member, search=search, channel=Channel.API)
    return [ClientSummaryOut(id=r.id, name=r.name, status=r.status, team_role=r.team_role) for r in rows]


@router.get("/clients", response=list[ClientSummaryOut], openapi_extra=responses(403))
def clients_list(request: HttpRequest) -> list[ClientSummaryOut]:
    return _summaries(member_with_scope(request, Permission.CLIENTS_CLIENT_READ), "")


@router.post("/clients/search", response=list[ClientSummaryOut], openapi_extra=responses(403, 422))
def clients_search(request: HttpRequest, payload: SearchIn) -> list[ClientSummaryOut]:
    """Search by part of a name. A POST body, so that no name fragment ends up in a URL or a log."""
    return _summaries(member_with_scope(request, Permission.CLIENTS_CLIENT_READ), payload.q)


class LookupByEmail(Schema):
    field: Literal["email"]
    value: str = Field(max_length=EMAIL_MAX, pattern=patterns.EMAIL)


class LookupByPhone(Schema):
    field: Literal["phone"]
    value: str = Field(max_length=PHONE_MAX, pattern=patterns.PHONE)


class LookupByNumber(Schema):
    field: Literal["number"]
    value: str = Field(min_length=1, max_length=254)


LookupIn = Annotated[LookupByEmail | LookupByPhone | LookupByNumber, Field(discriminator="field")]
_NORMALISE: dict[str, Callable[[object], str]] = {"email": clean_email, "phone": clean_phone}


@router.post("/clients/lookup", response=list[ClientSummaryOut], openapi_extra=responses(403, 422))
def clients_lookup(request: HttpRequest, payload: LookupIn) -> list[ClientSummaryOut]:
    """Exact match on e-mail, phone or client number (through blind indexes), within your care teams."""
    member = member_with_scope(request, Permission.CLIENTS_CLIENT_READ)
    try:
        value = _NORMALISE[payload.field](payload.value) if payload.field in _NORMALISE else payload.value.strip()
    except ValueError as exc:
        raise HttpError(422, str(exc)) from None
    rows = client_find_exact(member=member, column=payload.field, value=value, channel=Channel.API)
    return [ClientSummaryOut(id=r.id, name=r.name, status=r.status, team_role=r.team_role) for r in rows]


# Declared after the fixed paths above: '/clients/{client_id}' would otherwise swallow them.
@router.get("/clients/{client_id}", response=ClientOut, openapi_extra=responses(403, 404))
def clients_read(request: HttpRequest, client_id: str) -> ClientOut:
    member = member_with_scope(request, Permission.CLIENTS_CLIENT_READ)
    return _out(client_detail_for_member(member=member, client_id=client_id, channel=Channel.API))


def _out(d: ClientDetail) -> ClientOut:
    return ClientOut(
        id=d.id,
        number=d.number,
        name=d.name,
        email=d.email,
        phone=d.phone,
        date_of_birth=d.date_of_birth,
        diagnoses=d.diagnoses,
        status=d.status,
        has_portal=d.has_portal,
        team_role=d.team_role,
    )


@router.post("/clients", response={201: ClientOut}, openapi_extra=responses(403, 422))
def clients_create(request: HttpRequest, payload: ClientIn) -> tuple[int, ClientOut]:
    member = member_with_scope(request, Permission.CLIENTS_CLIENT_CREATE)
    client = client_create(actor=member, channel=Channel.API, **payload.dict())
    seat = client.care_team.filter(member=member).first()
    return 201, _out(client_detail_of(client=client, team_role=seat.team_role if seat else ""))
