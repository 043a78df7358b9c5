from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from confide.audit.actions import Channel
from confide.careteams.models import CareTeamMember
from confide.careteams.services import careteam_add
from tests.browser.helpers import fresh_totp, sign_in
from tests.cast import PASSWORD, Cast
from tests.conftest import Inbox

PROGRESS = "Discussed sleep routine; progress-canary-41"
PRIVATE = "Countertransference: reminded me of my brother. private-canary-77"
NEW_PASSWORD = "a completely new passphrase"


def _sign_out(page: Page) -> None:
    page.click("nav button:has-text('Sign out')")


def test_progress_and_private_notes_with_a_recovery_key_reset(
    page: Page, live_server: LiveServer, live_cast: Cast, smtp_inbox: Inbox
) -> None:
    base, client = live_server.url, live_cast.client
    careteam_add(
        actor=live_cast.owner,
        client=client,
        member=live_cast.colleague,
        team_role=CareTeamMember.TeamRole.CLINICIAN,
        channel=Channel.CLI,
    )

    # The author writes a progress note and a psychotherapy note.
    sign_in(page, base, "chris@harbor.test")
    page.goto(f"{base}/clients/{client.id}/")
    page.click("#new-note")
    page.fill("textarea[name=body]", PROGRESS)
    page.click("main form button[type=submit]")
    expect(page.locator("#progress-notes")).to_contain_text(PROGRESS)
    page.click("#private-notes-link")
    page.fill("textarea[name=body]", PRIVATE)
    page.click("#save-private")
    expect(page.locator(".private-note")).to_contain_text("Locked.")
    page.click("#unlock-link")
    page.fill("input[name=password]", PASSWORD)
    page.click("#unlock-private")
    expect(page.locator(".private-note")).to_contain_text(PRIVATE)
    _sign_out(page)

    # A colleague on the care team reads the progress note, never the psychotherapy note.
    sign_in(page, base, "casey@harbor.test")
    page.goto(f"{base}/clients/{client.id}/")
    expect(page.locator("#progress-notes")).to_contain_text(PROGRESS)
    expect(page.locator("body")).not_to_contain_text("private-canary")
    page.click("#private-notes-link")
    expect(page.locator("body")).not_to_contain_text("private-canary")
    _sign_out(page)

    # The author forgets the password and resets it by e-mail…
    page.goto(f"{base}/accounts/password/reset/")
    page.fill("input[name=email]", "chris@harbor.test")
    page.click("main form button[type=submit]")
    expect(page.get_by_role("heading", name=re.compile("Password Reset", re.I))).to_be_visible()
    body = smtp_inbox.body().replace("=\n", "")
    link = re.search(r"(http://\S+/accounts/password/reset/key/\S+/)", body)
    assert link, body
    page.goto(link.group(1))
    expect(page.locator("#reset-warning")).to_contain_text("recovery key")
    page.fill("input[name=password1]", NEW_PASSWORD)
    page.fill("input[name=password2]", NEW_PASSWORD)
    page.click("main form button[type=submit]")

    # …signs in with the new password: it no longer unlocks the notes, the recovery key does.
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", "chris@harbor.test")
    page.fill("input[name=password]", NEW_PASSWORD)
    page.click("main form button[type=submit]")
    page.fill("input[name=code]", fresh_totp("chris@harbor.test"))
    page.click("main form button[type=submit]")
    page.goto(f"{base}/clients/{client.id}/private-notes/")
    page.click("#unlock-link")
    page.fill("input[name=password]", NEW_PASSWORD)
    page.click("#unlock-private")
    expect(page.locator("main")).to_contain_text("Enter your recovery key")
    page.fill("input[name=password]", NEW_PASSWORD)
    page.fill("input[name=recovery_key]", live_cast.recovery_key)
    page.click("#unlock-private")
    expect(page.locator(".private-note")).to_contain_text(PRIVATE)
