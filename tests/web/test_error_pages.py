"""Error pages are the app's own, styled, with a favicon, and tell nothing about the request."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.test import Client as HttpClient
from django.urls import include, path
from pytest_django.fixtures import Settings

from tests.cast import Cast, signed_in


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("Jordan Canary-Client's note failed")  # what an exception may carry must not show


urlpatterns = [path("boom/", _boom), path("", include("confide.urls"))]


def _styled(body: str) -> None:
    assert '<link rel="stylesheet" href="/static/confide/app.css' in body
    assert '<link rel="icon" href="/static/confide/favicon' in body
    assert '<a class="brand" href="/">Confide</a>' in body


def test_a_missing_page_is_styled_and_says_only_that(cast: Cast) -> None:
    response = signed_in(cast.clinician).get(f"/clients/{cast.outsider_client.id}/")
    body = response.content.decode()
    assert response.status_code == 404 and "Error 404" in body and "Nothing to see here" in body
    _styled(body)
    assert "Omar" not in body


@pytest.mark.django_db
def test_a_server_error_is_styled_and_shows_nothing_of_the_exception(settings: Settings) -> None:
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    response = HttpClient(raise_request_exception=False).get("/boom/")
    body = response.content.decode()
    assert response.status_code == 500 and "Something went wrong on our side" in body
    _styled(body)
    assert "Canary" not in body and "RuntimeError" not in body


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_gets_a_plain_explanation() -> None:
    response = HttpClient(enforce_csrf_checks=True).post("/accounts/login/", {"login": "a@b.test", "password": "x"})
    body = response.content.decode()
    assert response.status_code == 403 and "This form has expired" in body
    _styled(body)
    assert "a@b.test" not in body


@pytest.mark.django_db
def test_a_request_for_another_host_is_refused_with_the_styled_page() -> None:
    response = HttpClient().get("/accounts/login/", HTTP_HOST="attacker.example")
    body = response.content.decode()
    assert response.status_code == 400 and "The request could not be read" in body
    _styled(body)
    assert "attacker.example" not in body


@pytest.mark.django_db
def test_favicon_ico_leads_to_the_icon_that_is_served() -> None:
    response = HttpClient().get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].startswith("/static/confide/favicon")
    assert finders.find("confide/favicon.svg")


def test_every_signed_in_page_names_the_icon(cast: Cast) -> None:
    _styled(signed_in(cast.clinician).get("/dashboard/").content.decode())
