"""Practices (the tenant) and their members.

Every tenant table carries ``practice_id`` and every unique constraint includes it,
so tables can later be distributed by practice.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from confide.practices.permissions import Permission, Role, role_has


class Practice(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    # The directory key encrypts a second copy of each client's name, so that a name search
    # opens one key instead of one per client. Wrapped by the master key; never stored bare.
    wrapped_directory_key = models.BinaryField(null=True)
    next_client_number = models.PositiveIntegerField(default=1)
    # Rule-pack ids (confide/rulepacks/packs) whose law applies to this practice, e.g. ["us-ca"].
    jurisdictions = models.JSONField(default=list)
    reaffirm_months = models.PositiveSmallIntegerField(default=12)  # how often clients re-affirm agreements
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A user's place in a practice, with one role."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=16, choices=[(r.value, r.label) for r in Role])
    is_active = models.BooleanField(default=True)
    # When they joined: a person invited as a member joins only by accepting the invitation. Until then the
    # membership is pending, never active (a constraint holds it): the practice sees, reaches and lifts nothing
    # of an account that has not agreed to join, whoever's address the owner typed.
    joined_at = models.DateTimeField(null=True, default=timezone.now)
    licence_jurisdiction = models.CharField(max_length=16, blank=True)  # rule-pack id of the licence, e.g. us-ca
    # Competence shown to clients: credentials and licence (number, expiry); owners are warned before expiry.
    credentials = models.CharField(max_length=120, blank=True)
    licence_number = models.CharField(max_length=40, blank=True)
    licence_expires = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "user"], name="member_unique_user_per_practice"),
            models.CheckConstraint(
                condition=models.Q(joined_at__isnull=False) | models.Q(is_active=False),
                name="member_active_only_once_joined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_pending(self) -> bool:
        """Invited, not yet joined."""
        return self.joined_at is None

    @property
    def requires_mfa(self) -> bool:
        """Every practice member but clients must use a second factor."""
        return self.role_enum is not Role.CLIENT

    def has(self, permission: Permission) -> bool:
        return self.is_active and role_has(self.role_enum, permission)
