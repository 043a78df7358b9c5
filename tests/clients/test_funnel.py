"""The access funnel for clients: role permission, practice, care-team seat, break-glass, shredding, audit."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db.models import Max
from django.http import Http404
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.models import AuditEvent
from confide.breakglass.models import Grant
from confide.breakglass.services import breakglass_open
from confide.careteams.models import CareTeamMember
from confide.clients.models import Client
from confide.clients.selectors import (
    client_detail_for_member,
    client_detail_of,
    client_directory,
    client_find_exact,
    client_for_manager,
    client_for_portal,
    client_get_for_member,
    client_list_for_member,
)
from confide.clients.services import client_create
from confide.practices.models import Member
from confide.practices.permissions import Permission, Role
from confide.practices.services import member_set_role
from confide.vault.operations import client_shred
from tests.cast import Cast

REASON = "Client called in crisis; their clinician is on leave and I need the safety plan."


def _mark() -> int:
    return AuditEvent.objects.aggregate(last=Max("id"))["last"] or 0


def _events_since(mark: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(id__gt=mark).order_by("id"))


def _reads_since(mark: int) -> list[tuple[uuid.UUID | None, uuid.UUID | None, str, str, str]]:
    return [
        (e.actor_id, e.client_id, e.object_type, e.channel, e.purpose)
        for e in _events_since(mark)
        if e.action == AuditAction.CLIENT_READ
    ]


def _number(client: Client) -> str:
    return client.open("number")


def _open_glass(cast: Cast) -> None:
    """Casey, off Jordan's team, opens Jordan's record in an emergency."""
    breakglass_open(member=cast.colleague, client_number=_number(cast.client), reason=REASON, channel=Channel.WEB)


def _refused(member: Member, client_id: object, permission: Permission = Permission.CLIENTS_CLIENT_READ) -> None:
    """The funnel answers 404 and records nothing."""
    mark = _mark()
    with pytest.raises(Http404):
        client_get_for_member(member=member, client_id=client_id, permission=permission, channel=Channel.WEB)
    assert _events_since(mark) == []


# --- client_get_for_member: who opens a record ---------------------------------------------------------------


@pytest.mark.parametrize("as_text", [False, True])
def test_a_seat_on_the_care_team_opens_the_record_and_records_one_read(cast: Cast, *, as_text: bool) -> None:
    mark = _mark()
    client_id = str(cast.client.id) if as_text else cast.client.id
    client, team_role = client_get_for_member(member=cast.clinician, client_id=client_id, channel=Channel.API)
    assert (client.id, team_role) == (cast.client.id, "primary")
    assert _reads_since(mark) == [(cast.clinician.id, cast.client.id, "client", "api", "")]
    assert len(_events_since(mark)) == 1


def test_the_supervisor_reads_as_supervisor(cast: Cast) -> None:
    client, team_role = client_get_for_member(member=cast.supervisor, client_id=cast.client.id, channel=Channel.WEB)
    assert (client.id, team_role) == (cast.client.id, "supervisor")


def test_a_member_demoted_in_the_practice_loses_the_record_though_her_seat_remains(cast: Cast) -> None:
    assert cast.demoted.care_teams.filter(client=cast.client).exists()
    _refused(cast.demoted, cast.client.id)


def test_a_deactivated_member_loses_the_record(cast: Cast) -> None:
    member_set_role(actor=cast.owner, member=cast.cotherapist, role=None, channel=Channel.CLI)
    cast.cotherapist.refresh_from_db()
    _refused(cast.cotherapist, cast.client.id)


def test_a_colleague_off_the_care_team_is_refused(cast: Cast) -> None:
    _refused(cast.colleague, cast.client.id)


def test_another_practices_client_is_not_found_even_for_its_owner_elsewhere(cast: Cast) -> None:
    _refused(cast.outsider, cast.client.id)
    _refused(cast.clinician, cast.outsider_client.id)


@pytest.mark.parametrize("client_id", ["not-a-uuid", "", "1", None, 12345, "../clients"])
def test_a_malformed_id_is_not_found(cast: Cast, client_id: object) -> None:
    _refused(cast.clinician, client_id)


def test_an_unknown_id_is_not_found(cast: Cast) -> None:
    _refused(cast.clinician, uuid.uuid4())


def test_a_care_team_row_of_another_practice_opens_nothing(cast: Cast) -> None:
    """A corrupt or planted seat that names Chris on another practice's client does not cross the tenancy line."""
    CareTeamMember.objects.create(
        practice_id=cast.outsider.practice_id, client=cast.outsider_client, member=cast.clinician, team_role="primary"
    )
    _refused(cast.clinician, cast.outsider_client.id)


