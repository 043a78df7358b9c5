from __future__ import annotations

import re

from allauth.mfa.models import Authenticator
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.helpers import sign_in
from tests.cast import PASSWORD, Cast


def test_a_clinician_registers_a_passkey_and_signs_in_with_it_alone(
    page: Page, live_server: LiveServer, live_cast: Cast
) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    base = live_server.url
    sign_in(page, base, "chris@harbor.test")
    expect(page.get_by_role("heading", name=re.compile("Good to see you"))).to_be_visible()

    page.goto(f"{base}/accounts/2fa/webauthn/add/")
    if "/reauthenticate/" in page.url:
        page.fill("input[name=password]", PASSWORD)
        page.click("main form button[type=submit]")
    page.fill("input[name=name]", "Laptop passkey")
    page.check("input[name=passwordless]")
    page.click("#mfa_webauthn_add")
    expect(page).not_to_have_url(re.compile(r"/webauthn/add/"))
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator["authenticatorId"]})
    assert len(credentials["credentials"]) == 1
    assert Authenticator.objects.filter(user=live_cast.clinician.user, type=Authenticator.Type.WEBAUTHN).count() == 1

    page.click("nav button:has-text('Sign out')")
    page.goto(f"{base}/accounts/login/")
    page.click("#passkey_login")
    expect(page.get_by_role("heading", name=re.compile("Good to see you, Chris"))).to_be_visible()
