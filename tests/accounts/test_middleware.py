from __future__ import annotations

import time

from allauth.mfa.models import Authenticator
from django.test import Client as HttpClient

from tests.cast import Cast


def _signed_in(user: object) -> HttpClient:
    http = HttpClient()
    http.force_login(user)  # type: ignore[arg-type]
    return http


def test_a_member_without_mfa_is_sent_to_set_it_up(cast: Cast) -> None:
    Authenticator.objects.filter(user=cast.clinician.user).delete()
    response = _signed_in(cast.clinician.user).get("/dashboard/")
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/"


def test_mfa_set_up_pages_stay_reachable_without_mfa(cast: Cast) -> None:
    Authenticator.objects.filter(user=cast.clinician.user).delete()
    assert _signed_in(cast.clinician.user).get("/accounts/2fa/").status_code == 200


def test_a_client_is_not_forced_to_use_mfa(cast: Cast) -> None:
    assert _signed_in(cast.client_member.user).get("/portal/").status_code == 200


def _after_idle(user: object, path: str, *, seconds: int) -> tuple[HttpClient, int]:
    """Visit ``path``, pretend ``seconds`` pass without a request, visit again: the status."""
    http = _signed_in(user)
    assert http.get(path).status_code == 200
    session = http.session
    session["confide_last_seen"] = int(time.time()) - seconds
    session.save()
    return http, http.get(path).status_code


def test_a_member_is_signed_out_after_15_idle_minutes(cast: Cast) -> None:
    http, status = _after_idle(cast.clinician.user, "/dashboard/", seconds=15 * 60 + 5)
    assert status == 302
    assert http.get("/dashboard/")["Location"] == "/accounts/login/?next=/dashboard/"


def test_a_member_active_within_15_minutes_stays_signed_in(cast: Cast) -> None:
    assert _after_idle(cast.clinician.user, "/dashboard/", seconds=14 * 60)[1] == 200


def test_a_client_gets_a_longer_idle_window(cast: Cast) -> None:
    assert _after_idle(cast.client_member.user, "/portal/", seconds=20 * 60)[1] == 200


def test_totp_secrets_are_encrypted_at_rest(cast: Cast) -> None:
    from tests.cast import TOTP_SECRET

    row = Authenticator.objects.get(user=cast.clinician.user, type=Authenticator.Type.TOTP)
    assert TOTP_SECRET not in str(row.data)


def test_public_sign_up_is_closed(db: None) -> None:
    response = HttpClient().post(
        "/accounts/signup/", {"email": "x@y.test", "password1": "long enough pw", "password2": "long enough pw"}
    )
    assert response.status_code == 200
    assert "Sign Up Closed" in response.content.decode()
