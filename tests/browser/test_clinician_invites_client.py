from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from confide.clients.models import Client
from tests.browser.helpers import client_joins_portal, sign_in
from tests.cast import Cast
from tests.conftest import Inbox


def test_clinician_adds_and_invites_a_client_who_joins_the_portal(
    page: Page, live_server: LiveServer, live_cast: Cast, smtp_inbox: Inbox
) -> None:
    base = live_server.url
    link = client_joins_portal(page, base, smtp_inbox, name="Riley Browser-Canary", email="riley@client.test")
    message = smtp_inbox.messages[0]
    body = smtp_inbox.body(0)
    assert message["To"] == "riley@client.test"
    assert "Riley" not in body and "Harbor" not in body and "Riley" not in str(message["Subject"])
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
