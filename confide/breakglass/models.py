"""Break-glass: a time-limited emergency grant to open a record off the care team, always reviewed."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from confide.clients.sealed import SealedRow


class Grant(SealedRow):
    class Decision(models.TextChoices):
        JUSTIFIED = "justified", "Justified"
        NOT_JUSTIFIED = "not_justified", "Not justified"

    SEALED = ("reason", "review_note")

    member = models.ForeignKey("practices.Member", on_delete=models.PROTECT, related_name="+")
    reason_ct = models.BinaryField()
    opened_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey("practices.Member", null=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True)
    decision = models.CharField(max_length=16, choices=Decision.choices, blank=True)
    review_note_ct = models.BinaryField(null=True)

    class Meta:
        indexes = [models.Index(fields=["practice", "member", "client", "expires_at"], name="grant_member_client")]

    def __str__(self) -> str:
        return f"break-glass grant {self.pk}"