def test_a_seat_filed_under_ones_own_practice_for_another_practices_client_opens_nothing(cast: Cast) -> None:
    """A database writer plants a seat in Harbor's name for Elsewhere's client: the client's own practice decides."""
    CareTeamMember.objects.create(
        practice_id=cast.clinician.practice_id, client=cast.outsider_client, member=cast.clinician, team_role="primary"
    )
    _refused(cast.clinician, cast.outsider_client.id)


def test_a_shredded_client_is_not_found_though_the_seat_remains(cast: Cast) -> None:
    client_shred(client_id=cast.client.id, reason="retention period over")
    assert cast.clinician.care_teams.filter(client=cast.client).exists()
    _refused(cast.clinician, cast.client.id)


def test_a_permission_the_role_lacks_is_refused_even_on_the_team(cast: Cast) -> None:
    _refused(cast.supervisor, cast.client.id, Permission.RECORDS_NOTE_WRITE)


def test_a_supervising_seat_does_not_grant_writing_to_a_member_promoted_to_clinician(cast: Cast) -> None:
    member_set_role(actor=cast.owner, member=cast.supervisor, role=Role.CLINICIAN, channel=Channel.CLI)
    cast.supervisor.refresh_from_db()
    assert cast.supervisor.has(Permission.RECORDS_NOTE_WRITE)
    _refused(cast.supervisor, cast.client.id, Permission.RECORDS_NOTE_WRITE)
    _, team_role = client_get_for_member(member=cast.supervisor, client_id=cast.client.id, channel=Channel.WEB)
    assert team_role == "supervisor"


def test_a_clinician_seat_grants_clinician_permissions(cast: Cast) -> None:
    client, team_role = client_get_for_member(
        member=cast.cotherapist,
        client_id=cast.client.id,
        permission=Permission.RECORDS_PRIVATE_NOTE_WRITE,
        channel=Channel.WEB,
    )
    assert (client.id, team_role) == (cast.client.id, "clinician")


def test_a_break_glass_grant_opens_the_record_read_only_as_emergency_access(cast: Cast) -> None:
    _open_glass(cast)
    mark = _mark()
    client, team_role = client_get_for_member(member=cast.colleague, client_id=cast.client.id, channel=Channel.WEB)
    assert (client.id, team_role) == (cast.client.id, "emergency")
    assert _reads_since(mark) == [(cast.colleague.id, cast.client.id, "client", "web", "emergency access")]
    _refused(cast.colleague, cast.client.id, Permission.RECORDS_NOTE_WRITE)


def test_a_break_glass_grant_opens_only_its_own_client(cast: Cast) -> None:
    _open_glass(cast)
    _refused(cast.colleague, cast.outsider_client.id)
    extra = client_create(actor=cast.clinician, name="Blake Unrelated", channel=Channel.CLI)
    _refused(cast.colleague, extra.id)


def test_an_expired_break_glass_grant_opens_nothing(cast: Cast) -> None:
    _open_glass(cast)
    Grant.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    _refused(cast.colleague, cast.client.id)


