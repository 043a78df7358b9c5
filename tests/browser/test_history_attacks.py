"""The client's browser, running the unmodified verify-history.js, reports every attack an administrator
with the database (but not the master key) makes on their history (tests/audit/attacks.py)."""

from __future__ import annotations

import pytest
from django.db import transaction
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from confide.audit.actions import AuditAction, Channel
from confide.audit.integrate import log_integrate
from confide.audit.services import event_record
from tests.audit.attacks import ATTACKS, attack
from tests.browser.helpers import sign_in
from tests.cast import Cast


def _chris_reads(cast: Cast) -> None:
    with transaction.atomic():
        event_record(
            actor=cast.clinician, action=AuditAction.CLIENT_READ, channel=Channel.WEB, client_id=cast.client.id
        )
    while log_integrate(practice_id=cast.owner.practice_id):
        pass


def _state(page: Page) -> str:
    expect(page.locator("#verify")).not_to_have_attribute("data-state", "checking", timeout=15_000)
    return f"{page.locator('#verify').get_attribute('data-state')}: {page.locator('#verify-detail').inner_text()}"


def _open_history(page: Page, live_server: LiveServer) -> None:
    sign_in(page, live_server.url, "jordan@client.test", with_totp=False)
    page.click("#history-link")


@pytest.mark.parametrize("name", list(ATTACKS))
def test_the_browser_reports_each_attack_after_a_first_visit(
    page: Page, live_server: LiveServer, live_cast: Cast, name: str
) -> None:
    _chris_reads(live_cast)
    _open_history(page, live_server)
    assert _state(page).startswith("verified"), _state(page)
    _chris_reads(live_cast)  # a newer checkpoint: the one the browser saw is now an old one
    attack(name, live_cast.client)
    page.reload()
    assert _state(page).startswith("changed"), (name, _state(page))
    expect(page.locator("#verify-status")).to_contain_text("this history changed")


@pytest.mark.parametrize("name", ["delete the newest entry", "truncate the log's tail", "insert a forged entry"])
def test_a_browser_that_never_visited_before_reports_the_attack(
    page: Page, live_server: LiveServer, live_cast: Cast, name: str
) -> None:
    _chris_reads(live_cast)
    _chris_reads(live_cast)
    attack(name, live_cast.client)
    _open_history(page, live_server)
    assert _state(page).startswith("changed"), (name, _state(page))


def test_an_intact_history_verifies_page_by_page(page: Page, live_server: LiveServer, live_cast: Cast) -> None:
    with transaction.atomic():
        for _ in range(60):  # more than a page
            event_record(
                actor=live_cast.clinician,
                action=AuditAction.NOTE_READ,
                channel=Channel.WEB,
                client_id=live_cast.client.id,
            )
    _open_history(page, live_server)
    assert _state(page).startswith("verified: 50 entries checked"), _state(page)
    page.click("#older")
    assert _state(page).startswith("verified"), _state(page)
    assert page.locator("#history li.verified").count() == page.locator("#history li").count() >= 1
    entries = page.eval_on_selector_all("#history li[data-seqs]", "els => els.flatMap(e => e.dataset.seqs.split(' '))")
    assert len(entries) >= 10  # one line per person, action and day: the entries are all checked
    page.select_option("#kind", "read")
    page.click("form.card button")
    assert _state(page).startswith("verified"), _state(page)
    expect(page.locator("#verify-status")).to_contain_text("these entries are in the signed log")
