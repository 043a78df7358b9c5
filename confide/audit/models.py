"""Audit events and the transparency log built on them.

An event holds identifiers only, never client data. At insert it gets a per-client sequence
number (so a hidden entry shows as a gap), a random salt and a commitment to its canonical
bytes. A background integrator appends commitments as leaves of the practice's RFC 9162
Merkle tree, stores every complete subtree hash (proofs in O(log n) lookups) and signs a
checkpoint. Log tables (leaves, nodes, checkpoints) are append-only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    id = models.BigAutoField(primary_key=True)
    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey("practices.Member", null=True, on_delete=models.PROTECT, related_name="+")
    actor_role = models.CharField(max_length=16, blank=True)
    # Values of AuditAction and Channel, checked where events are made (services.py): no choices here, so a
    # new action needs no migration.
    action = models.CharField(max_length=64)
    channel = models.CharField(max_length=8)
    # Plain identifiers, not foreign keys: an event outlives a shredded client.
    client_id = models.UUIDField(null=True, db_index=True)
    client_seq = models.PositiveBigIntegerField(null=True)
    # A sealed entry (a disclosure the law lets the practice keep from the client for a time) takes no
    # number of the client's visible history: it names its seal (e.g. "disclosure:<id>") and is numbered
    # within that seal alone (so one seal's numbers say nothing of another's); a later visible lifting event
    # opens it (confide.audit.seals).
    seal = models.CharField(max_length=80, blank=True, default="", db_default="")
    sealed_seq = models.PositiveBigIntegerField(null=True)
    object_type = models.CharField(max_length=32, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    # Several objects at once, space-separated (e.g. the 50 notes a chart showed): one event names them all.
    object_ids = models.TextField(blank=True, default="", db_default="")
    purpose = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=16, default="ok")
    created_at = models.DateTimeField(default=timezone.now)
    salt = models.BinaryField(max_length=32, null=True)  # removed when the client is shredded
    commitment = models.BinaryField(max_length=32)
    # HMAC of the commitment under a key derived from the master key: an event written into the
    # database by anyone without that key is refused by the integrator and named by `audit verify`.
    tag = models.BinaryField(max_length=32, default=b"")

    class Meta:
        indexes = [
            models.Index(fields=["practice", "client_id", "id"], name="audit_practice_client"),
            # The client's history filtered by person, newest first, in one range.
            models.Index(fields=["practice", "client_id", "actor", "client_seq"], name="audit_client_actor"),
            # The entries that lifted a client's seals (few): found without reading their whole history.
            models.Index(
                fields=["practice", "client_id", "object_id"],
                condition=models.Q(action="audit:seal:lift"),
                name="audit_seal_lifts",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["practice", "client_id", "client_seq"], name="audit_client_seq_unique"),
            models.UniqueConstraint(
                fields=["practice", "client_id", "seal", "sealed_seq"], name="audit_seal_seq_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_id}"

    def canonical_fields(self) -> dict[str, object]:
        return canonical_fields_of({column: getattr(self, column) for column in EVENT_COLUMNS})


EVENT_COLUMNS = (
    "practice_id", "actor_id", "actor_role", "action", "channel", "client_id", "client_seq",
    "object_type", "object_id", "purpose", "outcome", "created_at", "seal", "sealed_seq", "object_ids",
)  # fmt: skip


def canonical_fields_of(row: Mapping[str, Any]) -> dict[str, object]:
    """The committed fields of an event, from a model or a ``values()`` row alike; a sealed entry also
    commits to its seal and its number in the sealed stream, and an event about several objects to their
    ids (other entries' bytes are as they always were)."""
    fields: dict[str, object] = {
        "practice": str(row["practice_id"]),
        "actor": str(row["actor_id"]) if row["actor_id"] else None,
        "role": row["actor_role"],
        "action": row["action"],
        "channel": row["channel"],
        "client": str(row["client_id"]) if row["client_id"] else None,
        "seq": row["client_seq"],
        "object_type": row["object_type"],
        "object_id": row["object_id"],
        "purpose": row["purpose"],
        "outcome": row["outcome"],
        "time": row["created_at"].isoformat(),
    }
    if row.get("seal"):
        fields |= {"seal": row["seal"], "sealed_seq": row["sealed_seq"]}
    if row.get("object_ids"):
        fields["objects"] = row["object_ids"].split(" ")
    return fields


class ClientCounter(models.Model):
    """The last sequence number handed out in each client's history: taking the next is one indexed
    update whatever the history's length, and a number is never handed out twice (a trigger refuses
    to lower or delete a counter)."""

    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    client_id = models.UUIDField()
    last_seq = models.PositiveBigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "client_id"], name="clientcounter_unique")]

    def __str__(self) -> str:
        return f"counter at {self.last_seq}"


