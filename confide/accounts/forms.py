"""allauth form overrides: a password change also rewraps the psychotherapy-note key."""

from __future__ import annotations

from allauth.account.forms import ChangePasswordForm
from django.db import transaction

from confide.practices.selectors import member_for_user
from confide.records.author_keys import author_key_rewrap_password


class RewrappingChangePasswordForm(ChangePasswordForm):  # type: ignore[misc]
    def save(self) -> None:
        with transaction.atomic():
            member = member_for_user(user=self.user)
            if member is not None:
                author_key_rewrap_password(
                    member=member,
                    old_password=self.cleaned_data["oldpassword"],
                    new_password=self.cleaned_data["password1"],
                )
            super().save()
