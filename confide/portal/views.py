"""The client's own pages (phone-first)."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from confide.audit.history import KINDS, HistoryRow, history_page
from confide.audit.log import verifier_key
from confide.audit.proofs import MAX_SPAN, proof_bundle
from confide.clients.models import Client
from confide.clients.selectors import client_for_portal
from confide.consent.selectors import client_due_reasons
from confide.measures.models import Assignment
from confide.messaging.unread import unread_for
from confide.practices.decorators import member_required
from confide.practices.models import Member
from confide.practices.permissions import Permission


@member_required(Permission.PORTAL_SELF_READ)
def portal_home(request: HttpRequest, member: Member) -> HttpResponse:
    client = client_for_portal(member=member)
    key = client.data_key()
    team = [s.member for s in client.care_team.select_related("member__user").order_by("added_at")]
    context = {
        "client_id": client.id,
        "name": client.open("name", key=key),
        "team": team,
        "agreement_due": client_due_reasons(client=client),
        "questionnaires_due": Assignment.objects.filter(client=client, completed_at=None).count(),
        "messages_unread": sum(u.count for u in unread_for(member)),
    }
    return render(request, "portal/home.html", context)


def _number(request: HttpRequest, name: str) -> int | None:
    try:
        value = int(request.GET.get(name, ""))
    except ValueError:
        return None
    return value if value > 0 else None


@member_required(Permission.PORTAL_SELF_READ)
def portal_history(request: HttpRequest, member: Member) -> HttpResponse:
    """Who has seen my record: a page of accesses, newest first, checked by the browser."""
    client = client_for_portal(member=member)
    kind = request.GET.get("kind", "")
    kind = kind if kind in KINDS else ""
    person = _uuid(request.GET.get("person", ""))
    page = history_page(
        practice_id=client.practice_id,
        client_id=client.id,
        viewer=member,
        before=_number(request, "before"),
        kind=kind,
        person=uuid.UUID(person) if person else None,
    )
    people = _people(client, member, page.rows)
    kinds = [(value, label) for value, (label, _) in KINDS.items()]
    filters = urlencode({k: v for k, v in (("kind", kind), ("person", person)) if v})
    context = {
        "page": page,
        "kinds": kinds,
        "kind": kind,
        "people": people,
        "person": person,
        "filtered": bool(kind or person),
        "filters": filters,
        "client_id": client.id,
        "viewer_id": member.id,
        "log_key": verifier_key(member.practice),  # in the page, not in the answer it checks
    }
    return render(request, "portal/history.html", context)


def _uuid(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return ""


def _people(client: Client, member: Member, rows: list[HistoryRow]) -> list[tuple[str, str]]:
    """Whom the client can filter their history by: themselves, their care team, and whoever is on the page."""
    team = client.care_team.select_related("member__user").order_by("added_at")
    people = {str(member.id): "You"} | {str(s.member_id): str(s.member.user) for s in team}
    for row in rows:
        if row.actor and row.actor not in people:
            people[row.actor] = f"{row.who} ({row.role})"
    return list(people.items())


@member_required(Permission.PORTAL_SELF_READ)
def portal_history_proofs(request: HttpRequest, member: Member) -> JsonResponse:
    client = client_for_portal(member=member)
    first, last = _number(request, "from"), _number(request, "to")  # no "to": up to the signed head
    seqs = [int(n) for n in request.GET.get("seqs", "").split(",")[:MAX_SPAN] if re.fullmatch(r"[1-9][0-9]{0,17}", n)]
    bundle = proof_bundle(
        practice=member.practice,
        client_id=client.id,
        since=_number(request, "since"),
        first=first,
        last=last,
        seqs=seqs,
    )
    return JsonResponse(bundle)
