"""Scheduling guards: each calendar feed and each client sees only its own sessions; a stale feed URL stops."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.http import Http404
from django.test import Client as HttpClient
from django.utils import timezone

from confide.audit.actions import Channel
from confide.clients.models import Client
from confide.practices.models import Member
from confide.practices.services import member_set_role
from confide.scheduling.calendar import feed_create
from confide.scheduling.models import Appointment
from confide.scheduling.services import change_request, series_create, upcoming_for_client
from tests.cast import Cast


def _weekly(actor: Member, client: Client, first: dt.datetime, count: int = 3) -> list[Appointment]:
    series = series_create(
        actor=actor, client=client, first_start=first, cadence_days=7, count=count, channel=Channel.WEB
    )
    return list(series.appointments.order_by("start_at"))


def _both(cast: Cast) -> tuple[list[Appointment], list[Appointment]]:
    """Chris's sessions with Jordan and, at other times, Casey's sessions with Aisha."""
    now = timezone.now().replace(microsecond=0)
    jordans = _weekly(cast.clinician, cast.client, now + dt.timedelta(days=2, hours=1))
    aishas = _weekly(cast.colleague, cast.other_client, now + dt.timedelta(days=3, hours=5))
    return jordans, aishas


def _feed_uids(body: bytes) -> set[str]:
    return {str(event["uid"]) for event in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def _feed_starts(body: bytes) -> set[dt.datetime]:
    return {event.decoded("dtstart") for event in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def test_a_clinicians_feed_carries_only_their_own_sessions(cast: Cast) -> None:
    jordans, aishas = _both(cast)
    secret = feed_create(member=cast.clinician, channel=Channel.WEB)
    response = HttpClient().get(f"/calendar/{secret}.ics")
    assert response.status_code == 200
    assert _feed_uids(response.content) == {f"{a.id}@confide" for a in jordans}
    assert _feed_starts(response.content) == {a.start_at for a in jordans}
    assert not _feed_starts(response.content) & {a.start_at for a in aishas}


def test_a_deactivated_clinicians_feed_url_stops_working(cast: Cast) -> None:
    _both(cast)
    secret = feed_create(member=cast.clinician, channel=Channel.WEB)
    http = HttpClient()
    assert http.get(f"/calendar/{secret}.ics").status_code == 200
    member_set_role(actor=cast.owner, member=cast.clinician, role=None, channel=Channel.WEB)
    assert http.get(f"/calendar/{secret}.ics").status_code == 404


def test_a_deactivated_users_feed_url_stops_working(cast: Cast) -> None:
    _both(cast)
    secret = feed_create(member=cast.clinician, channel=Channel.WEB)
    http = HttpClient()
    assert http.get(f"/calendar/{secret}.ics").status_code == 200
    cast.clinician.user.is_active = False  # the account is closed; the member row is untouched
    cast.clinician.user.save(update_fields=["is_active"])
    assert http.get(f"/calendar/{secret}.ics").status_code == 404


def test_regenerating_the_feed_retires_the_old_url(cast: Cast) -> None:
    _both(cast)
    leaked = feed_create(member=cast.clinician, channel=Channel.WEB)
    fresh = feed_create(member=cast.clinician, channel=Channel.WEB)
    http = HttpClient()
    assert http.get(f"/calendar/{leaked}.ics").status_code == 404
    assert http.get(f"/calendar/{fresh}.ics").status_code == 200


def test_a_clients_upcoming_sessions_are_only_their_own(cast: Cast) -> None:
    jordans, aishas = _both(cast)
    upcoming = upcoming_for_client(client=cast.client)
    assert [a.id for a in upcoming] == [a.id for a in jordans]
    assert [a.id for a in upcoming_for_client(client=cast.other_client)] == [a.id for a in aishas]


def test_a_client_cannot_ask_to_change_a_session_through_another_clients_record(cast: Cast) -> None:
    _, aishas = _both(cast)
    with pytest.raises(Http404):
        change_request(
            member=cast.client_member, client=cast.other_client, appointment_id=aishas[0].id, channel=Channel.WEB
        )
    assert Appointment.objects.get(pk=aishas[0].pk).change_requested_at is None


def test_a_client_cannot_ask_to_change_another_clients_session_by_its_id(cast: Cast) -> None:
    jordans, aishas = _both(cast)
    with pytest.raises(Http404):
        change_request(member=cast.client_member, client=cast.client, appointment_id=aishas[0].id, channel=Channel.WEB)
    assert Appointment.objects.get(pk=aishas[0].pk).change_requested_at is None
    change_request(member=cast.client_member, client=cast.client, appointment_id=jordans[0].id, channel=Channel.WEB)
    assert Appointment.objects.get(pk=jordans[0].pk).change_requested_at is not None


def test_the_portal_refuses_a_change_request_for_another_clients_session(cast: Cast) -> None:
    _, aishas = _both(cast)
    http = HttpClient()
    http.force_login(cast.client_member.user)
    assert http.post("/portal/sessions/", {"appointment": str(aishas[0].id)}).status_code == 404
    assert Appointment.objects.get(pk=aishas[0].pk).change_requested_at is None
