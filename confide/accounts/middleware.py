"""Session idle timeout and mandatory MFA for practice members."""

from __future__ import annotations

import time
from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from confide.api.problems import problem
from confide.web.scripted import BACKGROUND, scripted

_LAST_SEEN = "confide_last_seen"
STAMP_EVERY = 10  # seconds: the last-seen time is rewritten at most this often (a page's burst of requests
# would otherwise write the session row once each); signing out up to this much early is the safe side
# Paths a member without MFA may still reach: the MFA set-up pages, re-authentication,
# e-mail confirmation, sign-out and static files.
_MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/invitations/")


class IdleTimeoutMiddleware:
    """Sign a user out after a period without requests (shorter for practice members)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(_LAST_SEEN)
            limit = self._limit(request)
            if isinstance(last_seen, int) and now - last_seen > limit:
                logout(request)
                if scripted(request):  # a page's script cannot follow a redirect to the sign-in page
                    return problem(401, "You were signed out after a period of inactivity: reload this page.")
                messages.info(request, "You were signed out after a period of inactivity.")
                return HttpResponseRedirect(reverse("account_login"))
            recent = isinstance(last_seen, int) and 0 <= now - last_seen < STAMP_EVERY
            if BACKGROUND not in request.headers and not recent:  # a page polling on its own is not the person
                request.session[_LAST_SEEN] = now
        return self.get_response(request)

    @staticmethod
    def _limit(request: HttpRequest) -> int:
        member = getattr(request, "member", None)
        if member is not None and member.requires_mfa:
            return int(settings.CONFIDE_MEMBER_IDLE_SECONDS)
        return int(settings.CONFIDE_CLIENT_IDLE_SECONDS)


class RequireMfaMiddleware:
    """Send practice members (every role but client) to MFA set-up until they have it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        member = getattr(request, "member", None)
        if (
            member is not None
            and member.requires_mfa
            and not request.path.startswith(_MFA_EXEMPT_PREFIXES)
            and not is_mfa_enabled(request.user)
        ):
            if request.path.startswith("/api/"):
                return self.get_response(request)  # the API authenticates by token, not session
            if scripted(request):
                return problem(403, "Your practice requires two-factor authentication: set it up, then reload.")
            messages.warning(request, "Your practice requires two-factor authentication. Set it up to continue.")
            return HttpResponseRedirect(reverse("mfa_index"))
        return self.get_response(request)
