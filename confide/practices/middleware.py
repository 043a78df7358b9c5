"""Attach the signed-in user's active membership to the request as ``request.member``: the one they chose
with the practice switcher (kept in their session), while it is still theirs and active; else their oldest."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from confide.practices.selectors import member_for_user

CHOSEN = "confide.member"  # the session key of the membership chosen with the practice switcher


class MembershipMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            request.member = member_for_user(user=request.user, chosen=request.session.get(CHOSEN))  # type: ignore[attr-defined]
        else:
            request.member = None  # type: ignore[attr-defined]
        return self.get_response(request)
