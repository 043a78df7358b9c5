"""E-mail waiting to be sent: the envelope (recipient, subject, body) sealed under the master key, since
an address is personal data and an invitation carries a one-time secret. A row exists only until its mail
is accepted by the mail server."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class OutgoingMail(models.Model):
    class Kind(models.TextChoices):
        INVITATION = "invitation", "Invitation"
        APPOINTMENT_REMINDER = "appointment-reminder", "Session reminder"
        AGREEMENT_REMINDER = "agreement-reminder", "Agreement reminder"
        DISCLOSURE_NOTICE = "disclosure-notice", "Notice of a disclosure"
        DEADLINE_REMINDER = "deadline-reminder", "Disclosure deadline reminder"
        BREAKGLASS_ALERT = "breakglass-alert", "Emergency-access alert"
        MESSAGE_NOTICE = "message-notice", "A secure message is waiting"

    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    envelope_ct = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_error = models.CharField(max_length=80, blank=True)  # the exception's class name: never its text

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} waiting since {self.created_at:%Y-%m-%d %H:%M}"
