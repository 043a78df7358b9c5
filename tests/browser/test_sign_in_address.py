"""A client who joined the portal signs in by typing their address (as they remember it, capitals and all),
on a phone and on a laptop, and sees it on their sign-in e-mail page; the database holds only its key."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from confide.accounts import identity
from confide.accounts.models import User
from tests.browser.helpers import client_joins_portal
from tests.cast import Cast
from tests.conftest import Inbox


@pytest.mark.parametrize("size", [(390, 844), (1280, 800)], ids=["phone", "laptop"])
def test_a_client_signs_in_with_their_address_and_sees_it_on_their_e_mail_page(
    page: Page, live_server: LiveServer, live_cast: Cast, smtp_inbox: Inbox, size: tuple[int, int]
) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    base = live_server.url
    client_joins_portal(page, base, smtp_inbox, name="Riley Address", email="riley@client.test")
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", " Riley@Client.TEST")
    page.fill("input[name=password]", "a long client passphrase")
    page.click("main form button[type=submit]")
    expect(page.get_by_role("heading", name="Hello, Riley Address")).to_be_visible()
    page.goto(f"{base}/accounts/email/")
    expect(page.locator("#sign-in-address")).to_contain_text("You sign in as riley@client.test.")
    user = User.objects.for_email("riley@client.test")
    assert user is not None and identity.is_login_key(user.email)
    expect(page.locator("body")).not_to_contain_text(user.email)
