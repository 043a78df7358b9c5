"""Attach the signed-in user's active membership to the request as ``request.member``."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from confide.practices.selectors import member_for_user


class MembershipMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.member = member_for_user(user=request.user) if request.user.is_authenticated else None  # type: ignore[attr-defined]
        return self.get_response(request)
