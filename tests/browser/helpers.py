from __future__ import annotations

import time

import pyotp
from playwright.sync_api import Page, expect

from tests.cast import PASSWORD, TOTP_SECRET


def fresh_totp() -> str:
    """A TOTP code with at least two seconds of its window left (avoids a boundary flake)."""
    totp = pyotp.TOTP(TOTP_SECRET)
    if totp.interval - time.time() % totp.interval < 2:
        time.sleep(2.1)
    return totp.now()


def sign_in(page: Page, base_url: str, email: str, *, with_totp: bool = True) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    if with_totp:
        expect(page.locator("input[name=code]")).to_be_visible()
        page.fill("input[name=code]", fresh_totp())
        page.click("main form button[type=submit]")
