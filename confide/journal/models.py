"""A client's private journal (decision 19): each entry sealed in their browser to their own mailbox, so
nobody at the practice — not the server, not whoever runs it — can read or produce it. Kept sealed once more
under the client's key, so it is shredded with the client."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from confide.clients.sealed import SealedRow


class JournalEntry(SealedRow):
    """One entry: the envelope (context, nonce, body, signature, commitment, and the content key sealed
    to the one mailbox it was written for). Its id is the browser's, bound into the signed context."""

    SEALED = ("envelope",)

    mailbox = models.ForeignKey("messaging.Mailbox", on_delete=models.PROTECT, related_name="+")
    envelope_ct = models.BinaryField()
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["practice", "client", "written_at"], name="journal_by_client")]

    def __str__(self) -> str:
        return f"journal entry {self.pk}"
