"""Attach the signed-in user's active membership to the request as ``request.member``: the one they chose
with the practice switcher (kept in their session), while it is still theirs and active; else their oldest."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import rotate_token
from django.urls import get_callable

from confide.practices.selectors import member_for_user

CHOSEN = "confide.member"
SAFE_METHODS = frozenset(
    {"GET", "HEAD", "OPTIONS", "TRACE"}
)  # the session key of the membership chosen with the practice switcher


class MembershipMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        member = None
        if request.user.is_authenticated:
            chosen = request.session.get(CHOSEN)
            member = member_for_user(user=request.user, chosen=chosen)
            if chosen and (member is None or str(member.pk) != chosen):
                # The chosen membership ended: fall back, and say so, and refuse forms opened for it.
                del request.session[CHOSEN]
                rotate_token(request)
                if member is not None:
                    messages.warning(
                        request, f"That membership has ended. You are now working in {member.practice.name}."
                    )
                if request.method not in SAFE_METHODS:  # posted for the membership that ended: save nothing
                    request.member = member  # type: ignore[attr-defined]
                    failure: Callable[..., HttpResponse] = get_callable(settings.CSRF_FAILURE_VIEW)
                    return failure(request, reason="the membership the form was opened for has ended")
            elif not chosen and member is not None:
                # Pin the membership the session begins in, so that a change to which one is oldest (one ended,
                # an older one given back) is a change of membership like any other: announced, forms refused.
                request.session[CHOSEN] = str(member.pk)
        request.member = member  # type: ignore[attr-defined]
        return self.get_response(request)
