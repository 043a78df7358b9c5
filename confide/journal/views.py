"""The journal page and the JSON endpoints its script (static/confide/journal.js) uses: sealed entries in
and out, and deletion. A refusal is an RFC 9457 problem document."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from confide.journal.selectors import entries_read, journal_for_member
from confide.journal.services import entry_delete, entry_write
from confide.messaging.http import WEB, body_of, json_problems
from confide.messaging.services import envelope_from
from confide.practices.decorators import member_required
from confide.practices.models import Member
from confide.practices.permissions import Permission
from confide.rulepacks.selectors import crisis_for_client

USE = Permission.PORTAL_JOURNAL_USE


@require_GET
@member_required(USE)
def journal_page(request: HttpRequest, member: Member) -> HttpResponse:
    client = journal_for_member(member=member)
    crisis = crisis_for_client(client)
    return render(request, "journal/journal.html", {"client_id": client.id, "crisis": crisis})


@json_problems
@require_GET
@member_required(USE)
def entries_json(request: HttpRequest, member: Member) -> JsonResponse:
    entries = entries_read(member=member, channel=WEB)
    rows = [
        {"id": str(e.id), "written": e.written_at.isoformat(), "mailbox": e.mailbox, "envelope": e.envelope}
        for e in entries
    ]
    return JsonResponse({"practice": str(member.practice_id), "entries": rows})


@json_problems
@require_POST
@member_required(USE)
def entry_write_view(request: HttpRequest, member: Member) -> HttpResponse:
    entry = entry_write(member=member, envelope=envelope_from(body_of(request)), channel=WEB)
    return JsonResponse({"id": str(entry.id), "written": entry.written_at.isoformat()}, status=201)


@json_problems
@require_POST
@member_required(USE)
def entry_delete_view(request: HttpRequest, member: Member, entry_id: str) -> HttpResponse:
    entry_delete(member=member, entry_id=entry_id, channel=WEB)
    return HttpResponse(status=204)
