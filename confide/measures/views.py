"""Measures pages: the clinician's view of a client (trends, entry, assignment), FHIR export, warnings;
the client's questionnaires in the portal."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_POST

from confide.audit.actions import Channel
from confide.clients.models import Client
from confide.clients.selectors import client_for_portal, client_get_for_member
from confide.lib.lookup import one_or_404
from confide.measures.catalogue import CATALOGUE
from confide.measures.charts import trend_svg
from confide.measures.fhir import questionnaire_response
from confide.measures.forms import AssignForm, EntryForm, PlanForm, QuestionnaireForm
from confide.measures.models import Administration, Assignment, Plan
from confide.measures.services import (
    WORDINGS,
    administration_record,
    assignment_create,
    history_for,
    plan_set,
    warning_acknowledge,
)
from confide.practices.decorators import member_required
from confide.practices.models import Member
from confide.practices.permissions import Permission
from confide.scheduling.models import Appointment
from confide.web.forms import apply_errors
from confide.web.responses import attachment


def _posted(request: HttpRequest) -> AssignForm | EntryForm | PlanForm:
    if "plan-instrument" in request.POST:
        return PlanForm(request.POST, prefix="plan")
    if "assign-instrument" in request.POST:
        return AssignForm(request.POST, prefix="assign")
    return EntryForm(request.POST, prefix="entry")


def _apply(form: AssignForm | EntryForm | PlanForm, member: Member, client: Client) -> str:
    data = form.cleaned_data
    if isinstance(form, PlanForm):
        plan_set(
            actor=member,
            client=client,
            instrument=data["instrument"],
            every_sessions=data["every_sessions"],
            channel=Channel.WEB,
        )
        return "Plan saved: the client is asked when attendance is recorded."
    if isinstance(form, AssignForm):
        assignment_create(actor=member, client=client, instrument=data["instrument"], channel=Channel.WEB)
        return "The client will see it in their portal."
    _, warnings = administration_record(
        entered_by=member, client=client, instrument=data["instrument"], answers=data["answers"], channel=Channel.WEB
    )
    return f"Recorded. {len(warnings)} early warning(s) raised."


@member_required(Permission.MEASURES_READ)
def client_measures(request: HttpRequest, member: Member, client_id: str) -> HttpResponse:
    client, _ = client_get_for_member(
        member=member, client_id=client_id, permission=Permission.MEASURES_READ, channel=Channel.WEB
    )
    forms = {"assign": AssignForm(prefix="assign"), "entry": EntryForm(prefix="entry"), "plan": PlanForm(prefix="plan")}
    can_write = (
        member.has(Permission.MEASURES_WRITE)
        and client.care_team.filter(member=member, team_role__in=["primary", "clinician"]).exists()
    )
    if request.method == "POST" and can_write:
        form = _posted(request)
        if form.is_valid():
            try:
                messages.success(request, _apply(form, member, client))
                return redirect("client_measures", client_id=client.id)
            except ValidationError as exc:
                apply_errors(form, exc)
        forms[form.prefix or "entry"] = form
    series = history_for(member=member, client=client, channel=Channel.WEB)
    context = {
        "client": client,
        "series": {CATALOGUE[k].name: (k, v) for k, v in series.items()},
        **forms,
        "plans": Plan.objects.filter(client=client).order_by("instrument"),
        "can_write": can_write,
    }
    status = 422 if any(f.errors for f in forms.values()) else 200
    return render(request, "measures/client_measures.html", context, status=status)


@member_required(Permission.MEASURES_READ)
@csp_override({"default-src": [CSP.NONE], "style-src": [CSP.UNSAFE_INLINE]})
def client_measure_chart(request: HttpRequest, member: Member, client_id: str, instrument: str) -> HttpResponse:
    """One instrument's trend as SVG: a picture (no scripts), so its inline styles are the only allowance."""
    if instrument not in CATALOGUE:
        raise Http404
    client, _ = client_get_for_member(
        member=member, client_id=client_id, permission=Permission.MEASURES_READ, channel=Channel.WEB
    )
    points = history_for(member=member, client=client, channel=Channel.WEB).get(instrument, [])
    attended = list(
        Appointment.objects.filter(client=client, status=Appointment.Status.ATTENDED).values_list("start_at", flat=True)
    )
    return HttpResponse(
        trend_svg(instrument=instrument, points=points, attended=attended), content_type="image/svg+xml"
    )


@member_required(Permission.MEASURES_READ)
def administration_fhir(request: HttpRequest, member: Member, administration_id: str) -> HttpResponse:
    row = one_or_404(Administration.objects.all(), practice_id=member.practice_id, pk=administration_id)
    client, _ = client_get_for_member(
        member=member, client_id=row.client_id, permission=Permission.MEASURES_READ, channel=Channel.WEB
    )
    key = client.data_key()
    resource = questionnaire_response(
        id=str(row.id),
        instrument=row.instrument,
        answers=json.loads(row.open("answers", key=key)),
        total=json.loads(row.open("result", key=key))["total"],
        client_id=str(client.id),
        authored=row.completed_at,
    )
    body = json.dumps(resource, indent=2)
    return attachment(body, content_type="application/fhir+json", filename=f"questionnaire-response-{row.id}.json")


@require_POST
@member_required(Permission.MEASURES_READ)
def warning_acknowledge_view(request: HttpRequest, member: Member, warning_id: str) -> HttpResponse:
    try:
        warning_acknowledge(
            member=member, warning_id=warning_id, note=request.POST.get("note", ""), channel=Channel.WEB
        )
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, "Acknowledged.")
    return redirect("dashboard")


@member_required(Permission.PORTAL_SELF_READ)
def portal_measures(request: HttpRequest, member: Member) -> HttpResponse:
    client = client_for_portal(member=member)
    open_ones = Assignment.objects.filter(practice_id=client.practice_id, client=client, completed_at=None)
    return render(request, "measures/portal_measures.html", {"assignments": open_ones.order_by("assigned_at")})


@member_required(Permission.PORTAL_SELF_READ)
def portal_measure_fill(request: HttpRequest, member: Member, assignment_id: int) -> HttpResponse:
    client = client_for_portal(member=member)
    try:
        assignment = Assignment.objects.get(
            practice_id=client.practice_id, client=client, pk=assignment_id, completed_at=None
        )
    except Assignment.DoesNotExist:
        raise Http404 from None
    text = WORDINGS[assignment.instrument]
    form = QuestionnaireForm(request.POST or None, items=text.items, anchors=text.anchors)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            administration, _ = administration_record(
                entered_by=member,
                client=client,
                instrument=assignment.instrument,
                answers=form.answers(),
                channel=Channel.WEB,
                assignment=assignment,
            )
        risk = assignment.instrument == "phq9" and (form.answers()[8] or 0) > 0
        return render(request, "measures/portal_thanks.html", {"risk": risk})
    context = {
        "form": form,
        "name": CATALOGUE[assignment.instrument].name,
        "stem": text.stem,
        "copyright": CATALOGUE[assignment.instrument].copyright,
    }
    return render(request, "measures/portal_fill.html", context, status=422 if form.errors else 200)
