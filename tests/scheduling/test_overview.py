"""The clinician's overview across clients, and attendance alerts on the dashboard."""

from __future__ import annotations

import datetime as dt

from django.test import Client as HttpClient
from django.utils import timezone

from confide.audit.actions import Channel
from confide.scheduling.selectors import overview_for
from confide.scheduling.services import attendance_mark, series_create
from tests.cast import Cast
from tests.measures.helpers import record


def _missed_twice(cast: Cast) -> None:
    series = series_create(
        actor=cast.clinician,
        client=cast.client,
        first_start=timezone.now() - dt.timedelta(days=21),
        cadence_days=7,
        count=3,
        channel=Channel.CLI,
    )
    for appointment, status in zip(
        series.appointments.order_by("start_at"), ["attended", "no_show", "no_show"], strict=True
    ):
        attendance_mark(actor=cast.clinician, appointment=appointment, status=status, channel=Channel.CLI)


def test_the_overview_shows_attendance_alliance_and_alerts(cast: Cast) -> None:
    _missed_twice(cast)
    record(cast, "srs", [80, 85, 85, 80])
    rows, own = overview_for(member=cast.clinician, channel=Channel.WEB)
    [row] = rows
    assert row.name == "Jordan Canary-Client" and row.latest_srs == 33.0
    assert row.figures.attendance_rate == 1 / 3 and "2 sessions missed in a row" in row.figures.alerts
    assert own.sessions == 3 and own.clinician_cancellations == 0


def test_the_dashboard_shows_the_attendance_alert(cast: Cast) -> None:
    _missed_twice(cast)
    http = HttpClient()
    http.force_login(cast.clinician.user)
    content = http.get("/dashboard/").content.decode()
    assert 'id="attendance-alerts"' in content and "2 sessions missed in a row" in content


def test_the_caseload_charts_are_pictures_labelled_by_initials(cast: Cast) -> None:
    _missed_twice(cast)
    record(cast, "srs", [80, 85, 85, 80])
    http = HttpClient()
    http.force_login(cast.clinician.user)
    for kind in ("alliance", "attendance"):
        response = http.get(f"/account/overview/{kind}.svg")
        svg = response.content.decode()
        assert response["Content-Type"] == "image/svg+xml" and "<script" not in svg
        assert "J.C.C." in svg and "Jordan" not in svg
    assert http.get("/account/overview/names.svg").status_code == 404
