"""Disclosures without the client's consent: the request workflow, its deadlines, and the
permanent accounting of disclosures (45 CFR 164.528) the client can read.

Recipient, description, purpose, justification and reasons are sealed under the client's key.
Accounting entries are append-only (database triggers; corrections are new linked entries).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from confide.clients.sealed import SealedRow


class Notice(models.TextChoices):
    IMMEDIATE = "immediate", "Tell the client now"
    DELAYED = "delayed", "Tell the client on a later date"
    WITHHELD = "withheld", "Do not tell the client (reason recorded)"


class DisclosureRequest(SealedRow):
    class State(models.TextChoices):
        AWAITING = "awaiting", "Awaiting approval"
        APPROVED = "approved", "Approved"
        RELEASED = "released", "Released"
        DECLINED = "declined", "Declined"

    SEALED = (
        "recipient_name",
        "recipient_address",
        "purpose",
        "justification",
        "notice_reason",
        "review_note",
        "suspension_statement",
    )

    created_by = models.ForeignKey("practices.Member", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    situation = models.CharField(max_length=60)
    rule_id = models.CharField(max_length=80)
    pack_refs = models.JSONField()
    obligation = models.CharField(max_length=16)
    recipient_name_ct = models.BinaryField()
    recipient_address_ct = models.BinaryField(null=True)
    purpose_ct = models.BinaryField()
    justification_ct = models.BinaryField()
    items = models.JSONField()  # item keys: "identity", "diagnoses", "note:<id>", "document:<id>", "private:<id>"
    emergency = models.BooleanField(default=False)
    # A release the client authorized (a consent directive) rather than a legal exception.
    directive = models.ForeignKey("consent.Directive", null=True, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices)
    decided_by = models.ForeignKey("practices.Member", null=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True)
    review_note_ct = models.BinaryField(null=True)
    notice = models.CharField(max_length=10, choices=Notice.choices)
    notice_on = models.DateField(null=True)
    notice_reason_ct = models.BinaryField(null=True)
    notified_at = models.DateTimeField(null=True)
    # A withheld notice ends when a clinician decides the client can now be told (confide.disclosures.sealing).
    withholding_ended_at = models.DateTimeField(null=True)
    withholding_ended_by = models.ForeignKey("practices.Member", null=True, on_delete=models.PROTECT, related_name="+")
    # HMAC (master-key derived) of the terms that decide when the client may be told: notice, its date,
    # suspension end, end of withholding. A row changed by anyone without the master key keeps its seal.
    terms_tag = models.BinaryField(max_length=32, default=b"")
    released_at = models.DateTimeField(null=True)
    package_sha256 = models.CharField(max_length=64, blank=True)
    # 164.528(a)(2): a health-oversight or law-enforcement agency asked to suspend the client's accounting.
    suspended_until = models.DateField(null=True)
    suspension_statement_ct = models.BinaryField(null=True)

    class Meta:
        indexes = [models.Index(fields=["practice", "state"], name="disclosure_state")]

    def __str__(self) -> str:
        return f"disclosure {self.pk}"


class DeadlineTask(models.Model):
    """A deadline a rule sets (e.g. written report within 36 hours), on the clinician's dashboard."""

    id = models.BigAutoField(primary_key=True)
    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(DisclosureRequest, on_delete=models.PROTECT, related_name="tasks")
    owner = models.ForeignKey("practices.Member", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)  # from the rule pack: no PHI
    due_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True)
    reminded_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"task {self.pk}"


class AccountingEntry(SealedRow):
    """One disclosure, as the client's accounting shows it. Never updated, never deleted."""

    SEALED = ("recipient_name", "recipient_address", "description", "purpose", "suspension_statement")

    request = models.ForeignKey(DisclosureRequest, null=True, on_delete=models.PROTECT, related_name="+")
    corrects = models.ForeignKey("self", null=True, on_delete=models.PROTECT, related_name="corrections")
    disclosed_at = models.DateTimeField()
    recipient_name_ct = models.BinaryField()
    recipient_address_ct = models.BinaryField(null=True)
    description_ct = models.BinaryField()
    purpose_ct = models.BinaryField()
    basis_rule_id = models.CharField(max_length=80)
    pack_refs = models.JSONField()
    decided_by = models.ForeignKey("practices.Member", on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey("practices.Member", null=True, on_delete=models.PROTECT, related_name="+")
    notice = models.CharField(max_length=10, choices=Notice.choices)
    notice_on = models.DateField(null=True)
    package_sha256 = models.CharField(max_length=64, blank=True)
    psychotherapy_notes_included = models.BooleanField(default=False)
    suspended_until = models.DateField(null=True)
    suspension_statement_ct = models.BinaryField(null=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["practice", "client", "disclosed_at"], name="accounting_client_time")]

    def __str__(self) -> str:
        return f"accounting entry {self.pk}"


class Suspension(SealedRow):
    """An agency's later request to suspend an entry from the client's accounting (164.528(a)(2)).

    Append-only like the entries: the entry stays hidden until ``until``; an oral request lasts at most 30 days.
    """

    SEALED = ("statement",)

    entry = models.ForeignKey(AccountingEntry, on_delete=models.PROTECT, related_name="suspensions")
    until = models.DateField()
    oral = models.BooleanField(default=False)
    statement_ct = models.BinaryField()
    recorded_by = models.ForeignKey("practices.Member", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"suspension {self.pk}"
