"""allauth adapters: nobody signs up without an invitation, and MFA secrets are sealed in the database."""

from __future__ import annotations

import base64
import time

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core import mail
from django.core.cache import cache
from django.test import Client as HttpClient
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks

from confide.accounts.adapter import MfaAdapter
from confide.accounts.models import User
from confide.audit.actions import Channel
from confide.invitations.services import invitation_for_client_create
from confide.vault.keyring import VaultError
from confide.vault.sealing import master_key
from tests.cast import PASSWORD, TOTP_SECRET, Cast

SEALED = "cfd1:"


def _sign_up(email: str) -> HttpClient:
    http = HttpClient()
    http.post("/accounts/signup/", {"email": email, "password1": "a long passphrase", "password2": "a long passphrase"})
    return http


def _totp_row(cast: Cast) -> Authenticator:
    return Authenticator.objects.get(user=cast.clinician.user, type=Authenticator.Type.TOTP)


def _sign_in_with_totp(email: str) -> HttpClient:
    cache.clear()  # allauth's replay guard remembers codes in the cache
    http = HttpClient()
    response = http.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    http.post("/accounts/2fa/authenticate/", {"code": pyotp.TOTP(TOTP_SECRET).at(time.time())})
    return http


def test_the_sign_up_page_creates_no_account(db: None) -> None:
    http = _sign_up("stranger@elsewhere.test")
    assert User.objects.for_email("stranger@elsewhere.test") is None
    assert http.get("/dashboard/").status_code == 302  # not signed in
    assert "account/signup_closed.html" in [t.name for t in http.get("/accounts/signup/").templates]


def test_only_an_invitation_lets_a_new_person_in(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    _sign_up("aisha@client.test")
    assert User.objects.for_email("aisha@client.test") is None
    with django_capture_on_commit_callbacks(execute=True):
        invitation_for_client_create(
            actor=cast.colleague,
            client=cast.other_client,
            link_base="http://testserver/invitations/",
            channel=Channel.WEB,
        )
    token = mail.outbox[-1].body.split("/invitations/")[1].split("/")[0]
    http = HttpClient()
    http.post(f"/invitations/{token}/", {"password1": "a long passphrase here", "password2": "a long passphrase here"})
    assert User.objects.for_email("aisha@client.test") is not None
    assert http.get("/portal/").status_code == 200


def test_the_totp_seed_is_sealed_in_the_database(cast: Cast) -> None:
    stored = _totp_row(cast).data["secret"]
    assert stored.startswith(SEALED) and TOTP_SECRET not in stored
    assert TOTP_SECRET.encode() not in base64.b64decode(stored[len(SEALED) :])
    assert MfaAdapter().decrypt(stored) == TOTP_SECRET


def test_the_recovery_code_seed_is_sealed_in_the_database(cast: Cast) -> None:
    codes = RecoveryCodes.activate(cast.clinician.user)
    stored = codes.instance.data["seed"]
    seed = MfaAdapter().decrypt(stored)
    assert stored.startswith(SEALED) and seed not in stored
    fresh = RecoveryCodes(Authenticator.objects.get(pk=codes.instance.pk))
    assert fresh.validate_code(codes.get_unused_codes()[0])


def test_a_member_signs_in_with_the_sealed_totp_seed(cast: Cast) -> None:
    assert _sign_in_with_totp("chris@harbor.test").get("/dashboard/").status_code == 200


def test_a_plaintext_seed_planted_in_the_database_is_refused(cast: Cast) -> None:
    row = _totp_row(cast)
    row.data = {"secret": TOTP_SECRET}  # an attacker with write access to the table plants a seed they know
    row.save(update_fields=["data"])
    with pytest.raises(ValueError, match="^MFA secret is not sealed$"):
        _sign_in_with_totp("chris@harbor.test")


def test_a_secret_sealed_for_another_purpose_is_refused(cast: Cast) -> None:
    row = _totp_row(cast)
    other = base64.b64encode(master_key().seal_secret(TOTP_SECRET, purpose="other")).decode()
    row.data = {"secret": SEALED + other}
    row.save(update_fields=["data"])
    with pytest.raises(VaultError, match="does not decrypt"):
        _sign_in_with_totp("chris@harbor.test")
