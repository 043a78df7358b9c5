"""The access funnel for clients: the only way any entry point obtains a client.

Each function checks the role permission, the practice and the care team, raises
``Http404`` when any fails (so an id reveals nothing), and records the read in the
same transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import transaction
from django.http import Http404

from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record, events_record_for_clients
from confide.careteams.models import CareTeamMember
from confide.clients.directory import directory_rows
from confide.clients.models import INDEXED_COLUMNS, Client
from confide.practices.models import Member
from confide.practices.permissions import CARE_TEAM_ROLE_PERMISSIONS, Permission


@dataclass(frozen=True)
class ClientSummary:
    id: uuid.UUID
    name: str
    status: str
    team_role: str


@dataclass(frozen=True)
class ClientDetail:
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
    team: list[tuple[str, str]]  # (member display name, team role label)


def _parse_id(client_id: object) -> uuid.UUID:
    try:
        return client_id if isinstance(client_id, uuid.UUID) else uuid.UUID(str(client_id))
    except ValueError:
        raise Http404 from None


def client_get_for_member(
    *, member: Member, client_id: object, permission: Permission = Permission.CLIENTS_CLIENT_READ, channel: Channel
) -> tuple[Client, str]:
    """Return the client and the member's care-team role, or raise 404; audit the read."""
    pk = _parse_id(client_id)
    if not member.has(permission):
        raise Http404
    seat = (
        CareTeamMember.objects.select_related("client")
        # The client's own practice decides, not only the seat's: a seat row planted by a database writer
        # under the member's practice for another practice's client opens nothing.
        .filter(practice_id=member.practice_id, client_id=pk, client__practice_id=member.practice_id, member=member)
        .first()
    )
    client, team_role, purpose = (seat.client, seat.team_role, "") if seat else _emergency(member, pk)
    if permission not in CARE_TEAM_ROLE_PERMISSIONS[team_role] or client.shredded_at:
        raise Http404
    with transaction.atomic():
        event_record(
            actor=member,
            action=AuditAction.CLIENT_READ,
            channel=channel,
            client_id=pk,
            object_type="client",
            purpose=purpose,
        )
    return client, team_role


def _emergency(member: Member, client_id: uuid.UUID) -> tuple[Client, str, str]:
    """Off the care team, only an unexpired break-glass grant opens the record (read-only)."""
    from confide.breakglass.services import grant_active

    grant = grant_active(member=member, client_id=client_id)
    if grant is None:
        raise Http404
    return Client.objects.get(pk=client_id), "emergency", "emergency access"


def client_detail_for_member(*, member: Member, client_id: object, channel: Channel) -> ClientDetail:
    client, team_role = client_get_for_member(member=member, client_id=client_id, channel=channel)
    return client_detail_of(client=client, team_role=team_role)


def client_detail_of(*, client: Client, team_role: str) -> ClientDetail:
    """Decrypt a client obtained through the funnel (which already audited the read)."""
    key = client.data_key()
    seats = CareTeamMember.objects.filter(client=client).select_related("member__user").order_by("added_at")
    return ClientDetail(
        id=client.id,
        number=client.open("number", key=key),
        name=client.open("name", key=key),
        email=client.open("email", key=key),
        phone=client.open("phone", key=key),
        date_of_birth=client.open("dob", key=key),
        diagnoses=client.open("diagnoses", key=key),
        status=client.status,
        has_portal=client.portal_member_id is not None,
        team_role=team_role,
        team=[(str(s.member.user), s.get_team_role_display()) for s in seats],
    )


