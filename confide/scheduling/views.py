"""Sessions pages: a client's schedule and consistency (care team), attendance, the calendar feed, the portal."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_POST

from confide.audit.actions import Channel
from confide.clients.selectors import client_for_portal, client_get_for_member
from confide.measures.charts import across_clients_svg
from confide.practices.decorators import member_required
from confide.practices.models import Member
from confide.practices.permissions import Permission
from confide.scheduling.calendar import feed_create, feed_ics, feed_member, feed_revoke, initials
from confide.scheduling.consistency import Visit, client_consistency
from confide.scheduling.forms import AttendanceForm, RescheduleForm, SeriesForm
from confide.scheduling.models import Appointment, Series
from confide.scheduling.selectors import overview_for
from confide.scheduling.services import (
    appointment_for_member,
    appointment_reschedule,
    attendance_mark,
    change_request,
    series_create,
    upcoming_for_client,
)
from confide.web.forms import apply_errors
from confide.web.links import absolute
from confide.web.responses import attachment


@member_required(Permission.SCHEDULING_APPOINTMENT_MANAGE)
def client_sessions(request: HttpRequest, member: Member, client_id: str) -> HttpResponse:
    client, _ = client_get_for_member(
        member=member, client_id=client_id, permission=Permission.SCHEDULING_APPOINTMENT_MANAGE, channel=Channel.WEB
    )
    form = SeriesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            series_create(actor=member, client=client, channel=Channel.WEB, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Sessions scheduled.")
            return redirect("client_sessions", client_id=client.id)
    appointments = list(
        Appointment.objects.filter(practice_id=client.practice_id, client=client).order_by("-start_at")[:60]
    )
    series = Series.objects.filter(client=client, ended_at=None).order_by("-created_at").first()
    figures = client_consistency(
        [Visit(a.start_at, a.status, a.clinician_late_minutes) for a in appointments],
        cadence_days=series.cadence_days if series else None,
        now=timezone.now(),
    )
    context = {
        "client": client,
        "form": form,
        "appointments": appointments,
        "figures": figures,
        "attendance": AttendanceForm(),
        "now": timezone.now(),
    }
    return render(request, "scheduling/client_sessions.html", context, status=422 if form.errors else 200)


@require_POST
@member_required(Permission.SCHEDULING_APPOINTMENT_MANAGE)
def appointment_attendance(request: HttpRequest, member: Member, appointment_id: str) -> HttpResponse:
    appointment = appointment_for_member(member=member, appointment_id=appointment_id)
    form = AttendanceForm(request.POST)
    if form.is_valid():
        try:
            attendance_mark(
                actor=member,
                appointment=appointment,
                status=form.cleaned_data["status"],
                clinician_late_minutes=form.cleaned_data["clinician_late_minutes"] or 0,
                channel=Channel.WEB,
            )
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
        else:
            messages.success(request, "Attendance recorded.")
    else:
        messages.error(request, "Choose what happened.")
    return redirect("client_sessions", client_id=appointment.client_id)


@member_required(Permission.SCHEDULING_CALENDAR_FEED)
def calendar_settings(request: HttpRequest, member: Member) -> HttpResponse:
    secret = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            feed_revoke(member=member, channel=Channel.WEB)
            messages.success(request, "Calendar feed turned off.")
            return redirect("calendar_settings")
        secret = feed_create(member=member, channel=Channel.WEB)
    url = absolute(f"/calendar/{secret}.ics") if secret else None
    return render(request, "scheduling/calendar_settings.html", {"url": url})


def calendar_feed(request: HttpRequest, secret: str) -> HttpResponse:
    """Fetched by calendar apps without a session: the secret in the URL is the credential."""
    member = feed_member(secret=secret)
    return attachment(feed_ics(member=member), content_type="text/calendar; charset=utf-8", filename="sessions.ics")


@member_required(Permission.PORTAL_SELF_READ)
def portal_sessions(request: HttpRequest, member: Member) -> HttpResponse:
    client = client_for_portal(member=member)
    if request.method == "POST":
        change_request(
            member=member, client=client, appointment_id=request.POST.get("appointment", ""), channel=Channel.WEB
        )
        messages.success(request, "Your request was sent. Your clinician will propose another time.")
        return redirect("portal_sessions")
    return render(request, "scheduling/portal_sessions.html", {"upcoming": upcoming_for_client(client=client)})


@member_required(Permission.SCHEDULING_APPOINTMENT_MANAGE)
def my_overview(request: HttpRequest, member: Member) -> HttpResponse:
    """Alliance and consistency across the clinician's clients, and the clinician's own reliability."""
    rows, own = overview_for(member=member, channel=Channel.WEB)
    return render(request, "scheduling/overview.html", {"rows": rows, "own": own})


@require_POST
@member_required(Permission.SCHEDULING_APPOINTMENT_MANAGE)
def appointment_move(request: HttpRequest, member: Member, appointment_id: str) -> HttpResponse:
    appointment = appointment_for_member(member=member, appointment_id=appointment_id)
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the new date and time.")
    else:
        try:
            appointment_reschedule(
                actor=member, appointment=appointment, new_start=form.cleaned_data["start_at"], channel=Channel.WEB
            )
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
        else:
            messages.success(request, "Session moved.")
    return redirect("client_sessions", client_id=appointment.client_id)


@member_required(Permission.SCHEDULING_APPOINTMENT_MANAGE)
@csp_override({"default-src": [CSP.NONE], "style-src": [CSP.UNSAFE_INLINE]})
def my_overview_chart(request: HttpRequest, member: Member, kind: str) -> HttpResponse:
    """Alliance (latest SRS) or attendance across the clinician's clients, as a picture labelled by initials."""
    rows, _ = overview_for(member=member, channel=Channel.WEB)
    if kind == "alliance":
        svg = across_clients_svg(
            title="Latest SRS", values=[(initials(r.name), r.latest_srs) for r in rows], maximum=40, cutoff=36
        )
    elif kind == "attendance":
        values = [
            (initials(r.name), None if r.figures.attendance_rate is None else round(100 * r.figures.attendance_rate))
            for r in rows
        ]
        svg = across_clients_svg(title="Attendance, last 8 weeks (%)", values=values, maximum=100, cutoff=None)
    else:
        raise Http404
    return HttpResponse(svg, content_type="image/svg+xml")
