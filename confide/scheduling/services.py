"""Scheduling: series and single appointments, rescheduling, attendance, the client's change requests."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.clients.models import Client
from confide.lib.lookup import one_or_404
from confide.measures.services import plans_apply
from confide.practices.models import Member
from confide.practices.permissions import Permission
from confide.scheduling.models import Appointment, Modality, Series

MAX_SERIES = 52
ATTENDANCE = {
    Appointment.Status.ATTENDED,
    Appointment.Status.LATE_CANCEL,
    Appointment.Status.NO_SHOW,
    Appointment.Status.CLINICIAN_CANCEL,
    Appointment.Status.CANCELLED,
}


def _event(actor: Member, action: AuditAction, appointment: Appointment, channel: Channel) -> None:
    event_record(
        actor=actor,
        action=action,
        channel=channel,
        client_id=appointment.client_id,
        object_type="appointment",
        object_id=str(appointment.id),
    )


def _check(start: dt.datetime, duration: int, modality: str) -> dict[str, str]:
    errors = {}
    if timezone.is_naive(start):
        errors["start_at"] = "Give the time with its time zone."
    if not 10 <= duration <= 240:
        errors["duration_minutes"] = "A session lasts 10 to 240 minutes."
    if modality not in Modality.values:
        errors["modality"] = "Choose in person or video."
    return errors


def series_create(
    *,
    actor: Member,
    client: Client,
    first_start: dt.datetime,
    cadence_days: int,
    count: int,
    duration_minutes: int = 50,
    modality: str = Modality.IN_PERSON,
    channel: Channel,
) -> Series:
    """A recurring plan (weekly = 7, fortnightly = 14, or any cadence) and its first ``count`` sessions."""
    if not actor.has(Permission.SCHEDULING_APPOINTMENT_MANAGE):
        raise Http404
    errors = _check(first_start, duration_minutes, modality)
    if not 1 <= cadence_days <= 90:
        errors["cadence_days"] = "Choose a cadence between 1 and 90 days."
    if not 1 <= count <= MAX_SERIES:
        errors["count"] = f"Schedule between 1 and {MAX_SERIES} sessions at a time."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        series = Series.objects.create(
            practice_id=client.practice_id,
            client=client,
            clinician=actor,
            cadence_days=cadence_days,
            duration_minutes=duration_minutes,
            modality=modality,
        )
        for n in range(count):
            appointment = Appointment.objects.create(
                practice_id=client.practice_id,
                client=client,
                clinician=actor,
                series=series,
                start_at=first_start + dt.timedelta(days=n * cadence_days),
                duration_minutes=duration_minutes,
                modality=modality,
            )
            _event(actor, AuditAction.APPOINTMENT_CREATE, appointment, channel)
    return series


def appointment_for_member(*, member: Member, appointment_id: object) -> Appointment:
    appointment = one_or_404(
        Appointment.objects.select_related("client"), practice_id=member.practice_id, pk=str(appointment_id)
    )
    on_team = appointment.client.care_team.filter(member=member).exists()
    if not member.has(Permission.SCHEDULING_APPOINTMENT_MANAGE) or not on_team:
        raise Http404
    return appointment


def attendance_mark(
    *, actor: Member, appointment: Appointment, status: str, clinician_late_minutes: int = 0, channel: Channel
) -> None:
    if status not in ATTENDANCE:
        raise ValidationError({"status": "Choose what happened."})
    if status != Appointment.Status.CLINICIAN_CANCEL and appointment.start_at > timezone.now() + dt.timedelta(hours=1):
        if status != Appointment.Status.CANCELLED:
            raise ValidationError({"status": "Attendance is recorded once the session has started."})
    if not 0 <= clinician_late_minutes <= 240:
        raise ValidationError({"clinician_late_minutes": "Give the minutes you started late (0 to 240)."})
    with transaction.atomic():
        appointment.status, appointment.clinician_late_minutes = status, clinician_late_minutes
        appointment.save(update_fields=["status", "clinician_late_minutes"])
        _event(actor, AuditAction.APPOINTMENT_UPDATE, appointment, channel)
        if status == Appointment.Status.ATTENDED:
            attended = Appointment.objects.filter(client=appointment.client, status=Appointment.Status.ATTENDED).count()
            plans_apply(actor=actor, client=appointment.client, attended=attended, channel=channel)


def appointment_reschedule(
    *, actor: Member, appointment: Appointment, new_start: dt.datetime, channel: Channel
) -> Appointment:
    if appointment.status != Appointment.Status.SCHEDULED:
        raise ValidationError({"start_at": "Only a scheduled session can be moved."})
    errors = _check(new_start, appointment.duration_minutes, appointment.modality)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        moved = Appointment.objects.create(
            practice_id=appointment.practice_id,
            client=appointment.client,
            clinician=appointment.clinician,
            series=appointment.series,
            start_at=new_start,
            duration_minutes=appointment.duration_minutes,
            modality=appointment.modality,
        )
        appointment.status, appointment.replaced_by = Appointment.Status.RESCHEDULED, moved
        appointment.save(update_fields=["status", "replaced_by"])
        _event(actor, AuditAction.APPOINTMENT_UPDATE, moved, channel)
    return moved


def change_request(*, member: Member, client: Client, appointment_id: object, channel: Channel) -> None:
    """The client asks to move a session (from the portal); the clinician sees it on the dashboard."""
    if not member.has(Permission.PORTAL_SELF_READ) or client.portal_member_id != member.id:
        raise Http404
    appointment = one_or_404(
        Appointment.objects.all(),
        practice_id=client.practice_id,
        client=client,
        pk=str(appointment_id),
        status=Appointment.Status.SCHEDULED,
    )
    with transaction.atomic():
        appointment.change_requested_at = timezone.now()
        appointment.save(update_fields=["change_requested_at"])
        _event(member, AuditAction.APPOINTMENT_CHANGE_REQUEST, appointment, channel)


def upcoming_for_client(*, client: Client, now: dt.datetime | None = None) -> list[Appointment]:
    return list(
        Appointment.objects.filter(
            practice_id=client.practice_id,
            client=client,
            status=Appointment.Status.SCHEDULED,
            start_at__gte=(now or timezone.now()) - dt.timedelta(hours=1),
        )
        .select_related("clinician__user")
        .order_by("start_at")[:20]
    )