def test_a_break_glass_grant_does_not_survive_a_lost_role(cast: Cast) -> None:
    _open_glass(cast)
    member_set_role(actor=cast.owner, member=cast.colleague, role=Role.STAFF, channel=Channel.CLI)
    cast.colleague.refresh_from_db()
    _refused(cast.colleague, cast.client.id)


def test_a_break_glass_grant_does_not_open_a_shredded_client(cast: Cast) -> None:
    _open_glass(cast)
    client_shred(client_id=cast.client.id, reason="retention period over")
    _refused(cast.colleague, cast.client.id)


# --- the decrypted record --------------------------------------------------------------------------------------


def test_the_detail_decrypts_every_field_and_names_the_team(cast: Cast) -> None:
    client = client_create(
        actor=cast.clinician,
        name="Rowan Full-Record",
        email="rowan@example.test",
        phone="+1 555 010 2030",
        date_of_birth="1990-04-02",
        diagnoses="F41.1 Generalized anxiety disorder",
        channel=Channel.CLI,
    )
    mark = _mark()
    detail = client_detail_for_member(member=cast.clinician, client_id=client.id, channel=Channel.WEB)
    assert (detail.id, detail.name, detail.email, detail.phone, detail.date_of_birth, detail.diagnoses) == (
        client.id,
        "Rowan Full-Record",
        "rowan@example.test",
        "+15550102030",
        "1990-04-02",
        "F41.1 Generalized anxiety disorder",
    )
    assert (detail.number, detail.status, detail.has_portal, detail.team_role) == (
        _number(client),
        "active",
        False,
        "primary",
    )
    assert detail.team == [("Chris Clinician", "Primary clinician")]
    assert len(_reads_since(mark)) == 1


def test_the_detail_lists_the_whole_team_in_the_order_they_joined(cast: Cast) -> None:
    detail = client_detail_of(client=cast.client, team_role="supervisor")
    assert detail.has_portal is True
    assert detail.team_role == "supervisor"
    assert detail.team == [
        ("Chris Clinician", "Primary clinician"),
        ("Sam Supervisor", "Supervisor"),
        ("Cam Cotherapist", "Clinician"),
        ("Dana Demoted", "Clinician"),
    ]


def test_the_detail_is_refused_off_the_team(cast: Cast) -> None:
    mark = _mark()
    with pytest.raises(Http404):
        client_detail_for_member(member=cast.colleague, client_id=cast.client.id, channel=Channel.WEB)
    assert _events_since(mark) == []


# --- lists and searches ---------------------------------------------------------------------------------------


def _listed_since(mark: int) -> list[tuple[uuid.UUID | None, uuid.UUID | None, str, str]]:
    return sorted(
        ((e.actor_id, e.client_id, e.object_type, e.channel) for e in _events_since(mark)),
        key=lambda row: str(row[1]),
    )


def test_the_list_shows_only_the_members_care_team_clients_and_audits_each(cast: Cast) -> None:
    mark = _mark()
    shown = client_list_for_member(member=cast.clinician, channel=Channel.WEB)
    assert [(s.id, s.name, s.status, s.team_role) for s in shown] == [
        (cast.client.id, "Jordan Canary-Client", "active", "primary")
    ]
    assert {e.action for e in _events_since(mark)} == {AuditAction.CLIENT_LIST}
    assert _listed_since(mark) == [(cast.clinician.id, cast.client.id, "client", "web")]


def test_the_list_is_sorted_by_name_ignoring_case(cast: Cast) -> None:
    for name in ("bea Lowercase", "Adam Upper", "Cole Upper"):
        client_create(actor=cast.colleague, name=name, channel=Channel.CLI)
    names = [s.name for s in client_list_for_member(member=cast.colleague, channel=Channel.WEB)]
    assert names == ["Adam Upper", "Aisha Other-Client", "bea Lowercase", "Cole Upper"]


