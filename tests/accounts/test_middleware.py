from __future__ import annotations

import time

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client as HttpClient
from django.urls import reverse

from confide.accounts.models import User
from confide.audit.actions import Channel
from confide.practices.models import Member
from confide.tokens.services import token_create
from tests.cast import TOTP_SECRET, Cast

MEMBERS = ["owner", "clinician", "supervisor", "staff"]


def _signed_in(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def _without_mfa(member: Member) -> HttpClient:
    Authenticator.objects.filter(user=member.user).delete()
    return _signed_in(member.user)


def test_a_member_without_mfa_is_sent_to_set_it_up(cast: Cast) -> None:
    http = _without_mfa(cast.clinician)
    response = http.get("/dashboard/")
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/"
    assert "two-factor" in http.get("/accounts/2fa/").content.decode()  # and is told why


@pytest.mark.parametrize("role", MEMBERS)
def test_every_member_role_without_mfa_is_sent_to_set_it_up_from_every_page(cast: Cast, role: str) -> None:
    http = _without_mfa(getattr(cast, role))
    pages = [
        "/",
        "/dashboard/",
        "/clients/",
        f"/clients/{cast.client.id}/",
        "/practice/",
        "/practice/holds/",
        "/emergency-access/",
        "/account/tokens/",
        "/account/activity/",
        "/portal/",
    ]
    for page in pages:
        response = http.get(page)
        assert (page, response.status_code, response.get("Location")) == (page, 302, "/accounts/2fa/")


def test_mfa_set_up_pages_stay_reachable_without_mfa(cast: Cast) -> None:
    http = _without_mfa(cast.clinician)
    assert http.get("/accounts/2fa/").status_code == 200
    assert http.get("/accounts/2fa/totp/activate/", follow=True).status_code == 200  # after re-authenticating
    assert http.get("/accounts/reauthenticate/").status_code == 200
    assert http.get("/accounts/logout/").status_code == 200


def test_static_files_and_invitation_links_are_not_redirected_to_mfa(cast: Cast) -> None:
    http = _without_mfa(cast.clinician)
    for page in ("/static/confide/app.css", "/invitations/not-a-token/"):
        assert http.get(page).get("Location") != "/accounts/2fa/"
    assert http.get("/invitations/not-a-token/").status_code == 410


def test_the_api_answers_a_token_without_the_mfa_redirect(cast: Cast) -> None:
    _, secret = token_create(
        actor=cast.clinician, name="script", scopes=["clients:client:read"], days=None, channel=Channel.CLI
    )
    http = _without_mfa(cast.clinician)
    response = http.get("/api/v1/clients", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert str(cast.client.id) in response.content.decode()


def test_a_member_with_mfa_reaches_their_pages(cast: Cast) -> None:
    assert _signed_in(cast.clinician.user).get("/dashboard/").status_code == 200


def test_a_client_is_not_forced_to_use_mfa(cast: Cast) -> None:
    assert not Authenticator.objects.filter(user=cast.client_member.user).exists()
    assert _signed_in(cast.client_member.user).get("/portal/").status_code == 200


class _Clock:
    """``time.time`` stopped at a whole second, moved on only by the test."""

    def __init__(self) -> None:
        self.now = float(int(time.time()))

    def __call__(self) -> float:
        return self.now


def _after_idle(monkeypatch: pytest.MonkeyPatch, user: User, path: str, *, idle: list[int]) -> HttpClient:
    """Visit ``path``, then again after each of the ``idle`` pauses (seconds) on a stopped clock."""
    http = _signed_in(user)
    clock = _Clock()
    monkeypatch.setattr(time, "time", clock)
    assert http.get(path).status_code == 200
    for pause in idle:
        clock.now += pause
        http.get(path)
    return http


def _still_signed_in(http: HttpClient, path: str) -> bool:
    response = http.get(path)
    return response.status_code == 200


def test_a_member_is_signed_out_after_15_idle_minutes(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    http = _signed_in(cast.clinician.user)
    clock = _Clock()
    monkeypatch.setattr(time, "time", clock)
    assert http.get("/dashboard/").status_code == 200
    clock.now += 15 * 60 + 1
    response = http.get("/dashboard/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert "inactivity" in http.get("/accounts/login/").content.decode()  # and is told why
    assert http.get("/dashboard/")["Location"] == "/accounts/login/?next=/dashboard/"  # really signed out


def test_a_member_idle_for_exactly_15_minutes_stays_signed_in(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    http = _after_idle(monkeypatch, cast.clinician.user, "/dashboard/", idle=[15 * 60])
    assert _still_signed_in(http, "/dashboard/")


@pytest.mark.parametrize("role", MEMBERS)
def test_every_member_role_gets_the_15_minute_window(cast: Cast, monkeypatch: pytest.MonkeyPatch, role: str) -> None:
    http = _after_idle(monkeypatch, getattr(cast, role).user, "/dashboard/", idle=[15 * 60 + 1])
    assert not _still_signed_in(http, "/dashboard/")


def test_activity_keeps_a_member_signed_in(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    http = _after_idle(monkeypatch, cast.clinician.user, "/dashboard/", idle=[10 * 60, 10 * 60, 10 * 60])
    assert _still_signed_in(http, "/dashboard/")


def test_a_burst_of_requests_writes_the_session_once(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    from confide.accounts.middleware import _LAST_SEEN, STAMP_EVERY  # noqa: PLC0415

    http = _signed_in(cast.clinician.user)
    clock = _Clock()
    monkeypatch.setattr(time, "time", clock)
    http.get("/dashboard/")
    first = http.session[_LAST_SEEN]
    saves: list[object] = []
    monkeypatch.setattr(type(http.session), "save", lambda self, *a, **k: saves.append(self))
    for _ in range(STAMP_EVERY):  # a page's own requests, within a few seconds
        clock.now += 0.9
        assert http.get(reverse("messaging_mailbox")).status_code == 200
    assert saves == []
    clock.now = first + STAMP_EVERY
    http.get(reverse("messaging_mailbox"))
    assert len(saves) == 1


def test_a_clock_set_back_rewrites_the_stamp(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    from confide.accounts.middleware import _LAST_SEEN  # noqa: PLC0415

    http = _signed_in(cast.clinician.user)
    clock = _Clock()
    monkeypatch.setattr(time, "time", clock)
    http.get("/dashboard/")
    clock.now -= 3600  # a last-seen stamp in the future would otherwise hold for an hour
    http.get("/dashboard/")
    assert http.session[_LAST_SEEN] == int(clock.now)


def test_a_page_polling_on_its_own_does_not_keep_an_idle_member_signed_in(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    http = _signed_in(cast.clinician.user)
    clock = _Clock()
    monkeypatch.setattr(time, "time", clock)
    poll = reverse("messaging_list", args=[cast.client.id])
    assert http.get("/dashboard/").status_code == 200
    for _ in range(15):  # a thread left open, asking every minute for 15 minutes
        clock.now += 60
        assert http.get(poll, headers={"X-Confide-Background": "poll"}).status_code == 204
    clock.now += 60  # 16 minutes since the person last did anything
    response = http.get(poll, headers={"X-Confide-Background": "poll"})
    assert (response.status_code, response["Content-Type"]) == (401, "application/problem+json")
    assert http.get("/dashboard/")["Location"] == "/accounts/login/?next=/dashboard/"  # signed out


def test_a_client_gets_30_idle_minutes(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    http = _after_idle(monkeypatch, cast.client_member.user, "/portal/", idle=[30 * 60])
    assert _still_signed_in(http, "/portal/")


def test_a_client_is_signed_out_after_30_idle_minutes(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    http = _after_idle(monkeypatch, cast.client_member.user, "/portal/", idle=[30 * 60 + 1])
    assert http.get("/portal/")["Location"] == "/accounts/login/?next=/portal/"


def test_totp_secrets_are_encrypted_at_rest(cast: Cast) -> None:
    row = Authenticator.objects.get(user=cast.clinician.user, type=Authenticator.Type.TOTP)
    assert TOTP_SECRET not in str(row.data)


def test_public_sign_up_is_closed(db: None) -> None:
    response = HttpClient().post(
        "/accounts/signup/", {"email": "x@y.test", "password1": "long enough pw", "password2": "long enough pw"}
    )
    assert response.status_code == 200
    assert "Sign Up Closed" in response.content.decode()


@pytest.mark.parametrize(
    ("content_type", "headers"),
    [
        ("application/json", {}),  # a script posting
        ("application/octet-stream", {}),  # a sealed upload
        ("text/plain", {"Accept": "application/json, application/octet-stream"}),  # a script reading
        ("text/plain", {"X-Confide-Background": "poll"}),  # the page polling on its own
    ],
)
def test_a_script_that_finds_the_session_idle_is_told_so_in_a_problem_document(
    cast: Cast, monkeypatch: pytest.MonkeyPatch, content_type: str, headers: dict[str, str]
) -> None:
    """(Found by a hostile review: it was sent a redirect to the sign-in page, which a script cannot follow.)"""
    http = _signed_in(cast.client_member.user)
    clock = _Clock()
    monkeypatch.setattr(time, "time", clock)
    assert http.get("/portal/").status_code == 200
    clock.now += 30 * 60 + 1
    answer = http.post(f"/messages/{cast.client.id}/send/", "{}", content_type=content_type, headers=headers)
    assert (answer.status_code, answer["Content-Type"]) == (401, "application/problem+json")
    assert answer.json()["detail"] == "You were signed out after a period of inactivity: reload this page."
    assert http.get("/portal/")["Location"].startswith("/accounts/login/")  # really signed out


def test_a_script_of_a_member_without_mfa_is_told_so_in_a_problem_document(cast: Cast) -> None:
    http = _without_mfa(cast.clinician)
    answer = http.get(f"/messages/{cast.client.id}/recipients.json", HTTP_ACCEPT="application/json")
    assert (answer.status_code, answer["Content-Type"]) == (403, "application/problem+json")
    assert "two-factor" in answer.json()["detail"]
    assert http.get("/dashboard/")["Location"] == reverse("mfa_index")  # a page is still sent to set it up
