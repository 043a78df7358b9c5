"""Browser tests: Playwright drives Debian's chromium against pytest-django's live server."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from pytest_django.fixtures import Settings

from tests.browser.helpers import USED
from tests.browser.traces import Traces, traced
from tests.cast import Cast, build_cast

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not os.path.exists(CHROMIUM):
        skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: run 'make browser-deps' (apt-get install chromium)")
        for item in items:
            if "tests/browser" in str(item.fspath):
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(autouse=True)
def links_name_the_live_server(request: pytest.FixtureRequest, settings: Settings) -> None:
    """Links in e-mails come from CONFIDE_BASE_URL (confide/web/links.py): here, the live server's address."""
    if "live_server" in request.fixturenames:
        settings.CONFIDE_BASE_URL = request.getfixturevalue("live_server").url


@pytest.fixture(autouse=True)
def fresh_accounts() -> None:
    USED.clear()  # each test's accounts are new, so no code has been used yet


@pytest.fixture(autouse=True)
def no_csp_violations(page: Page) -> Iterator[None]:
    """Fail any browser test whose pages trip the Content Security Policy."""
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    yield
    assert not violations, violations


@pytest.fixture
def live_cast(transactional_db: None) -> Cast:
    return build_cast()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[[int, int], Page]]:
    """Pages in browsers of their own (another device), closed with the test: an open thread polls its
    server every second, and must stop before the next test's server takes over."""
    contexts: list[BrowserContext] = []

    def make(width: int, height: int) -> Page:
        contexts.append(browser.new_context(viewport={"width": width, "height": height}))
        return contexts[-1].new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def traces() -> Iterator[Traces]:
    """What the server logs and enqueues during the test, to search with everything it stores."""
    with traced() as found:
        yield found
