"""The API reference renders from the locally served Swagger UI, under the Content Security Policy."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.cast import Cast


def test_the_api_reference_lists_the_endpoints_with_nothing_from_elsewhere(
    page: Page, live_server: LiveServer, live_cast: Cast
) -> None:
    elsewhere: list[str] = []
    page.on("request", lambda r: elsewhere.append(r.url) if not r.url.startswith(live_server.url) else None)
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.get_by_role("heading", name="API reference")).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/clients").first).to_be_visible()
    expect(page.locator(".opblock")).not_to_have_count(0)
    assert not [url for url in elsewhere if not url.startswith("data:")], elsewhere
