from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from confide.clients.models import Client
from tests.browser.helpers import sign_in
from tests.cast import Cast
from tests.conftest import Inbox


def test_clinician_adds_and_invites_a_client_who_joins_the_portal(
    page: Page, live_server: LiveServer, live_cast: Cast, smtp_inbox: Inbox
) -> None:
    base = live_server.url
    sign_in(page, base, "chris@harbor.test")
    expect(page.get_by_role("heading", name=re.compile("Good to see you"))).to_be_visible()

    page.click("text=Add a client")
    page.fill("input[name=name]", "Riley Browser-Canary")
    page.fill("input[name=email]", "riley@client.test")
    page.click("main form button[type=submit]")
    expect(page.get_by_role("heading", name="Riley Browser-Canary")).to_be_visible()

    page.click("#invite")
    expect(page.locator(".messages")).to_contain_text("Invitation sent")
    assert len(smtp_inbox.messages) == 1
    message = smtp_inbox.messages[0]
    body = smtp_inbox.body()
    assert message["To"] == "riley@client.test"
    assert "Riley" not in body and "Harbor" not in body and "Riley" not in str(message["Subject"])
    match = re.search(r"(http://\S+/invitations/\S+/)", body)
    assert match, body
    link = match.group(1)

    page.context.clear_cookies()
    page.goto(link)
    page.fill("input[name=password1]", "a long client passphrase")
    page.fill("input[name=password2]", "a long client passphrase")
    page.click("main form button[type=submit]")
    expect(page.get_by_role("heading", name="Hello, Riley Browser-Canary")).to_be_visible()
    assert page.url.endswith("/portal/")

    page.goto(link)  # the link works once
    expect(page.get_by_role("heading", name="This link is no longer valid")).to_be_visible()


def test_the_outsider_is_refused_the_client(page: Page, live_server: LiveServer, live_cast: Cast) -> None:
    sign_in(page, live_server.url, "otto@elsewhere.test")
    expect(page.get_by_role("heading", name=re.compile("Good to see you"))).to_be_visible()
    client: Client = live_cast.client
    response = page.goto(f"{live_server.url}/clients/{client.id}/")
    assert response is not None and response.status == 404
    expect(page.locator("body")).not_to_contain_text("Jordan")
