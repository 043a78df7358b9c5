"""The owner's legal holds page: place a hold on a client's record, release it with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from confide.audit.actions import Channel
from confide.clients.selectors import client_directory, client_for_manager
from confide.holds.models import LegalHold
from confide.holds.services import hold_place, hold_release
from confide.practices.decorators import member_required
from confide.practices.models import Member
from confide.practices.permissions import Permission


@member_required(Permission.PRACTICE_HOLD_MANAGE)
def holds(request: HttpRequest, member: Member) -> HttpResponse:
    if request.method == "POST":
        client, _ = client_for_manager(manager=member, client_id=request.POST.get("client", ""), channel=Channel.WEB)
        try:
            hold_place(actor=member, client=client, reason=request.POST.get("reason", ""), channel=Channel.WEB)
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
        else:
            messages.success(request, "Legal hold placed: the record cannot be shredded until it is released.")
        return redirect("holds")
    directory = client_directory(manager=member, channel=Channel.WEB)
    names = {c.id: c.name for c in directory}
    active = LegalHold.objects.filter(practice_id=member.practice_id, released_at=None).select_related("client")
    rows = [(h, names.get(h.client_id, "—"), h.open("reason", key=h.client.data_key())) for h in active]
    return render(request, "holds/holds.html", {"rows": rows, "clients": directory})


@require_POST
@member_required(Permission.PRACTICE_HOLD_MANAGE)
def hold_release_view(request: HttpRequest, member: Member, hold_id: str) -> HttpResponse:
    try:
        hold_release(actor=member, hold_id=hold_id, reason=request.POST.get("release_reason", ""), channel=Channel.WEB)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, "Legal hold released.")
    return redirect("holds")
