"""Attach the signed-in user's active membership to the request as ``request.member``: the one they chose
with the practice switcher (kept in their session), while it is still theirs and active; else their oldest."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import rotate_token
from django.urls import get_callable

from confide.practices.selectors import membership_of, memberships_for_user

CHOSEN = "confide.member"  # the session key of the membership chosen with the practice switcher
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class MembershipMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # One query per request: the header's switcher (confide.practices.context_processors) reads the list.
        memberships = list(memberships_for_user(user=request.user))
        chosen = request.session.get(CHOSEN) if request.user.is_authenticated else None
        member = membership_of(memberships, chosen) or (memberships[0] if memberships else None)
        request.memberships, request.member = memberships, member  # type: ignore[attr-defined]
        if chosen and (member is None or str(member.pk) != chosen):
            # The chosen membership ended: fall back, and say so, and refuse forms opened for it.
            del request.session[CHOSEN]
            rotate_token(request)
            if member is not None:
                messages.warning(request, f"That membership has ended. You are now working in {member.practice.name}.")
            if request.method not in SAFE_METHODS:  # posted for the membership that ended: save nothing
                failure: Callable[..., HttpResponse] = get_callable(settings.CSRF_FAILURE_VIEW)
                return failure(request, reason="the membership the form was opened for has ended")
        elif not chosen and member is not None:
            # Pin the membership the session begins in, so that a change to which one is oldest (one ended,
            # an older one given back) is a change of membership like any other: announced, forms refused.
            request.session[CHOSEN] = str(member.pk)
        return self.get_response(request)
