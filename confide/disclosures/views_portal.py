"""The client's accounting of disclosures in the portal, and as a PDF."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from confide.audit.actions import Channel
from confide.clients.selectors import client_for_portal
from confide.disclosures.accounting_pdf import accounting_pdf
from confide.disclosures.selectors import accounting_for_client
from confide.practices.decorators import member_required
from confide.practices.models import Member
from confide.practices.permissions import Permission
from confide.web.responses import attachment


@member_required(Permission.PORTAL_SELF_READ)
def portal_accounting(request: HttpRequest, member: Member) -> HttpResponse:
    client = client_for_portal(member=member)
    entries = accounting_for_client(client=client, viewer=member, channel=Channel.WEB)
    return render(request, "disclosures/portal_accounting.html", {"entries": entries})


@member_required(Permission.PORTAL_SELF_READ)
def portal_accounting_pdf(request: HttpRequest, member: Member) -> HttpResponse:
    client = client_for_portal(member=member)
    entries = accounting_for_client(client=client, viewer=member, channel=Channel.WEB)
    body = accounting_pdf(practice=client.practice.name, entries=entries, produced=timezone.now())
    return attachment(body, content_type="application/pdf", filename="accounting-of-disclosures.pdf")
