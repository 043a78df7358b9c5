"""The client's own pages (phone-first)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from confide.clients.selectors import client_for_portal
from confide.practices.decorators import member_required
from confide.practices.models import Member
from confide.practices.permissions import Permission


@member_required(Permission.PORTAL_SELF_READ)
def portal_home(request: HttpRequest, member: Member) -> HttpResponse:
    client = client_for_portal(member=member)
    key = client.data_key()
    team = [str(s.member.user) for s in client.care_team.select_related("member__user").order_by("added_at")]
    return render(request, "portal/home.html", {"name": client.open("name", key=key), "team": team})
