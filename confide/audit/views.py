"""Members' views of the log: the owner's practice-wide view and each member's own activity."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from confide.audit.actions import AuditAction
from confide.audit.log import checkpoint_latest
from confide.audit.models import AuditEvent
from confide.audit.phrases import PHRASES
from confide.practices.decorators import member_required
from confide.practices.models import Member
from confide.practices.permissions import Permission

PAGE = 100


def _page(request: HttpRequest, events: object, *, title: str, member: Member) -> HttpResponse:
    wanted = request.GET.get("action", "")
    if wanted in AuditAction.__members__.values():
        events = events.filter(action=wanted)  # type: ignore[attr-defined]
    page = Paginator(events.select_related("actor__user").order_by("-id"), PAGE).get_page(request.GET.get("page"))  # type: ignore[attr-defined]
    return render(
        request,
        "audit/events.html",
        {
            "title": title,
            "page": page,
            "phrases": PHRASES,
            "actions": sorted(a.value for a in AuditAction),
            "action": wanted,
            "checkpoint": checkpoint_latest(practice_id=member.practice_id),
        },
    )


@member_required(Permission.PRACTICE_AUDIT_READ)
def practice_audit(request: HttpRequest, member: Member) -> HttpResponse:
    events = AuditEvent.objects.filter(practice_id=member.practice_id)
    return _page(request, events, title="Practice audit log", member=member)


@member_required(Permission.PRACTICE_DASHBOARD_VIEW)
def my_activity(request: HttpRequest, member: Member) -> HttpResponse:
    events = AuditEvent.objects.filter(practice_id=member.practice_id, actor=member)
    return _page(request, events, title="My activity", member=member)
