"""Scheduling through the services: series, attendance, rescheduling, change requests, reminders, iCal."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client as HttpClient
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.models import AuditEvent
from confide.scheduling.calendar import feed_create, feed_ics, feed_revoke
from confide.scheduling.models import Appointment
from confide.scheduling.reminders import appointment_reminders_send
from confide.scheduling.services import appointment_reschedule, attendance_mark, change_request, series_create
from tests.cast import Cast
from tests.conftest import Inbox

PHI = ("Jordan", "Canary", "Chris", "Clinician", "Harbor", "F41", "therap")


def _weekly(cast: Cast, first: dt.datetime | None = None, count: int = 4) -> list[Appointment]:
    first = first or timezone.now() + dt.timedelta(hours=20)
    series = series_create(
        actor=cast.clinician, client=cast.client, first_start=first, cadence_days=7, count=count, channel=Channel.WEB
    )
    return list(series.appointments.order_by("start_at"))


def test_a_weekly_series_creates_its_sessions_and_audits_each(cast: Cast) -> None:
    appointments = _weekly(cast)
    gaps = {(b.start_at - a.start_at).days for a, b in zip(appointments, appointments[1:], strict=False)}
    assert len(appointments) == 4 and gaps == {7}
    assert AuditEvent.objects.filter(action=AuditAction.APPOINTMENT_CREATE, client_id=cast.client.id).count() == 4


def test_bad_plans_are_field_errors(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="Choose a cadence between 1 and 90 days") as caught:
        series_create(
            actor=cast.clinician,
            client=cast.client,
            first_start=timezone.now(),
            cadence_days=0,
            count=99,
            duration_minutes=5,
            modality="phone",
            channel=Channel.WEB,
        )
    assert set(caught.value.message_dict) == {"cadence_days", "count", "duration_minutes", "modality"}
    assert not Appointment.objects.exists()


def test_attendance_waits_for_the_session(cast: Cast) -> None:
    appointment = _weekly(cast, first=timezone.now() + dt.timedelta(days=3))[0]
    with pytest.raises(ValidationError, match="recorded once the session has started"):
        attendance_mark(actor=cast.clinician, appointment=appointment, status="attended", channel=Channel.WEB)
    attendance_mark(actor=cast.clinician, appointment=appointment, status="clinician_cancel", channel=Channel.WEB)
    assert Appointment.objects.get(pk=appointment.pk).status == "clinician_cancel"


def test_rescheduling_keeps_the_old_slot_as_moved(cast: Cast) -> None:
    appointment = _weekly(cast)[0]
    moved = appointment_reschedule(
        actor=cast.clinician,
        appointment=appointment,
        new_start=appointment.start_at + dt.timedelta(days=1),
        channel=Channel.WEB,
    )
    appointment.refresh_from_db()
    assert appointment.status == "rescheduled" and appointment.replaced_by_id == moved.id


def test_the_client_asks_to_change_only_their_own_session(cast: Cast) -> None:
    appointment = _weekly(cast)[0]
    assert cast.client_member is not None
    change_request(member=cast.client_member, client=cast.client, appointment_id=appointment.id, channel=Channel.WEB)
    assert Appointment.objects.get(pk=appointment.pk).change_requested_at is not None
    with pytest.raises(Http404):
        change_request(
            member=cast.client_member, client=cast.other_client, appointment_id=appointment.id, channel=Channel.WEB
        )


def test_reminders_carry_the_time_and_a_link_but_no_phi(cast: Cast, smtp_inbox: Inbox) -> None:
    _weekly(cast)
    assert appointment_reminders_send() == 1  # only the session within 24 hours
    [message] = smtp_inbox.messages
    text = str(message["Subject"]) + smtp_inbox.body()
    assert "Your appointment is on" in text and "http://localhost:8000/portal/" in text
    for word in PHI:
        assert word not in text, word
    assert appointment_reminders_send() == 0  # once


def test_the_calendar_feed_is_valid_rfc5545_with_initials_only(cast: Cast) -> None:
    _weekly(cast)
    body = feed_ics(member=cast.clinician)
    calendar = icalendar.Calendar.from_ical(body)
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == 4
    assert {str(e["summary"]) for e in events} == {"Session · J.C.C."}
    assert calendar["version"] == "2.0" and all(e["uid"] and e["dtstamp"] for e in events)
    for word in PHI:
        assert word.encode() not in body, word


def test_the_feed_url_works_until_revoked(cast: Cast) -> None:
    _weekly(cast)
    secret = feed_create(member=cast.clinician, channel=Channel.WEB)
    http = HttpClient()
    assert http.get(f"/calendar/{secret}.ics").status_code == 200
    feed_revoke(member=cast.clinician, channel=Channel.WEB)
    assert http.get(f"/calendar/{secret}.ics").status_code == 404
    assert http.get("/calendar/not-a-secret.ics").status_code == 404


def test_the_sessions_page_moves_a_session_and_plans_a_custom_cadence(cast: Cast) -> None:
    http = HttpClient()
    http.force_login(cast.clinician.user)
    url = f"/clients/{cast.client.id}/sessions/"
    data = {
        "first_start": "2030-01-07T10:00",
        "cadence_days": "10",
        "count": "2",
        "duration_minutes": "50",
        "modality": "video",
    }
    assert http.post(url, data).status_code == 302
    first, second = Appointment.objects.order_by("start_at")
    assert (second.start_at - first.start_at).days == 10 and first.modality == "video"
    assert http.post(f"/sessions/{first.id}/move/", {"start_at": "2030-01-08T09:00"}).status_code == 302
    first.refresh_from_db()
    assert first.status == "rescheduled" and first.replaced_by is not None
    assert b"Moved to another time" in http.get(url).content