def test_the_list_search_matches_part_of_a_name_ignoring_case_and_spaces(cast: Cast) -> None:
    client_create(actor=cast.clinician, name="Blake Second", channel=Channel.CLI)
    mark = _mark()
    found = client_list_for_member(member=cast.clinician, search="  CANARY ", channel=Channel.WEB)
    assert [s.id for s in found] == [cast.client.id]
    assert [e.client_id for e in _events_since(mark)] == [cast.client.id]


def test_a_search_that_matches_nothing_shows_and_audits_nothing(cast: Cast) -> None:
    mark = _mark()
    assert client_list_for_member(member=cast.clinician, search="Aisha", channel=Channel.WEB) == []
    assert _events_since(mark) == []


def test_the_list_follows_the_seat_not_who_created_the_client(cast: Cast) -> None:
    shown = client_list_for_member(member=cast.supervisor, channel=Channel.WEB)
    assert [(s.id, s.team_role) for s in shown] == [(cast.client.id, "supervisor")]


def test_the_list_leaves_out_shredded_clients(cast: Cast) -> None:
    client_shred(client_id=cast.client.id, reason="retention period over")
    assert client_list_for_member(member=cast.clinician, channel=Channel.WEB) == []


@pytest.mark.parametrize("who", ["demoted", "staff", "client_member"])
def test_a_member_without_client_access_lists_nothing_and_nothing_is_audited(cast: Cast, who: str) -> None:
    mark = _mark()
    assert client_list_for_member(member=getattr(cast, who), channel=Channel.WEB) == []
    assert _events_since(mark) == []


def test_the_directory_shows_the_whole_practice_by_name_to_the_owner(cast: Cast) -> None:
    mark = _mark()
    shown = client_directory(manager=cast.owner, channel=Channel.WEB)
    assert [(s.id, s.name, s.team_role) for s in shown] == [
        (cast.other_client.id, "Aisha Other-Client", ""),
        (cast.client.id, "Jordan Canary-Client", ""),
    ]
    assert _listed_since(mark) == sorted(
        [(cast.owner.id, c.id, "client", "web") for c in (cast.client, cast.other_client)], key=lambda r: str(r[1])
    )


def test_the_directory_search_narrows_by_name(cast: Cast) -> None:
    shown = client_directory(manager=cast.owner, search="aisha", channel=Channel.WEB)
    assert [s.id for s in shown] == [cast.other_client.id]


@pytest.mark.parametrize("who", ["clinician", "supervisor", "staff", "demoted"])
def test_the_directory_is_for_practice_managers_only(cast: Cast, who: str) -> None:
    mark = _mark()
    with pytest.raises(Http404):
        client_directory(manager=getattr(cast, who), channel=Channel.WEB)
    assert _events_since(mark) == []


# --- exact lookups --------------------------------------------------------------------------------------------


def test_an_exact_lookup_ignores_case_and_audits_the_match(cast: Cast) -> None:
    mark = _mark()
    found = client_find_exact(member=cast.supervisor, column="email", value="JORDAN@client.TEST", channel=Channel.WEB)
    assert [(s.id, s.name, s.status, s.team_role) for s in found] == [
        (cast.client.id, "Jordan Canary-Client", "active", "supervisor")
    ]
    assert _listed_since(mark) == [(cast.supervisor.id, cast.client.id, "client", "web")]


def test_an_exact_lookup_by_number_finds_the_client(cast: Cast) -> None:
    found = client_find_exact(
        member=cast.clinician, column="number", value=_number(cast.client).lower(), channel=Channel.WEB
    )
    assert [s.id for s in found] == [cast.client.id]


def test_an_exact_lookup_that_misses_audits_nothing(cast: Cast) -> None:
    mark = _mark()
    found = client_find_exact(member=cast.clinician, column="email", value="aisha@client.test", channel=Channel.WEB)
    assert found == []
    assert _events_since(mark) == []


@pytest.mark.parametrize("column", ["name", "diagnoses", "dob", "email_bidx", ""])
def test_an_exact_lookup_on_an_unindexed_column_is_not_found(cast: Cast, column: str) -> None:
    with pytest.raises(Http404):
        client_find_exact(member=cast.clinician, column=column, value="Jordan Canary-Client", channel=Channel.WEB)


