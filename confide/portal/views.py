"""The client's own pages (phone-first)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from confide.audit.history import history_rows, proof_bundle
from confide.clients.selectors import client_for_portal
from confide.consent.selectors import client_due_reasons
from confide.measures.models import Assignment
from confide.practices.decorators import member_required
from confide.practices.models import Member
from confide.practices.permissions import Permission


@member_required(Permission.PORTAL_SELF_READ)
def portal_home(request: HttpRequest, member: Member) -> HttpResponse:
    client = client_for_portal(member=member)
    key = client.data_key()
    team = [s.member for s in client.care_team.select_related("member__user").order_by("added_at")]
    context = {
        "name": client.open("name", key=key),
        "team": team,
        "agreement_due": client_due_reasons(client=client),
        "questionnaires_due": Assignment.objects.filter(client=client, completed_at=None).count(),
    }
    return render(request, "portal/home.html", context)


@member_required(Permission.PORTAL_SELF_READ)
def portal_history(request: HttpRequest, member: Member) -> HttpResponse:
    """Who has seen my record: every access, newest first, checked by the browser."""
    client = client_for_portal(member=member)
    rows = history_rows(practice_id=client.practice_id, client_id=client.id, viewer=member)
    kinds = sorted({(r.action, r.what) for r in rows}, key=lambda k: k[1])
    wanted = request.GET.get("kind", "")
    shown = [r for r in rows if not wanted or r.action == wanted]
    return render(request, "portal/history.html", {"rows": shown, "kinds": kinds, "kind": wanted})


@member_required(Permission.PORTAL_SELF_READ)
def portal_history_proofs(request: HttpRequest, member: Member) -> JsonResponse:
    client = client_for_portal(member=member)
    try:
        since = int(request.GET["since"]) if request.GET.get("since") else None
    except ValueError:
        since = None
    return JsonResponse(proof_bundle(practice=member.practice, client_id=client.id, since=since))
