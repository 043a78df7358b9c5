"""Legal holds: while one is active, a client's record cannot be shredded or deleted by retention."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from confide.clients.sealed import SealedRow


class LegalHold(SealedRow):
    SEALED = ("reason", "release_reason")

    placed_by = models.ForeignKey("practices.Member", on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(default=timezone.now)
    reason_ct = models.BinaryField()
    released_by = models.ForeignKey("practices.Member", null=True, on_delete=models.PROTECT, related_name="+")
    released_at = models.DateTimeField(null=True)
    release_reason_ct = models.BinaryField(null=True)

    class Meta:
        indexes = [models.Index(fields=["practice", "client", "released_at"], name="hold_client_active")]

    def __str__(self) -> str:
        return f"legal hold {self.pk}"
