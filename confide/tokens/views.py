from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from confide.audit.actions import Channel
from confide.practices.decorators import member_required
from confide.practices.models import Member
from confide.practices.permissions import Permission
from confide.tokens.services import token_create, token_list, token_revoke, token_scopes_for
from confide.web.forms import apply_errors


class TokenForm(forms.Form):
    name = forms.CharField(max_length=80)
    scopes = forms.MultipleChoiceField(choices=[], widget=forms.CheckboxSelectMultiple)
    days = forms.IntegerField(required=False, min_value=1, max_value=366, initial=90, label="Expires after (days)")

    def __init__(self, *args: object, member: Member, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["scopes"].choices = [(p.value, p.value) for p in token_scopes_for(member=member)]  # type: ignore[attr-defined]


@member_required(Permission.API_TOKEN_MANAGE)
def token_list_view(request: HttpRequest, member: Member) -> HttpResponse:
    form = TokenForm(request.POST or None, member=member)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            _, created = token_create(
                actor=member,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                days=form.cleaned_data["days"],
                channel=Channel.WEB,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            form = TokenForm(member=member)
    return render(
        request,
        "tokens/list.html",
        {"form": form, "tokens": token_list(member=member), "created": created},
        status=422 if form.errors else 200,
    )


@require_POST
@member_required(Permission.API_TOKEN_MANAGE)
def token_revoke_view(request: HttpRequest, member: Member, token_id: str) -> HttpResponse:
    token_revoke(actor=member, token_id=token_id, channel=Channel.WEB)
    messages.success(request, "Token revoked.")
    return redirect("token_list")
