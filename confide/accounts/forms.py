"""allauth form overrides: sign-in looks the address up by its keyed index, and a password change also
rewraps the psychotherapy-note key."""

from __future__ import annotations

from allauth.account.forms import ChangePasswordForm
from allauth.account.forms import LoginForm as AllauthLoginForm
from django.db import transaction

from confide.accounts import identity
from confide.practices.models import Member
from confide.records.author_keys import author_key_rewrap_password


class RewrappingChangePasswordForm(ChangePasswordForm):  # type: ignore[misc]
    def save(self) -> None:
        with transaction.atomic():
            # every membership's key, in every practice, active or not (one rejoining keeps their notes)
            for member in Member.objects.filter(user=self.user):
                author_key_rewrap_password(
                    member=member,
                    old_password=self.cleaned_data["oldpassword"],
                    new_password=self.cleaned_data["password1"],
                )
            super().save()


class LoginForm(AllauthLoginForm):  # type: ignore[misc]
    def clean_login(self) -> str:
        """From here on allauth handles the address's keyed index (confide.accounts.identity): it finds the
        account by it, checks it is verified, and keeps only it in the sign-in's session state."""
        login = str(super().clean_login())
        return identity.login_key(login) if login else login
