"""The demo's recent weeks of care: sessions with attendance, measures and the warnings they raise.

Through the real services, so the charts, consistency figures and early warnings on the demo
dashboard are what a practice would see. Dates are relative to today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from confide.audit.actions import Channel
from confide.clients.models import Client
from confide.measures.services import administration_record, assignment_create
from confide.practices.models import Member
from confide.scheduling.models import Appointment
from confide.scheduling.services import attendance_mark, series_create


@dataclass(frozen=True)
class Plan:
    attendance: list[str]
    phq9: list[list[int | None]]
    srs: list[list[int | None]]


# Per client: attendance of the last five weekly sessions, PHQ-9 totals' answer patterns, SRS line marks (mm).
PLANS: dict[str, Plan] = {
    "Jordan Alvarez": Plan(
        attendance=["attended", "attended", "attended", "attended", "attended"],
        phq9=[
            [2, 2, 2, 2, 1, 1, 1, 1, 0],
            [2, 2, 1, 2, 1, 1, 1, 0, 0],
            [1, 1, 1, 1, 1, 1, 0, 0, 0],
            [1, 1, 1, 0, 1, 0, 0, 0, 0],
            [1, 0, 1, 0, 0, 0, 0, 0, 0],
        ],
        srs=[[92, 90, 88, 91], [94, 93, 90, 93], [95, 94, 93, 95], [96, 95, 95, 96], [97, 96, 96, 97]],
    ),
    "Priya Natarajan": Plan(
        attendance=["attended", "attended", "no_show", "late_cancel", "attended"],
        phq9=[[1, 1, 1, 1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1, 0, 0], [2, 2, 2, 2, 1, 2, 1, 1, 1]],
        srs=[[95, 94, 93, 95], [90, 88, 86, 89], [78, 80, 76, 79]],
    ),
    "Mateo Rossi": Plan(
        attendance=["attended", "clinician_cancel", "attended", "attended", "attended"],
        phq9=[
            [2, 2, 2, 1, 1, 1, 1, 1, 0],
            [2, 2, 1, 1, 1, 1, 1, 0, 0],
            [1, 2, 1, 1, 1, 1, 0, 0, 0],
            [1, 1, 1, 1, 1, 0, 0, 0, 0],
        ],
        srs=[[90, 91, 90, 92], [91, 92, 92, 93], [93, 93, 92, 94], [94, 94, 94, 95]],
    ),
}


def demo_care(*, clinician: Member, clients: list[Client], names: dict[str, str]) -> None:
    """Five past weekly sessions and three to come for each of the clinician's demo clients."""
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    for client in clients:
        plan = PLANS.get(names[str(client.id)])
        if plan is None:
            continue
        first = now - dt.timedelta(days=35) + dt.timedelta(hours=1)
        series = series_create(
            actor=clinician,
            client=client,
            first_start=first,
            cadence_days=7,
            count=8,
            modality="in_person",
            channel=Channel.CLI,
        )
        sessions = list(series.appointments.order_by("start_at"))
        measured = 0
        for appointment, status in zip(sessions, plan.attendance, strict=False):
            late = 7 if status == "attended" and measured == 1 and names[str(client.id)] == "Mateo Rossi" else 0
            attendance_mark(
                actor=clinician,
                appointment=appointment,
                status=status,
                clinician_late_minutes=late,
                channel=Channel.CLI,
            )
            if status != Appointment.Status.ATTENDED or measured >= len(plan.phq9):
                continue
            for instrument, answers in (("phq9", plan.phq9), ("srs", plan.srs)):
                administration_record(
                    entered_by=clinician,
                    client=client,
                    instrument=instrument,
                    answers=answers[measured],
                    channel=Channel.CLI,
                    when=appointment.start_at + dt.timedelta(minutes=5 if instrument == "phq9" else 45),
                )
            measured += 1
        assignment_create(actor=clinician, client=client, instrument="gad7", channel=Channel.CLI)
