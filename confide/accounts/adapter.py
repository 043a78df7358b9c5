"""allauth adapters: no public sign-up, sign-in e-mails kept as keyed indexes (confide.accounts.identity),
and MFA secrets encrypted under the master key."""

from __future__ import annotations

import base64
import logging
import smtplib
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from confide.accounts import identity
from confide.vault.sealing import master_key

_PREFIX = "cfd1:"
logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """People join a practice by invitation only."""
        return False

    def clean_email(self, email: str) -> str:
        """An address typed to find an account (password reset) is looked up by its keyed index."""
        return identity.login_key(super().clean_email(email))

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth addresses mail to the stored key; it is delivered to the address sealed behind it."""
        address = identity.address_for(email)
        if not address:
            return
        try:
            super().send_mail(template_prefix, address, context)
        except (smtplib.SMTPException, OSError) as error:
            # A refused or unreachable mail server names the recipient in its error: log the kind only, and
            # answer as if sent (the person can ask again), never a 500 with the address in the log.
            logger.warning("sign-in mail %s not sent: %s", template_prefix.rsplit("/", 1)[-1], type(error).__name__)

    def add_message(
        self,
        request: HttpRequest,
        level: int,
        message_template: str | None = None,
        message_context: dict[str, Any] | None = None,
        extra_tags: str = "",
        message: str | None = None,
    ) -> None:
        """allauth's messages name the stored key ("You cannot remove your primary email address (…)"): they
        name the person's own address instead, opened from its seal."""
        shown = {
            name: identity.address_for(value) if isinstance(value, str) else value
            for name, value in (message_context or {}).items()
        }
        super().add_message(request, level, message_template, shown, extra_tags, message)


class MfaAdapter(DefaultMFAAdapter):
    """TOTP seeds and recovery-code seeds never sit in the database in the clear."""

    def encrypt(self, text: str) -> str:
        return _PREFIX + base64.b64encode(master_key().seal_secret(text, purpose="mfa")).decode()

    def _get_user_identifier(self, user: AbstractBaseUser) -> str:
        """The authenticator app and the passkey show the person's address, not the stored key."""
        address: str = user.address  # type: ignore[attr-defined]  # always confide.accounts.models.User
        return address

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(_PREFIX):
            raise ValueError("MFA secret is not sealed")
        return master_key().open_secret(base64.b64decode(encrypted_text[len(_PREFIX) :]), purpose="mfa")
