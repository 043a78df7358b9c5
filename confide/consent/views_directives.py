"""The client's sharing choices in the portal: grant, withdraw, export as FHIR R5 Consent."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from confide.audit.actions import Channel
from confide.clients.selectors import client_for_portal
from confide.consent.directives import directive_fhir, directive_grant, directive_list, directive_revoke, unblockable
from confide.consent.forms import DirectiveForm
from confide.practices.decorators import member_required
from confide.practices.models import Member
from confide.practices.permissions import Permission
from confide.web.forms import apply_errors
from confide.web.responses import attachment


@member_required(Permission.PORTAL_DIRECTIVE_MANAGE)
def portal_directives(request: HttpRequest, member: Member) -> HttpResponse:
    client = client_for_portal(member=member)
    form = DirectiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            directive_grant(
                member=member,
                client=client,
                recipient_kind=data["recipient_kind"],
                recipient_name=data["recipient_name"],
                categories=data["categories"],
                purpose=data["purpose"],
                valid_to=data["valid_to"],
                channel=Channel.WEB,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Permission saved. You can withdraw it at any time.")
            return redirect("portal_directives")
    context = {"form": form, "directives": directive_list(client=client), "unblockable": unblockable(client=client)}
    return render(request, "consent/portal_directives.html", context, status=422 if form.errors else 200)


@require_POST
@member_required(Permission.PORTAL_DIRECTIVE_MANAGE)
def portal_directive_revoke(request: HttpRequest, member: Member, directive_id: str) -> HttpResponse:
    client = client_for_portal(member=member)
    directive_revoke(member=member, client=client, directive_id=directive_id, channel=Channel.WEB)
    messages.success(request, "Permission withdrawn. It no longer applies from now on.")
    return redirect("portal_directives")


@member_required(Permission.PORTAL_DIRECTIVE_MANAGE)
def portal_directive_fhir(request: HttpRequest, member: Member, directive_id: str) -> HttpResponse:
    client = client_for_portal(member=member)
    resource = directive_fhir(member=member, client=client, directive_id=directive_id, channel=Channel.WEB)
    body = json.dumps(resource, indent=2)
    return attachment(body, content_type="application/fhir+json", filename=f"consent-{resource['id']}.json")
