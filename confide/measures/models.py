"""Administrations of measures and the early warnings they raise.

Answers, results and warning kinds are health information: all sealed under the client's key.
Only the instrument, the time and who entered it are in the clear.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from confide.clients.sealed import SealedRow


class Assignment(models.Model):
    """A measure the clinician asked the client to complete in the portal."""

    id = models.BigAutoField(primary_key=True)
    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    instrument = models.CharField(max_length=10)
    assigned_by = models.ForeignKey("practices.Member", on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"assignment {self.pk}"


class Plan(models.Model):
    """Ask the client for an instrument every N attended sessions (created when attendance is recorded)."""

    id = models.BigAutoField(primary_key=True)
    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    instrument = models.CharField(max_length=10)
    every_sessions = models.PositiveSmallIntegerField()
    created_by = models.ForeignKey("practices.Member", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "client", "instrument"], name="plan_unique")]

    def __str__(self) -> str:
        return f"measure plan {self.pk}"


class Administration(SealedRow):
    SEALED = ("answers", "result")

    instrument = models.CharField(max_length=10)
    completed_at = models.DateTimeField(default=timezone.now)
    entered_by = models.ForeignKey("practices.Member", on_delete=models.PROTECT, related_name="+")
    assignment = models.ForeignKey(Assignment, null=True, on_delete=models.PROTECT, related_name="+")
    answers_ct = models.BinaryField()  # JSON list of raw item values (VAS in whole millimetres)
    result_ct = models.BinaryField()  # JSON {total, band, flags}: recomputable from the answers

    class Meta:
        indexes = [
            models.Index(fields=["practice", "client", "instrument", "completed_at"], name="administration_time")
        ]

    def __str__(self) -> str:
        return f"administration {self.pk}"


class EarlyWarning(SealedRow):
    SEALED = ("detail", "note")

    administration = models.ForeignKey(Administration, null=True, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(default=timezone.now)
    detail_ct = models.BinaryField()  # JSON {kind, message, rule, status}
    acknowledged_by = models.ForeignKey("practices.Member", null=True, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(null=True)
    note_ct = models.BinaryField(null=True)

    class Meta:
        indexes = [models.Index(fields=["practice", "client", "acknowledged_at"], name="warning_open")]

    def __str__(self) -> str:
        return f"early warning {self.pk}"
