"""Clinical records: progress notes, psychotherapy notes, documents, and author keys.

Progress-note lifecycle::

    draft --sign--> signed (sealed: SHA-256 of the body, signer, time; immutable)
                      \\--amend--> a new signed-or-draft note linked by ``amends``

Progress notes and documents are encrypted under the client's data key. Psychotherapy
notes (45 CFR 164.501) are sealed to their author's own HPKE key and nothing else.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class ProgressNote(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SIGNED = "signed", "Signed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="progress_notes")
    author = models.ForeignKey("practices.Member", on_delete=models.PROTECT, related_name="+")
    body_ct = models.BinaryField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    amends = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="amendments")
    content_hash = models.BinaryField(max_length=32, null=True)
    signed_at = models.DateTimeField(null=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["practice", "client", "created_at"], name="note_client_time")]

    def __str__(self) -> str:
        return f"progress note {self.pk}"


class PsychotherapyNote(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey("practices.Member", on_delete=models.PROTECT, related_name="+")
    author_key = models.ForeignKey("records.AuthorKey", on_delete=models.PROTECT, related_name="+")
    body_ct = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["practice", "author", "client"], name="pnote_author_client")]

    def __str__(self) -> str:
        return f"psychotherapy note {self.pk}"


class AuthorKey(models.Model):
    """An author's HPKE key pair; the private half only ever wrapped (see vault/author.py)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey("practices.Member", on_delete=models.PROTECT, related_name="author_keys")
    public_keyset = models.BinaryField()
    wrap_password = models.BinaryField(null=True)
    kek_salt = models.BinaryField(max_length=16)
    kdf_params = models.CharField(max_length=120)
    wrap_recovery = models.BinaryField()
    wrap_escrow = models.BinaryField(null=True)
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "member"], condition=models.Q(is_current=True), name="authorkey_one_current"
            )
        ]

    def __str__(self) -> str:
        return f"author key {self.pk}"


class Document(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="documents")
    uploaded_by = models.ForeignKey("practices.Member", on_delete=models.PROTECT, related_name="+")
    meta_ct = models.BinaryField()  # {"name": ..., "type": ...} under the client key
    wrapped_stream_key = models.BinaryField()  # a streaming keyset, wrapped by the client key
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"document {self.pk}"  # never the file name
