"""A client answers PHQ-9 with item 9 above 0; the clinician sees the risk prompt and the new point on the chart."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from confide.audit.actions import Channel
from confide.measures.services import assignment_create
from tests.browser.helpers import sign_in
from tests.cast import Cast


def test_item9_reaches_the_dashboard_and_the_chart(
    page: Page, live_server: LiveServer, live_cast: Cast, tmp_path: Path
) -> None:
    base, cast = live_server.url, live_cast
    assignment_create(actor=cast.clinician, client=cast.client, instrument="phq9", channel=Channel.CLI)

    sign_in(page, base, "jordan@client.test", with_totp=False)
    expect(page.locator("main")).to_contain_text("1 to fill in")
    page.click("#measures-link")
    page.click("a[data-instrument=phq9]")
    for item in range(1, 9):
        page.check(f"input[name=q{item}][value='1']")
    page.check("input[name=q9][value='1']")
    page.click("#questionnaire button[type=submit]")
    expect(page.locator("#crisis")).to_contain_text("988")

    page.context.clear_cookies()
    sign_in(page, base, "chris@harbor.test")
    warning = page.locator("#early-warnings li[data-kind=risk]")
    expect(warning).to_contain_text("Jordan Canary-Client")
    expect(warning).to_contain_text("PHQ-9 item 9 above 0")

    page.goto(f"{base}/clients/{cast.client.id}/measures/")
    card = page.locator("[data-instrument=phq9]")
    expect(card.locator("td").nth(1)).to_have_text("9")
    chart = card.locator("img.chart")
    expect(chart).to_be_visible()
    assert chart.evaluate("img => img.naturalWidth") > 0  # the SVG loaded under its own CSP
    shot = tmp_path / "phq9-chart.png"
    chart.screenshot(path=str(shot))
    assert shot.stat().st_size > 1000

    page.goto(f"{base}/dashboard/")
    page.fill("#early-warnings input[name=note]", "Called the client; safety plan reviewed.")
    page.click("#early-warnings button[type=submit]")
    expect(page.locator("#early-warnings")).to_have_count(0)
