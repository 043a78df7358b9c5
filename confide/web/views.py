from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone

from confide.audit.actions import Channel
from confide.clients.models import Client
from confide.clients.selectors import client_list_for_member
from confide.consent.selectors import due_for_clients
from confide.consent.services import licences_expiring
from confide.disclosures.selectors import awaiting_decision, tasks_open
from confide.measures.services import warnings_open_for
from confide.messaging.unread import unread_for
from confide.messaging.waiting import working_days_between
from confide.outbox.selectors import mail_unsent_for
from confide.practices.decorators import member_required
from confide.practices.models import Member
from confide.practices.permissions import Permission, Role
from confide.practices.selectors import current_member
from confide.scheduling.selectors import overview_for


def home(request: HttpRequest) -> HttpResponse:
    """Send each person to their own starting page."""
    if not request.user.is_authenticated:
        return redirect("account_login")
    member = current_member(request)
    if member is None:
        return render(request, "web/no_practice.html", status=403)
    if member.role_enum is Role.CLIENT:
        return redirect("portal_home")
    return redirect("dashboard")


@member_required(Permission.PRACTICE_DASHBOARD_VIEW)
def dashboard(request: HttpRequest, member: Member) -> HttpResponse:
    clients = client_list_for_member(member=member, channel=Channel.WEB)
    rows = list(Client.objects.filter(practice_id=member.practice_id, id__in=[c.id for c in clients]))
    due = due_for_clients(practice=member.practice, clients=rows)
    due_clients = [(c, due[c.id]) for c in clients if c.id in due]
    names = {c.id: c.name for c in clients}
    today = timezone.localdate()
    unread = [
        (u, names.get(u.client_id, "a client"), working_days_between(timezone.localdate(u.oldest), today))
        for u in unread_for(member)
    ]
    context = {
        "today": today,
        "messages_unread": unread,
        "prompt_days": settings.CONFIDE_MESSAGE_PROMPT_DAYS,
        "clients": clients,
        "due_clients": due_clients,
        "tasks": tasks_open(member=member),
        "to_decide": awaiting_decision(member=member),
        "warnings": warnings_open_for(member=member),
        "unsent_mail": list(mail_unsent_for(member=member)),
        "licences": licences_expiring(practice_id=member.practice_id)
        if member.has(Permission.PRACTICE_MEMBER_MANAGE)
        else [],
        "attendance_alerts": [
            (row, alert)
            for row in overview_for(member=member, channel=Channel.WEB, record=False)[0]
            for alert in row.figures.alerts
        ]
        if member.has(Permission.SCHEDULING_APPOINTMENT_MANAGE)
        else [],
    }
    return render(request, "web/dashboard.html", context)


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and feed readers ask for /favicon.ico whatever the page says: send them to the icon."""
    return HttpResponsePermanentRedirect(static("confide/favicon.svg"))
