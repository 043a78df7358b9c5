"""Consistency figures (pure core): is the client coming as planned, and is the clinician reliable?

Design choices, not validated measures (instruments.md §5.7): attendance over the last eight weeks;
mean interval between attended sessions against the planned cadence; longest gap; consecutive misses.
Clinician cancellations count against the clinician, never the client.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

MISSED = {"no_show", "late_cancel"}
CLIENT_COUNTED = {"attended", "no_show", "late_cancel", "cancelled"}
WINDOW = dt.timedelta(weeks=8)


@dataclass(frozen=True)
class Visit:
    start: dt.datetime
    status: str
    clinician_late_minutes: int = 0


@dataclass(frozen=True)
class ClientConsistency:
    attended: int
    counted: int
    attendance_rate: float | None  # attended / (attended + cancellations + misses), last 8 weeks
    planned_interval_days: int | None
    mean_interval_days: float | None
    regularity: float | None  # planned / mean interval, at most 1.0 (1.0 = as planned)
    longest_gap_days: float | None
    consecutive_missed: int
    alerts: tuple[str, ...]


def client_consistency(visits: list[Visit], *, cadence_days: int | None, now: dt.datetime) -> ClientConsistency:
    past = sorted((v for v in visits if v.start <= now), key=lambda v: v.start)
    recent = [v for v in past if v.start >= now - WINDOW and v.status in CLIENT_COUNTED]
    attended = [v for v in recent if v.status == "attended"]
    rate = len(attended) / len(recent) if recent else None
    attended_all = [v.start for v in past if v.status == "attended"]
    gaps = [(b - a).total_seconds() / 86400 for a, b in zip(attended_all, attended_all[1:], strict=False)]
    if attended_all:
        gaps.append((now - attended_all[-1]).total_seconds() / 86400)  # the gap still open now
    mean = sum(gaps[:-1]) / len(gaps[:-1]) if len(gaps) > 1 else None
    regularity = min(1.0, cadence_days / mean) if cadence_days and mean else None
    streak = 0
    for visit in reversed([v for v in past if v.status in CLIENT_COUNTED]):
        if visit.status not in MISSED:
            break
        streak += 1
    longest = max(gaps) if gaps else None
    alerts = []
    if streak >= 2:
        alerts.append(f"{streak} sessions missed in a row")
    if cadence_days and longest is not None and gaps[-1] > 2 * cadence_days:
        alerts.append(f"no session for {gaps[-1]:.0f} days (planned every {cadence_days})")
    return ClientConsistency(
        attended=len(attended),
        counted=len(recent),
        attendance_rate=rate,
        planned_interval_days=cadence_days,
        mean_interval_days=mean,
        regularity=regularity,
        longest_gap_days=longest,
        consecutive_missed=streak,
        alerts=tuple(alerts),
    )


@dataclass(frozen=True)
class ClinicianConsistency:
    sessions: int
    clinician_cancellations: int
    cancellation_rate: float | None
    late_sessions: int
    mean_late_minutes: float | None


def clinician_consistency(visits: list[Visit], *, now: dt.datetime) -> ClinicianConsistency:
    """The clinician's own reliability over the last eight weeks: their cancellations and lateness."""
    recent = [
        v for v in visits if now - WINDOW <= v.start <= now and v.status in (CLIENT_COUNTED | {"clinician_cancel"})
    ]
    cancels = [v for v in recent if v.status == "clinician_cancel"]
    late = [v for v in recent if v.status == "attended" and v.clinician_late_minutes > 0]
    return ClinicianConsistency(
        sessions=len(recent),
        clinician_cancellations=len(cancels),
        cancellation_rate=len(cancels) / len(recent) if recent else None,
        late_sessions=len(late),
        mean_late_minutes=sum(v.clinician_late_minutes for v in late) / len(late) if late else None,
    )
