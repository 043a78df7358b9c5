"""The user: a sign-in identity. What a user may do comes from their practice membership."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone

from confide.accounts import identity


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        """A new sign-in identity for ``email``, stored as its keyed index with the address sealed."""
        user = self.model(email=identity.login_key(email), email_sealed=identity.address_seal(email), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def for_email(self, email: str) -> User | None:
        """The account that signs in with ``email``, found by its keyed index."""
        return self.filter(email=identity.login_key(email)).first()


class User(AbstractBaseUser):
    """A person who signs in by e-mail. No username; no Django admin flags."""

    # The keyed index of the sign-in address (confide.accounts.identity), never the address itself.
    email = models.EmailField(max_length=254, unique=True)
    email_sealed = models.BinaryField(editable=False)
    full_name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    def __str__(self) -> str:
        return self.full_name or f"user {self.pk}"

    @property
    def address(self) -> str:
        """The sign-in e-mail itself, opened from its seal: for sending mail and showing the owner."""
        return identity.address_open(self.email_sealed)
