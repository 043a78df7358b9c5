from __future__ import annotations

from django import forms
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from confide.accounts.models import User
from confide.invitations.services import (
    InvitationInvalidError,
    invitation_accept,
    invitation_open,
    invitation_target_user,
)
from confide.web.forms import apply_errors


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(
        label="Choose a password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), max_length=4096
    )
    password2 = forms.CharField(
        label="Repeat it", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), max_length=4096
    )

    def clean(self) -> dict[str, object] | None:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        return data


def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitation_open(token=token)
    except InvitationInvalidError:
        return render(request, "invitations/invalid.html", status=410)
    existing = invitation_target_user(invitation=invitation)
    signed_in = request.user if isinstance(request.user, User) else None
    if existing is not None:
        if signed_in is None or signed_in.pk != existing.pk:
            return render(request, "invitations/sign_in_first.html", {"practice": invitation.practice}, status=403)
        refusals: list[str] = []
        if request.method == "POST":
            try:
                invitation_accept(invitation=invitation, password=None, signed_in=signed_in)
            except ValidationError as exc:
                refusals = [message for messages in exc.message_dict.values() for message in messages]
            except InvitationInvalidError:
                return render(request, "invitations/invalid.html", status=410)
            else:
                return redirect("home")
        return render(
            request,
            "invitations/confirm.html",
            {"practice": invitation.practice, "refusals": refusals},
            status=422 if refusals else 200,
        )
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = invitation_accept(invitation=invitation, password=form.cleaned_data["password1"], signed_in=None)
        except ValidationError as exc:
            apply_errors(form, exc)
        except InvitationInvalidError:
            return render(request, "invitations/invalid.html", status=410)
        else:
            login(request, member.user, backend="allauth.account.auth_backends.AuthenticationBackend")
            return redirect("home")
    return render(
        request,
        "invitations/accept.html",
        {"form": form, "practice": invitation.practice, "kind": invitation.kind},
        status=422 if form.errors else 200,
    )
