"""Consistency figures for clients and clinicians (pure)."""

from __future__ import annotations

import datetime as dt

from confide.scheduling.consistency import Visit, client_consistency, clinician_consistency

NOW = dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC)


def _weekly(statuses: list[str], *, start_weeks_ago: int) -> list[Visit]:
    first = NOW - dt.timedelta(weeks=start_weeks_ago)
    return [Visit(first + dt.timedelta(weeks=n), status) for n, status in enumerate(statuses)]


def test_weekly_attendance_as_planned_is_fully_regular() -> None:
    figures = client_consistency(_weekly(["attended"] * 6, start_weeks_ago=6), cadence_days=7, now=NOW)
    assert (figures.attended, figures.counted, figures.attendance_rate) == (6, 6, 1.0)
    assert figures.mean_interval_days == 7 and figures.regularity == 1.0 and figures.alerts == ()


def test_two_misses_in_a_row_raise_an_alert() -> None:
    figures = client_consistency(
        _weekly(["attended", "attended", "no_show", "late_cancel"], start_weeks_ago=4), cadence_days=7, now=NOW
    )
    assert figures.consecutive_missed == 2
    assert figures.attendance_rate == 0.5
    assert "2 sessions missed in a row" in figures.alerts


def test_a_long_gap_against_the_plan_raises_an_alert() -> None:
    visits = _weekly(["attended", "attended"], start_weeks_ago=6)
    figures = client_consistency(visits, cadence_days=7, now=NOW)
    assert any(alert.startswith("no session for 35 days") for alert in figures.alerts)


def test_clinician_cancellations_do_not_count_against_the_client() -> None:
    figures = client_consistency(
        _weekly(["attended", "clinician_cancel", "attended"], start_weeks_ago=3), cadence_days=7, now=NOW
    )
    assert (figures.attended, figures.counted, figures.consecutive_missed) == (2, 2, 0)


def test_fortnightly_sessions_held_monthly_are_half_regular() -> None:
    first = NOW - dt.timedelta(days=84)
    visits = [Visit(first + dt.timedelta(days=28 * n), "attended") for n in range(4)]
    assert client_consistency(visits, cadence_days=14, now=NOW).regularity == 0.5


def test_the_clinicians_own_reliability() -> None:
    visits = [
        Visit(NOW - dt.timedelta(days=d), status, late)
        for d, status, late in [
            (1, "attended", 10),
            (8, "clinician_cancel", 0),
            (15, "attended", 0),
            (22, "attended", 4),
        ]
    ]
    figures = clinician_consistency(visits, now=NOW)
    assert (figures.sessions, figures.clinician_cancellations, figures.late_sessions) == (4, 1, 2)
    assert figures.cancellation_rate == 0.25 and figures.mean_late_minutes == 7
