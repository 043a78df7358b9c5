"""One-time invitations: to the client portal, or to join a practice as a member.

Only a hash of the secret is stored; the link carries ``<id>.<secret>``.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class Invitation(models.Model):
    class Kind(models.TextChoices):
        CLIENT = "client", "Client portal"
        MEMBER = "member", "Practice member"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    client = models.ForeignKey("clients.Client", null=True, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("practices.Member", null=True, on_delete=models.CASCADE, related_name="+")
    # The name the inviting owner typed, shown for the pending member: never the name an existing account
    # holds, which the practice learns only once the person joins.
    full_name = models.CharField(max_length=150, blank=True)
    secret_hash = models.BinaryField(max_length=32)
    created_by = models.ForeignKey("practices.Member", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True)
    revoked_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"invitation {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()
