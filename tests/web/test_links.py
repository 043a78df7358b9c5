"""Every link that leaves the page comes from CONFIDE_BASE_URL, never from the request's Host header."""

from __future__ import annotations

import pytest
from django.core import mail
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks, Settings

from confide.web.links import absolute
from tests.cast import Cast, signed_in

BASE = "https://confide.harbor.example"


@pytest.fixture(autouse=True)
def base_url(settings: Settings) -> None:
    settings.CONFIDE_BASE_URL = BASE
    settings.ALLOWED_HOSTS = ["localhost", "attacker.example"]  # a Host the server accepts, but not the address


def test_a_path_is_put_under_the_base_address() -> None:
    assert absolute("/portal/") == f"{BASE}/portal/"


def test_a_link_is_built_only_from_a_path() -> None:
    with pytest.raises(ValueError, match="starts with '/'"):
        absolute("https://attacker.example/portal/")


def test_a_client_invitation_names_the_base_address_whatever_host_the_request_named(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    browser = signed_in(cast.colleague)  # Aisha has no portal account yet
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(f"/clients/{cast.other_client.id}/invite/", HTTP_HOST="attacker.example")
    assert f"{BASE}/invitations/" in mail.outbox[-1].body
    assert "attacker.example" not in mail.outbox[-1].body


def test_a_member_invitation_names_the_base_address_whatever_host_the_request_named(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    browser = signed_in(cast.owner)
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(
            "/practice/",
            {"full_name": "Nia New", "email": "nia@harbor.test", "role": "clinician"},
            HTTP_HOST="attacker.example",
        )
    assert f"{BASE}/invitations/" in mail.outbox[-1].body
    assert "attacker.example" not in mail.outbox[-1].body


def test_a_calendar_feed_address_names_the_base_address(cast: Cast) -> None:
    response = signed_in(cast.clinician).post("/account/calendar/", HTTP_HOST="attacker.example")
    assert f"{BASE}/calendar/".encode() in response.content
    assert b"attacker.example" not in response.content