def test_an_exact_lookup_needs_client_access_even_on_the_team(cast: Cast) -> None:
    with pytest.raises(Http404):
        client_find_exact(member=cast.demoted, column="email", value="jordan@client.test", channel=Channel.WEB)


def test_an_exact_lookup_never_finds_a_shredded_client_even_with_a_stale_index(cast: Cast) -> None:
    """An index value restored onto the tombstone (say from an old backup) finds nothing."""
    index = Client.objects.get(pk=cast.client.pk).email_bidx
    client_shred(client_id=cast.client.id, reason="retention period over")
    Client.objects.filter(pk=cast.client.pk).update(email_bidx=index)
    found = client_find_exact(member=cast.clinician, column="email", value="jordan@client.test", channel=Channel.WEB)
    assert found == []


def test_an_exact_lookup_never_reaches_another_practice(cast: Cast) -> None:
    found = client_find_exact(member=cast.outsider, column="email", value="jordan@client.test", channel=Channel.WEB)
    assert found == []


# --- care-team management and the portal ----------------------------------------------------------------------


def test_the_manager_gets_the_client_and_its_name_audited_as_listed(cast: Cast) -> None:
    mark = _mark()
    client, name = client_for_manager(manager=cast.owner, client_id=str(cast.client.id), channel=Channel.WEB)
    assert (client.id, name) == (cast.client.id, "Jordan Canary-Client")
    assert [(e.action, e.actor_id, e.client_id) for e in _events_since(mark)] == [
        (AuditAction.CLIENT_LIST, cast.owner.id, cast.client.id)
    ]


@pytest.mark.parametrize("who", ["clinician", "supervisor", "staff"])
def test_care_team_management_is_for_managers_only(cast: Cast, who: str) -> None:
    with pytest.raises(Http404):
        client_for_manager(manager=getattr(cast, who), client_id=cast.client.id, channel=Channel.WEB)


def test_the_manager_cannot_reach_another_practice_a_shredded_client_or_a_malformed_id(cast: Cast) -> None:
    client_shred(client_id=cast.other_client.id, reason="retention period over")
    mark = _mark()
    for client_id in (cast.outsider_client.id, cast.other_client.id, "not-a-uuid", uuid.uuid4()):
        with pytest.raises(Http404):
            client_for_manager(manager=cast.owner, client_id=client_id, channel=Channel.WEB)
    assert _events_since(mark) == []


def test_the_portal_gives_the_client_their_own_record_audited_as_theirs(cast: Cast) -> None:
    mark = _mark()
    assert client_for_portal(member=cast.client_member).id == cast.client.id
    assert [(e.action, e.actor_id, e.client_id, e.object_type, e.channel) for e in _events_since(mark)] == [
        (AuditAction.CLIENT_PORTAL_READ, cast.client_member.id, cast.client.id, "client", "web")
    ]


@pytest.mark.parametrize("who", ["clinician", "owner", "staff"])
def test_the_portal_is_for_clients_only(cast: Cast, who: str) -> None:
    with pytest.raises(Http404):
        client_for_portal(member=getattr(cast, who))


def test_a_client_account_without_a_record_finds_nothing(cast: Cast) -> None:
    client_shred(client_id=cast.client.id, reason="retention period over")
    cast.client_member.refresh_from_db()
    mark = _mark()
    with pytest.raises(Http404):
        client_for_portal(member=cast.client_member)
    assert _events_since(mark) == []


def test_a_shredded_record_relinked_to_the_portal_stays_closed(cast: Cast) -> None:
    """Someone with database access points the tombstone back at the client's account."""
    client_shred(client_id=cast.client.id, reason="retention period over")
    Client.objects.filter(pk=cast.client.pk).update(portal_member=cast.client_member)
    with pytest.raises(Http404):
        client_for_portal(member=cast.client_member)
