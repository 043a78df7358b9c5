"""Audit events and the transparency log built on them.

An event holds identifiers only, never client data. At insert it gets a per-client sequence
number (so a hidden entry shows as a gap), a random salt and a commitment to its canonical
bytes. A background integrator appends commitments as leaves of the practice's RFC 9162
Merkle tree, stores every complete subtree hash (proofs in O(log n) lookups) and signs a
checkpoint. Log tables (leaves, nodes, checkpoints) are append-only.
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
    client_seq = models.PositiveBigIntegerField(null=True)
    object_type = models.CharField(max_length=32, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    purpose = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=16, default="ok")
    created_at = models.DateTimeField(default=timezone.now)
    salt = models.BinaryField(max_length=32, null=True)  # removed when the client is shredded
    commitment = models.BinaryField(max_length=32)

    class Meta:
        indexes = [models.Index(fields=["practice", "client_id", "id"], name="audit_practice_client")]
        constraints = [
            models.UniqueConstraint(fields=["practice", "client_id", "client_seq"], name="audit_client_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_id}"

    def canonical_fields(self) -> dict[str, object]:
        return {
            "practice": str(self.practice_id),
            "actor": str(self.actor_id) if self.actor_id else None,
            "role": self.actor_role,
            "action": self.action,
            "channel": self.channel,
            "client": str(self.client_id) if self.client_id else None,
            "seq": self.client_seq,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "purpose": self.purpose,
            "outcome": self.outcome,
            "time": self.created_at.isoformat(),
        }


class LogState(models.Model):
    """One row per practice log: its size, serialising integrators."""

    practice = models.OneToOneField("practices.Practice", on_delete=models.PROTECT, related_name="+")
    size = models.PositiveBigIntegerField(default=0)
    last_event_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"log of {self.practice_id} at size {self.size}"


class LogLeaf(models.Model):
    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    index = models.PositiveBigIntegerField()
    event_id = models.BigIntegerField()
    leaf_hash = models.BinaryField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "index"], name="logleaf_index_unique"),
            models.UniqueConstraint(fields=["practice", "event_id"], name="logleaf_event_unique"),
        ]

    def __str__(self) -> str:
        return f"leaf {self.index}"


class LogNode(models.Model):
    """The hash of a complete subtree: leaves [index·2^level, (index+1)·2^level)."""

    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField()
    index = models.PositiveBigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "level", "index"], name="lognode_unique")]

    def __str__(self) -> str:
        return f"node {self.level}/{self.index}"


class Checkpoint(models.Model):
    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    size = models.PositiveBigIntegerField()
    root = models.BinaryField(max_length=32)
    note = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "size"], name="checkpoint_size_unique")]

    def __str__(self) -> str:
        return f"checkpoint at size {self.size}"
