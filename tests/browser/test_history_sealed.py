"""Lawful secrets kept, then shown and proven: a child-abuse report whose notice is withheld and a disclosure
an agency suspended are invisible in the client's history and accounting (the two pages agree); on the day
each may be told, both pages show it, and the client's browser proves each entry was in the signed log since
the day it was recorded."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from confide.audit.actions import Channel
from confide.audit.integrate import log_integrate
from confide.audit.models import AuditEvent
from confide.disclosures.models import DisclosureRequest
from confide.disclosures.sealing import lifted, notices_send, withholding_end
from tests.attacker import drop_append_only_triggers
from tests.browser.helpers import sign_in
from tests.cast import Cast
from tests.disclosures.helpers import released

SUSPENDED = 30  # days


def _integrate(cast: Cast) -> None:
    while log_integrate(practice_id=cast.owner.practice_id):
        pass


def _state(page: Page) -> str:
    expect(page.locator("#verify")).not_to_have_attribute("data-state", "checking", timeout=15_000)
    return f"{page.locator('#verify').get_attribute('data-state')}: {page.locator('#verify-detail').inner_text()}"


def _secrets(cast: Cast) -> tuple[DisclosureRequest, DisclosureRequest]:
    withheld = released(
        cast,
        situation="child_abuse_report",
        recipient_name="Canary County Child Protective Services",
        notice="withheld",
        notice_reason="Telling the parent would put the child at risk.",
    )
    suspended = released(
        cast,
        recipient_name="Detective Canary, Harbor PD",
        suspended_until=timezone.localdate() + dt.timedelta(days=SUSPENDED),
        suspension_statement="Det. Canary, Harbor PD, in writing: an investigation is ongoing.",
    )
    _integrate(cast)
    return withheld, suspended


def _accounting(page: Page, live_server: LiveServer) -> str:
    page.goto(live_server.url + "/portal/disclosures/")
    return page.locator("#accounting").inner_text()


def _history(page: Page, live_server: LiveServer) -> str:
    page.goto(live_server.url + "/portal/history/")
    return _state(page)


def test_withheld_and_suspended_disclosures_stay_sealed_then_appear_and_verify(
    page: Page, live_server: LiveServer, live_cast: Cast
) -> None:
    withheld, suspended = _secrets(live_cast)
    sealed = AuditEvent.objects.filter(client_id=live_cast.client.id, sealed_seq__isnull=False).count()
    assert sealed >= 6  # prepared, decided, the notes read for the package, released: twice
    sign_in(page, live_server.url, "jordan@client.test", with_totp=False)

    # Before: nothing in either page, and the history still verifies as complete.
    assert _history(page, live_server).startswith("verified"), _state(page)
    text = page.locator("#history").inner_text().lower()
    assert "disclos" not in text and "held back" not in text and "child" not in text
    assert page.locator("#history li[data-sealed]").count() == 0
    assert "Nothing has been shared without your permission." in _accounting(page, live_server)

    # The clinician decides the parent can now be told of the report: it appears at once, in both pages.
    assert withholding_end(member=live_cast.clinician, request=withheld, channel=Channel.WEB)
    _integrate(live_cast)
    assert _history(page, live_server).startswith("verified"), _state(page)  # consistent with the last visit
    lift = page.locator("#history li[data-action='audit:seal:lift']")
    expect(lift).to_have_count(1)
    expect(lift.locator("li[data-sealed].verified").first).to_be_visible()
    assert lift.locator("li[data-sealed]").count() == lift.locator("li[data-sealed].verified").count() >= 3
    expect(lift.locator(".logged-since").first).to_contain_text("in the signed log since")
    accounting = _accounting(page, live_server)
    assert "Child Protective Services" in accounting and "Detective Canary" not in accounting

    # Still suspended the day before its end; on the day, the second appears and verifies too.
    assert notices_send(now=timezone.now() + dt.timedelta(days=SUSPENDED - 1)) == 0
    assert notices_send(now=timezone.now() + dt.timedelta(days=SUSPENDED)) == 1
    _integrate(live_cast)
    assert _history(page, live_server).startswith("verified"), _state(page)
    expect(page.locator("#history li[data-action='audit:seal:lift']")).to_have_count(2)
    shown = page.locator("#history li[data-sealed]")
    assert shown.count() == sealed + 1 == page.locator("#history li[data-sealed].verified").count()  # + the decision
    accounting = _accounting(page, live_server)
    assert "Child Protective Services" in accounting and "Detective Canary" in accounting
    suspended.refresh_from_db()
    assert lifted(suspended) and suspended.notified_at is not None  # told on the day


def test_a_held_back_entry_changed_after_its_release_is_reported(
    page: Page, live_server: LiveServer, live_cast: Cast
) -> None:
    withheld, _ = _secrets(live_cast)
    withholding_end(member=live_cast.clinician, request=withheld, channel=Channel.WEB)
    _integrate(live_cast)
    sign_in(page, live_server.url, "jordan@client.test", with_totp=False)
    assert _history(page, live_server).startswith("verified"), _state(page)
    drop_append_only_triggers()  # the release said "read a progress note": make it look like something else
    AuditEvent.objects.filter(client_id=live_cast.client.id, seal=f"disclosure:{withheld.id}").update(
        action="clients:client:list"
    )
    page.reload()
    assert _state(page).startswith("changed"), _state(page)
