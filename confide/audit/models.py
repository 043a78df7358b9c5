"""Audit events. Append-only by convention here; the transparency log (Merkle tree,
signed checkpoints, per-client sequence numbers) is built on these rows.

An event holds identifiers only, never client data, so it needs no decryption to show.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel


class AuditEvent(models.Model):
    id = models.BigAutoField(primary_key=True)
    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey("practices.Member", null=True, on_delete=models.PROTECT, related_name="+")
    actor_role = models.CharField(max_length=16, blank=True)
    action = models.CharField(max_length=64, choices=[(a.value, a.value) for a in AuditAction])
    channel = models.CharField(max_length=8, choices=[(c.value, c.value) for c in Channel])
    # Plain identifiers, not foreign keys: an event outlives a shredded client.
    client_id = models.UUIDField(null=True, db_index=True)
    object_type = models.CharField(max_length=32, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    purpose = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=16, default="ok")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["practice", "client_id", "id"], name="audit_practice_client")]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_id}"
