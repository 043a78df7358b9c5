"""Agreements, signatures and consent directives.

Agreement wording is the practice's own text (not PHI) and is kept in the clear, hashed and
immutable per version. Everything that identifies or describes a client — the typed name,
IP address, user agent, directive recipients — is sealed under that client's data key.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from confide.clients.sealed import SealedRow


class AgreementKind(models.TextChoices):
    CONFIDENTIALITY = "confidentiality", "Confidentiality and consent agreement"
    TELEHEALTH = "telehealth", "Teletherapy consent"


class AgreementVersion(models.Model):
    """One immutable version of a practice's agreement wording (Markdown)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=AgreementKind.choices)
    number = models.PositiveIntegerField()
    wording = models.TextField()
    wording_sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey("practices.Member", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "kind", "number"], name="agreement_version_unique")]

    def __str__(self) -> str:
        return f"{self.kind} v{self.number}"


class Signature(SealedRow):
    """A client's signature of one agreement version, as rendered for them (ISO/IEC TS 27560 record)."""

    class Event(models.TextChoices):
        GIVEN = "given", "Consent given"
        RENEWED = "renewed", "Consent renewed"

    SEALED = ("typed_name", "ip", "user_agent")

    version = models.ForeignKey(AgreementVersion, on_delete=models.PROTECT, related_name="signatures")
    signer = models.ForeignKey("practices.Member", null=True, on_delete=models.SET_NULL, related_name="+")
    event = models.CharField(max_length=10, choices=Event.choices)
    signed_at = models.DateTimeField(default=timezone.now)
    method = models.CharField(max_length=80, default="typed full name after comprehension check")
    document_sha256 = models.CharField(max_length=64)  # of the exact text the client read and signed
    pack_refs = models.JSONField()  # ["us-federal@2026.1", "us-ca@2026.1"]
    exceptions_digest = models.CharField(max_length=64)  # of the client-facing exceptions: a change → re-affirm
    receipt_id = models.UUIDField(default=uuid.uuid4, unique=True)
    typed_name_ct = models.BinaryField()
    ip_ct = models.BinaryField()
    user_agent_ct = models.BinaryField()

    class Meta:
        indexes = [models.Index(fields=["practice", "client", "signed_at"], name="signature_client_time")]

    def __str__(self) -> str:
        return f"signature {self.pk}"  # never the typed name


class Reminder(models.Model):
    """A re-affirmation reminder e-mailed to a client (the e-mail carries only a portal link)."""

    id = models.BigAutoField(primary_key=True)
    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    reasons = models.JSONField()

    def __str__(self) -> str:
        return f"reminder {self.pk}"


class Directive(SealedRow):
    """The client's permission to share named categories with a named recipient, for a purpose and period."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        REVOKED = "revoked", "Withdrawn"

    SEALED = ("recipient_name",)

    recipient_kind = models.CharField(max_length=20)
    recipient_name_ct = models.BinaryField()
    categories = models.JSONField()
    purpose = models.CharField(max_length=20)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True)
    pack_refs = models.JSONField()

    class Meta:
        indexes = [models.Index(fields=["practice", "client", "status"], name="directive_client_status")]

    def __str__(self) -> str:
        return f"directive {self.pk}"  # never the recipient