def _summaries(
    *, actor: Member, team_roles: dict[uuid.UUID, str] | None, search: str, channel: Channel
) -> list[ClientSummary]:
    """Decrypt names in memory (no index on names by design), filter, audit what is shown.

    Names come from the practice directory (one key for all, not one client key each):
    10,000 clients search in tens of milliseconds. ``team_roles`` limits to those clients.
    """
    needle = search.strip().casefold()
    only = None if team_roles is None else list(team_roles)
    roles = {cid.hex: role for cid, role in (team_roles or {}).items()}
    result = [
        ClientSummary(id=uuid.UUID(hex=cid), name=name, status=status, team_role=roles.get(cid, ""))
        for cid, name, status in directory_rows(practice_id=actor.practice_id, client_ids=only)
        if not needle or needle in name.casefold()
    ]
    result.sort(key=lambda s: s.name.casefold())
    with transaction.atomic():
        events_record_for_clients(
            actor=actor, action=AuditAction.CLIENT_LIST, channel=channel, client_ids=[s.id for s in result]
        )
    return result


def client_list_for_member(*, member: Member, search: str = "", channel: Channel) -> list[ClientSummary]:
    """The clients on the member's care teams."""
    if not member.has(Permission.CLIENTS_CLIENT_READ):
        return []
    seats = CareTeamMember.objects.filter(practice_id=member.practice_id, member=member).values_list(
        "client_id", "team_role"
    )
    return _summaries(actor=member, team_roles=dict(seats), search=search, channel=channel)


def client_directory(*, manager: Member, search: str = "", channel: Channel) -> list[ClientSummary]:
    """Every client of the practice, by name only, for owners assigning care teams."""
    if not manager.has(Permission.PRACTICE_CLIENT_DIRECTORY):
        raise Http404
    return _summaries(actor=manager, team_roles=None, search=search, channel=channel)


def client_find_exact(*, member: Member, column: str, value: str, channel: Channel) -> list[ClientSummary]:
    """Exact-match lookup by e-mail, phone or client number through the blind index.

    The index is truncated on purpose, so candidates are decrypted and compared; only clients
    on the member's care teams are returned (and audited as listed).
    """
    from confide.clients.services import lookup_index

    if column not in INDEXED_COLUMNS or not member.has(Permission.CLIENTS_CLIENT_READ):
        raise Http404
    seats = dict(
        CareTeamMember.objects.filter(practice_id=member.practice_id, member=member).values_list(
            "client_id", "team_role"
        )
    )
    candidates = Client.objects.filter(
        practice_id=member.practice_id,
        shredded_at=None,
        id__in=list(seats),
        **{f"{column}_bidx": lookup_index(column, value)},
    )
    matches = [c for c in candidates if c.open(column).casefold() == value.casefold()]
    with transaction.atomic():
        events_record_for_clients(
            actor=member, action=AuditAction.CLIENT_LIST, channel=channel, client_ids=[c.id for c in matches]
        )
    return [ClientSummary(id=c.id, name=c.open("name"), status=c.status, team_role=seats[c.id]) for c in matches]


def client_for_manager(*, manager: Member, client_id: object, channel: Channel) -> tuple[Client, str]:
    """A client of the manager's practice and its name, for care-team management; audited."""
    if not manager.has(Permission.PRACTICE_CARETEAM_MANAGE):
        raise Http404
    pk = _parse_id(client_id)
    client = Client.objects.filter(practice_id=manager.practice_id, pk=pk, shredded_at=None).first()
    if client is None:
        raise Http404
    with transaction.atomic():
        events_record_for_clients(actor=manager, action=AuditAction.CLIENT_LIST, channel=channel, client_ids=[pk])
    return client, client.open("name")


def client_for_portal(*, member: Member) -> Client:
    """The client record of a signed-in client; audited as the client reading their own record."""
    if not member.has(Permission.PORTAL_SELF_READ):
        raise Http404
    try:
        client = Client.objects.get(practice_id=member.practice_id, portal_member=member, shredded_at=None)
    except Client.DoesNotExist:
        raise Http404 from None
    with transaction.atomic():
        event_record(
            actor=member,
            action=AuditAction.CLIENT_PORTAL_READ,
            channel=Channel.WEB,
            client_id=client.id,
            object_type="client",
        )
    return client
