"""Appointments, recurring series and attendance; private calendar feeds.

No names are stored here: an appointment points at its client. Times are not sealed — the
dashboard, reminders and the calendar need them — but a time tells nothing without the client.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class Modality(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIDEO = "video", "Teletherapy (video)"


class Series(models.Model):
    """A recurring plan: every ``cadence_days`` days, as agreed with the client (consistency is measured against it)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    clinician = models.ForeignKey("practices.Member", on_delete=models.PROTECT, related_name="+")
    cadence_days = models.PositiveSmallIntegerField()
    duration_minutes = models.PositiveSmallIntegerField(default=50)
    modality = models.CharField(max_length=10, choices=Modality.choices)
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"series {self.pk}"


class Appointment(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        ATTENDED = "attended", "Attended"
        LATE_CANCEL = "late_cancel", "Late cancellation"
        NO_SHOW = "no_show", "No-show"
        CLINICIAN_CANCEL = "clinician_cancel", "Cancelled by the clinician"
        CANCELLED = "cancelled", "Cancelled in time"
        RESCHEDULED = "rescheduled", "Moved to another time"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    clinician = models.ForeignKey("practices.Member", on_delete=models.PROTECT, related_name="+")
    series = models.ForeignKey(Series, null=True, on_delete=models.PROTECT, related_name="appointments")
    start_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=50)
    modality = models.CharField(max_length=10, choices=Modality.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    clinician_late_minutes = models.PositiveSmallIntegerField(default=0)
    replaced_by = models.ForeignKey("self", null=True, on_delete=models.PROTECT, related_name="+")
    change_requested_at = models.DateTimeField(null=True)
    reminded_at = models.DateTimeField(null=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["practice", "clinician", "start_at"], name="appointment_clinician_time"),
            models.Index(fields=["practice", "client", "start_at"], name="appointment_client_time"),
        ]

    def __str__(self) -> str:
        return f"appointment {self.pk}"


class CalendarFeed(models.Model):
    """A member's private iCalendar feed behind a revocable secret URL (only its hash is stored)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey("practices.Member", on_delete=models.PROTECT, related_name="+")
    secret_hash = models.BinaryField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"calendar feed {self.pk}"
