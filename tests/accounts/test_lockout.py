"""Sign-in lockout (django-axes behind allauth), through the real sign-in page."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pyotp
import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client as HttpClient
from pytest_django.fixtures import Settings

from tests.cast import PASSWORD, TOTP_SECRET, Cast

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

CHRIS = "chris@harbor.test"
LOCKED_OUT = "accounts/locked_out.html"


@pytest.fixture(autouse=True)
def _axes_alone(settings: Settings) -> Iterator[None]:
    # allauth keeps a second, cache-based limit on failed sign-ins (and its TOTP replay guard) in the
    # process-wide cache: start each test from an empty one, and switch that limit off so these tests
    # see what axes does on its own.
    cache.clear()
    settings.ACCOUNT_RATE_LIMITS = False
    yield
    cache.clear()


def _password(http: HttpClient, password: str, login: str = CHRIS) -> Response:
    return http.post("/accounts/login/", {"login": login, "password": password})


def _fail(http: HttpClient, times: int, login: str = CHRIS) -> None:
    for _ in range(times):
        response = _password(http, "not the password", login)
        assert response.status_code in (200, 429)


def _password_accepted(response: Response) -> bool:
    """The password stage passed: a member is asked for the second factor next."""
    return response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"


def _locked_out(response: Response) -> bool:
    return response.status_code == 429 and LOCKED_OUT in [t.name for t in response.templates]


def _signed_in(http: HttpClient) -> bool:
    return http.get("/dashboard/").status_code == 200


def _sign_in_fully(http: HttpClient, code_offset: int = 0) -> None:
    assert _password_accepted(_password(http, PASSWORD))
    code = pyotp.TOTP(TOTP_SECRET).at(time.time() + code_offset)  # allauth refuses a code used before
    response = http.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 302 and _signed_in(http)


def test_four_wrong_passwords_then_the_right_one_signs_in(cast: Cast) -> None:
    http = HttpClient()
    _fail(http, 4)
    _sign_in_fully(http)


def test_the_fifth_wrong_password_locks_the_account_out(cast: Cast) -> None:
    http = HttpClient()
    _fail(http, 4)
    assert _locked_out(_password(http, "not the password"))


def test_after_five_wrong_passwords_even_the_right_one_is_refused(cast: Cast) -> None:
    http = HttpClient()
    _fail(http, 5)
    assert _locked_out(_password(http, PASSWORD))
    assert not _signed_in(http)
    assert _locked_out(_password(HttpClient(), PASSWORD))  # a fresh session at the same address too


def test_the_lockout_ignores_the_case_of_the_email(cast: Cast) -> None:
    http = HttpClient()
    for login in (
        "chris@harbor.test",
        "Chris@Harbor.test",
        "CHRIS@HARBOR.TEST",
        " chris@harbor.TEST",
        "cHris@harbor.test",
    ):
        _fail(http, 1, login)
    assert _locked_out(_password(http, PASSWORD))


def test_a_successful_sign_in_resets_the_count(cast: Cast) -> None:
    http = HttpClient()
    _fail(http, 4)
    _sign_in_fully(http)
    http.post("/accounts/logout/")
    assert not _signed_in(http)
    _fail(http, 4)
    _sign_in_fully(http, code_offset=30)  # the next window's code: the first one is spent


def _wind_back(minutes: float) -> None:
    """Let the clock run on: the attempts were made ``minutes`` ago."""
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes))


def test_the_lockout_lifts_after_30_minutes(cast: Cast) -> None:
    http = HttpClient()
    _fail(http, 5)
    _wind_back(30.1)
    _sign_in_fully(http)


def test_the_lockout_holds_for_29_minutes(cast: Cast) -> None:
    http = HttpClient()
    _fail(http, 5)
    _wind_back(29)
    assert _locked_out(_password(http, PASSWORD))


def test_failures_older_than_the_cool_off_are_forgotten(cast: Cast) -> None:
    http = HttpClient()
    _fail(http, 4)
    _wind_back(31)
    _fail(http, 4)  # four fresh failures: not yet five in the window
    _sign_in_fully(http)
