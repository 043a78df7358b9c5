from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from confide.audit.actions import Channel
from confide.clients.forms import ClientForm, SearchForm
from confide.clients.selectors import client_detail_of, client_get_for_member, client_list_for_member
from confide.clients.services import client_create
from confide.invitations.services import invitation_for_client_create
from confide.practices.decorators import member_required
from confide.practices.models import Member
from confide.practices.permissions import CARE_TEAM_ROLE_PERMISSIONS, Permission
from confide.records.documents import documents_for
from confide.records.progress import progress_notes_for
from confide.web.forms import apply_errors
from confide.web.links import absolute


@member_required(Permission.CLIENTS_CLIENT_READ)
def client_list(request: HttpRequest, member: Member) -> HttpResponse:
    # Searches are POSTed: a name fragment in a URL would reach browser history and proxy logs.
    form = SearchForm(request.POST if request.method == "POST" else {"q": ""})
    valid = form.is_valid()
    clients = client_list_for_member(member=member, search=form.cleaned_data["q"], channel=Channel.WEB) if valid else []
    template = "clients/_rows.html" if request.headers.get("HX-Request") else "clients/list.html"
    return render(request, template, {"clients": clients, "form": form}, status=200 if valid else 422)


@member_required(Permission.CLIENTS_CLIENT_CREATE)
def client_new(request: HttpRequest, member: Member) -> HttpResponse:
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            client = client_create(actor=member, channel=Channel.WEB, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Client added.")
            if client.care_team.filter(member=member).exists():
                return redirect("client_detail", client_id=client.id)
            return redirect("dashboard")
    return render(request, "clients/new.html", {"form": form}, status=422 if form.errors else 200)


@member_required(Permission.CLIENTS_CLIENT_READ)
def client_detail(request: HttpRequest, member: Member, client_id: str) -> HttpResponse:
    client, team_role = client_get_for_member(member=member, client_id=client_id, channel=Channel.WEB)
    allowed = CARE_TEAM_ROLE_PERMISSIONS[team_role]
    can = {p.value for p in allowed if member.has(p)}
    context = {
        "client": client_detail_of(client=client, team_role=team_role),
        "can": can,
        "notes": progress_notes_for(actor=member, client=client, channel=Channel.WEB)
        if Permission.RECORDS_NOTE_READ.value in can
        else [],
        "documents": documents_for(client=client) if Permission.RECORDS_DOCUMENT_READ.value in can else [],
    }
    return render(request, "clients/detail.html", context)


@require_POST
@member_required(Permission.CLIENTS_CLIENT_INVITE)
def client_invite(request: HttpRequest, member: Member, client_id: str) -> HttpResponse:
    client, _ = client_get_for_member(
        member=member, client_id=client_id, permission=Permission.CLIENTS_CLIENT_INVITE, channel=Channel.WEB
    )
    try:
        invitation_for_client_create(
            actor=member, client=client, link_base=absolute("/invitations/"), channel=Channel.WEB
        )
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, "Invitation sent. The link works once and expires.")
    return redirect("client_detail", client_id=client.id)
