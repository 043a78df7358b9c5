"""The human-readable API reference at /api/v1/docs: Swagger UI, served locally (no CDN), under the CSP."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse


def api_docs(request: HttpRequest) -> HttpResponse:
    return render(request, "api/docs.html", {"openapi_url": reverse("api:openapi-json")})
