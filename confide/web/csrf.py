"""The answer to a request that failed Django's CSRF check: the page that explains (403_csrf.html) for a
form, an RFC 9457 problem document for a script's JSON or sealed upload, which cannot show a page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.csrf import csrf_failure as page

from confide.api.problems import problem
from confide.web.scripted import scripted


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if scripted(request):
        return problem(403, "This page's security check expired: reload it and try again.")
    return page(request, reason=reason)