class LogHead(models.Model):
    """Each client's head in the log: the number and leaf index of their newest logged entry. Every
    checkpoint signs a Merkle root over all heads (``confide.audit.heads``), so dropping any entry,
    the newest included, contradicts a signature."""

    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    client_id = models.UUIDField()
    seq = models.PositiveBigIntegerField()
    leaf_index = models.PositiveBigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "client_id"], name="loghead_unique")]

    def __str__(self) -> str:
        return f"head at {self.seq}"


class PendingEvent(models.Model):
    """The integrator's queue: one row per event recorded but not yet logged, written in the event's own
    transaction and removed when the event is logged (or refused). An event that commits late, after
    thousands of others, is still found; a queue row an attacker deletes leaves an event that is neither
    logged nor waiting, which `audit verify` names and the client's browser sees as unlogged."""

    event_id = models.BigIntegerField(primary_key=True)
    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["practice", "event_id"], name="pendingevent_practice")]

    def __str__(self) -> str:
        return f"event {self.event_id}, waiting"


class LogState(models.Model):
    """One row per practice log: its size, serialising integrators."""

    practice = models.OneToOneField("practices.Practice", on_delete=models.PROTECT, related_name="+")
    size = models.PositiveBigIntegerField(default=0)

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
    # The root of the client-heads map and its number of heads, as signed in the note's extension line.
    heads_root = models.BinaryField(max_length=32, default=b"")
    heads = models.PositiveIntegerField(default=0)
    note = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "size"], name="checkpoint_size_unique")]

    def __str__(self) -> str:
        return f"checkpoint at size {self.size}"


class SealCounter(models.Model):
    """One seal's numbers: the last handed out and the newest logged. Never in the signed map (any value
    there that moved when something was sealed would give it away); a trigger keeps both moving forward."""

    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    client_id = models.UUIDField()
    seal = models.CharField(max_length=80)
    last = models.PositiveBigIntegerField(default=0)
    logged = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "client_id", "seal"], name="sealcounter_unique")]

    def __str__(self) -> str:
        return f"seal at {self.last}"


class SealLift(models.Model):
    """A seal opened, once (the unique constraint: never lifted twice), written with the visible event that
    opens it (``event_id``). What is lifted is decided by those events alone (tagged, checked), never by
    these rows: deleting or forging one changes nothing the client sees."""

    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    client_id = models.UUIDField()
    seal = models.CharField(max_length=80)
    event_id = models.BigIntegerField()
    lifted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "client_id", "seal"], name="seallift_unique")]

    def __str__(self) -> str:
        return f"seal lifted by event {self.event_id}"


class Cosignature(models.Model):
    """A witness's cosignature of one of the practice's signed checkpoints (C2SP tlog-cosignature), as the
    witness returned it and after it verified. Append-only: a witness's word is never taken back."""

    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    size = models.PositiveBigIntegerField()
    witness = models.CharField(max_length=200)  # the witness's name, as in its verifier key
    line = models.TextField()  # "— <name> <base64>": appended to the checkpoint's signature lines
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "size", "witness"], name="cosignature_unique"),
        ]

    def __str__(self) -> str:
        return f"cosignature of size {self.size}"
