from __future__ import annotations

from django.db import connection
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from confide.audit.models import AuditEvent
from tests.attacker import drop_append_only_triggers
from tests.browser.helpers import sign_in
from tests.cast import Cast


def test_the_client_sees_a_verified_history_and_a_tampering_turns_it_red(
    page: Page, live_server: LiveServer, live_cast: Cast
) -> None:
    sign_in(page, live_server.url, "jordan@client.test", with_totp=False)
    page.click("#history-link")
    expect(page.locator("#verify")).not_to_have_attribute("data-state", "checking", timeout=15_000)
    assert page.locator("#verify").get_attribute("data-state") == "verified", page.locator(
        "#verify-detail"
    ).inner_text()
    expect(page.locator("#history")).to_contain_text("Chris Clinician")
    expect(page.locator("#history")).to_contain_text("created your record")
    assert page.locator("#history li.verified").count() >= 3

    # The administrator rewrites one stored entry behind everyone's back…
    event = AuditEvent.objects.filter(client_id=live_cast.client.id, action="clients:client:create").get()
    drop_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_role = 'staff' WHERE id = %s", [event.id])
    page.reload()
    expect(page.locator("#verify")).to_have_attribute("data-state", "changed", timeout=15_000)
    expect(page.locator("#verify-status")).to_contain_text("this history changed")
