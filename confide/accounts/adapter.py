"""allauth adapters: no public sign-up, and MFA secrets encrypted under the master key."""

from __future__ import annotations

import base64

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.http import HttpRequest

from confide.vault.sealing import master_key

_PREFIX = "cfd1:"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """People join a practice by invitation only."""
        return False


class MfaAdapter(DefaultMFAAdapter):
    """TOTP seeds and recovery-code seeds never sit in the database in the clear."""

    def encrypt(self, text: str) -> str:
        return _PREFIX + base64.b64encode(master_key().seal_secret(text, purpose="mfa")).decode()

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(_PREFIX):
            raise ValueError("MFA secret is not sealed")
        return master_key().open_secret(base64.b64decode(encrypted_text[len(_PREFIX) :]), purpose="mfa")
