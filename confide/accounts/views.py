"""The owner's page of paused sign-ins, and lifting one (confide.accounts.pauses)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from confide.accounts.lockout import cool_off
from confide.accounts.pauses import pause_lift, pauses_for
from confide.audit.actions import Channel
from confide.practices.decorators import member_required
from confide.practices.models import Member
from confide.practices.permissions import Permission


@member_required(Permission.PRACTICE_MEMBER_MANAGE)
def sign_in_pauses(request: HttpRequest, member: Member) -> HttpResponse:
    context = {
        "pauses": pauses_for(manager=member),
        "account_limit": settings.AXES_FAILURE_LIMIT,
        "address_limit": settings.CONFIDE_LOCKOUT_ADDRESS_FAILURES,
        "minutes": int(cool_off().total_seconds() // 60),
    }
    return render(request, "accounts/pauses.html", context)


@require_POST
@member_required(Permission.PRACTICE_MEMBER_MANAGE)
def sign_in_pause_lift(request: HttpRequest, member: Member, member_id: uuid.UUID) -> HttpResponse:
    try:
        network_still_paused = pause_lift(manager=member, member_id=member_id, channel=Channel.WEB)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        if network_still_paused:
            messages.warning(
                request,
                "Their own failed sign-ins are forgotten, but their network stays paused by other failed sign-ins "
                "there. The pause ends by itself at the time shown.",
            )
        else:
            messages.success(request, "The pause is lifted: they can sign in again now.")
    return redirect("sign_in_pauses")
