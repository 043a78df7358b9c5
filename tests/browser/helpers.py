from __future__ import annotations

import time

import pyotp
from playwright.sync_api import Page, expect

from tests.cast import PASSWORD, TOTP_SECRET

USED: dict[str, set[str]] = {}  # per account; cleared before each test (new accounts each time)


def fresh_totp(account: str = "") -> str:
    """A TOTP code the server has not seen yet, with time left in its window.

    allauth refuses a code used once (replay protection); the test settings accept one
    window either side, so a second sign-in within 30 s takes the next window's code.
    """
    totp = pyotp.TOTP(TOTP_SECRET)
    if totp.interval - time.time() % totp.interval < 2:
        time.sleep(2.1)
    now = time.time()
    for offset in (0, totp.interval, -totp.interval):
        code = totp.at(now + offset)
        if code not in USED.setdefault(account, set()):
            USED[account].add(code)
            return code
    time.sleep(totp.interval)
    return fresh_totp(account)


def sign_in(page: Page, base_url: str, email: str, *, with_totp: bool = True) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    if with_totp:
        expect(page.locator("input[name=code]")).to_be_visible()
        page.fill("input[name=code]", fresh_totp(email))
        page.click("main form button[type=submit]")
