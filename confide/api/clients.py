"""/api/v1/clients: the same services and access funnel as the pages."""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Field, Router, Schema

from confide.api.auth import member_with_scope
from confide.audit.actions import Channel
from confide.clients.selectors import client_detail_for_member, client_list_for_member
from confide.clients.services import client_create
from confide.practices.models import Member
from confide.practices.permissions import Permission

router = Router(tags=["clients"])


class ClientIn(Schema):
    name: str = Field(max_length=1000)
    email: str = Field(default="", max_length=1000)


class ClientSummaryOut(Schema):
    id: uuid.UUID
    name: str
    status: str
    team_role: str


class ClientOut(Schema):
    id: uuid.UUID
    name: str
    email: str
    status: str
    has_portal: bool
    team_role: str


class SearchIn(Schema):
    q: str = Field(max_length=200)


def _summaries(member: Member, search: str) -> list[ClientSummaryOut]:
    rows = client_list_for_member(member=member, search=search, channel=Channel.API)
    return [ClientSummaryOut(id=r.id, name=r.name, status=r.status, team_role=r.team_role) for r in rows]


@router.get("/clients", response=list[ClientSummaryOut])
def clients_list(request: HttpRequest) -> list[ClientSummaryOut]:
    return _summaries(member_with_scope(request, Permission.CLIENTS_CLIENT_READ), "")


@router.post("/clients/search", response=list[ClientSummaryOut])
def clients_search(request: HttpRequest, payload: SearchIn) -> list[ClientSummaryOut]:
    """Search by part of a name. A POST body, so that no name fragment ends up in a URL or a log."""
    return _summaries(member_with_scope(request, Permission.CLIENTS_CLIENT_READ), payload.q)


@router.get("/clients/{client_id}", response=ClientOut)
def clients_read(request: HttpRequest, client_id: str) -> ClientOut:
    member = member_with_scope(request, Permission.CLIENTS_CLIENT_READ)
    d = client_detail_for_member(member=member, client_id=client_id, channel=Channel.API)
    return ClientOut(
        id=d.id, name=d.name, email=d.email, status=d.status, has_portal=d.has_portal, team_role=d.team_role
    )


@router.post("/clients", response={201: ClientOut})
def clients_create(request: HttpRequest, payload: ClientIn) -> tuple[int, ClientOut]:
    member = member_with_scope(request, Permission.CLIENTS_CLIENT_CREATE)
    client = client_create(actor=member, name=payload.name, email=payload.email, channel=Channel.API)
    name, email = client.open("name"), client.open("email")
    has_team = client.care_team.filter(member=member).first()
    return 201, ClientOut(
        id=client.id,
        name=name,
        email=email,
        status=client.status,
        has_portal=False,
        team_role=has_team.team_role if has_team else "",
    )
