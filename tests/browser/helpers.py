from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

import pyotp
from playwright.sync_api import Page, expect

from tests.cast import PASSWORD, TOTP_SECRET

if TYPE_CHECKING:
    from tests.conftest import Inbox

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


def client_joins_portal(page: Page, base_url: str, inbox: Inbox, *, name: str, email: str) -> str:
    """Chris adds a client and invites them; the client accepts and lands on the portal. Returns the link."""
    sign_in(page, base_url, "chris@harbor.test")
    page.click("text=Add a client")
    page.fill("input[name=name]", name)
    page.fill("input[name=email]", email)
    page.click("main form button[type=submit]")
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    page.click("#invite")
    expect(page.locator(".messages")).to_contain_text("Invitation sent")
    match = re.search(r"(https?://\S+/invitations/\S+/)", inbox.body())
    assert match, inbox.body()
    page.context.clear_cookies()
    page.goto(match.group(1))
    page.fill("input[name=password1]", "a long client passphrase")
    page.fill("input[name=password2]", "a long client passphrase")
    page.click("main form button[type=submit]")
    expect(page.get_by_role("heading", name=f"Hello, {name}")).to_be_visible()
    return match.group(1)
