"""Messages end to end in Chromium, three browsers at once: Jordan's phone, Chris's desktop, and later
Jordan's laptop opened from the recovery sheet. Each sets up or opens its keys in the page; what one sends
the other sees within two seconds; a tablet joins from a code shown on the phone; no word of it reaches
the server's database, and the client's history shows each device added."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from django.db import connection
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.helpers import sign_in
from tests.browser.traces import Traces
from tests.cast import Cast
from tests.messaging.test_services import publish

CANARY = "canary-5c1e-moved-to-thursday"


def _ready(page: Page) -> None:
    expect(page.locator("#messages")).to_have_attribute("data-state", "ready", timeout=15_000)


def _set_up(page: Page, *, expect_ready: bool = True) -> str:
    expect(page.locator("#messages")).to_have_attribute("data-state", "setup", timeout=15_000)
    page.click("#setup-start")
    expect(page.locator("#sheet-code")).to_have_text(re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{1,4}){6}$"), timeout=15_000)
    code = page.locator("#sheet-code").inner_text()
    page.click("#sheet-done")
    if expect_ready:
        _ready(page)
    return code


def _jordan_opens(page: Page, url: str, cast: Cast, *, ready: bool = True) -> None:
    """Chris has set up messages; Jordan signs in on his phone and sets up his in the thread."""
    publish(cast.clinician)
    sign_in(page, url, "jordan@client.test", with_totp=False)
    page.goto(f"{url}/messages/{cast.client.id}/")
    _set_up(page, expect_ready=ready)


def _send(page: Page, text: str) -> float:
    page.fill("#compose-text", text)
    page.click("#compose button[type=submit]")
    expect(page.locator("#compose-text")).to_have_value("", timeout=10_000)  # sent: the box is cleared
    return time.monotonic()


def test_a_client_and_clinician_message_each_other_sealed_in_their_browsers(
    page: Page, new_page: Callable[[int, int], Page], live_server: LiveServer, live_cast: Cast, traces: Traces
) -> None:
    thread = f"{live_server.url}/messages/{live_cast.client.id}/"
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, "jordan@client.test", with_totp=False)
    page.goto(thread)
    code = _set_up(page)

    desk = new_page(1280, 800)
    sign_in(desk, live_server.url, "chris@harbor.test")
    desk.goto(thread)
    _set_up(desk)

    sent = _send(page, f"Could we move to Thursday? {CANARY}")  # Chris joined after Jordan's page opened
    expect(desk.locator("#thread-list")).to_contain_text(CANARY, timeout=2_000)
    assert time.monotonic() - sent < 2.5
    expect(desk.locator("#thread-people")).to_have_text("Sealed for: the client, you")
    expect(page.locator("#thread-people")).to_have_text("Sealed for: Chris Clinician, you")
    _send(desk, "Thursday at 5 works.")
    expect(page.locator("#thread-list")).to_contain_text("Thursday at 5 works.", timeout=2_000)

    laptop = new_page(1280, 800)
    sign_in(laptop, live_server.url, "jordan@client.test", with_totp=False)
    laptop.goto(thread)
    expect(laptop.locator("#messages")).to_have_attribute("data-state", "setup", timeout=15_000)
    laptop.click("#recover summary")
    laptop.fill("#recovery-code", code.lower())
    laptop.click("#recovery-use")
    _ready(laptop)
    expect(laptop.locator("#thread-list")).to_contain_text(CANARY)
    expect(laptop.locator("#thread-list")).to_contain_text("Thursday at 5 works.")

    # Jordan adds his tablet from his phone with a one-time code typed from screen to screen.
    tablet = new_page(390, 844)
    sign_in(tablet, live_server.url, "jordan@client.test", with_totp=False)
    tablet.goto(thread)
    expect(tablet.locator("#messages")).to_have_attribute("data-state", "setup", timeout=15_000)
    page.click("#add-device summary")
    page.click("#pairing-start")
    expect(page.locator("#pairing-shown")).to_have_text(re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$"), timeout=10_000)
    tablet.fill("#pairing-code", page.locator("#pairing-shown").inner_text())
    tablet.click("#pairing-use")
    _ready(tablet)
    expect(tablet.locator("#thread-list")).to_contain_text(CANARY)

    # Jordan's history says devices were added to his messages (his laptop, his tablet), by him.
    page.goto(f"{live_server.url}/portal/history/?kind=messages")
    expect(page.locator("#history")).to_contain_text("added a new device to your messages")
    expect(page.locator("#verify")).to_have_attribute("data-state", "verified", timeout=15_000)

    assert traces.holds(CANARY) == [] and traces.holds("Thursday at 5") == []
    # (the search finds what the server does keep: its request log and its tables)
    assert any(f.startswith("log: ") for f in traces.holds(f"/messages/{live_cast.client.id}/"))
    from confide.messaging.models import Mailbox  # noqa: PLC0415

    key_id = Mailbox.objects.get(member=live_cast.clinician).key_id
    found = traces.holds(key_id)
    assert "messaging_mailbox.key_id" in found
    assert connection.vendor != "sqlite" or "the in-memory database image" in found


def test_a_clinician_who_joins_later_reads_earlier_messages_only_once_shared(
    page: Page, new_page: Callable[[int, int], Page], live_server: LiveServer, live_cast: Cast
) -> None:
    from confide.audit.actions import Channel  # noqa: PLC0415
    from confide.careteams.models import CareTeamMember  # noqa: PLC0415
    from confide.careteams.services import careteam_add  # noqa: PLC0415

    thread = f"{live_server.url}/messages/{live_cast.client.id}/"
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, "jordan@client.test", with_totp=False)
    page.goto(thread)
    _set_up(page)
    desk = new_page(1280, 800)
    sign_in(desk, live_server.url, "chris@harbor.test")
    desk.goto(thread)
    _set_up(desk)
    _send(page, "before Casey: I slept badly")
    expect(desk.locator("#thread-list")).to_contain_text("before Casey", timeout=2_000)

    # The care team changes: Casey joins, and sets up messages on her own desktop.
    careteam_add(
        actor=live_cast.owner, client=live_cast.client, member=live_cast.colleague,
        team_role=CareTeamMember.TeamRole.CLINICIAN, channel=Channel.WEB,
    )  # fmt: skip
    casey = new_page(1280, 800)
    sign_in(casey, live_server.url, "casey@harbor.test")
    casey.goto(thread)
    _set_up(casey)
    expect(casey.locator("#thread-list")).to_contain_text("sealed before your key existed")
    expect(casey.locator("#thread-list")).not_to_contain_text("before Casey")

    # Jordan's page learns of Casey when it sends, and holds the message back until he has checked her
    # safety code: someone new can read what he sends from now on.
    page.fill("#compose-text", "after Casey joined")
    page.click("#compose button[type=submit]")
    expect(page.locator("#messages-status")).to_have_text(
        "Someone joined or a key changed: compare the safety codes before anything is sent."
    )
    expect(page.locator("#changed-who")).to_have_text("Casey Colleague can now read what is sent here.")
    page.click("#changed-ok")
    _send(page, "after Casey joined")
    expect(casey.locator("#thread-list")).to_contain_text("after Casey joined", timeout=2_000)
    expect(page.locator("#thread-people")).to_have_text("Sealed for: Casey Colleague, Chris Clinician, you")

    # History reaches Casey only when Chris chooses to share it (once he, too, has checked who she is).
    desk.reload()
    _ready(desk)
    expect(desk.locator("#share-history")).to_be_hidden()
    desk.click("#changed-ok")
    desk.get_by_role("button", name="Let Casey Colleague read the 1 earlier message").click()
    expect(desk.locator("#messages-status")).to_have_text("Casey Colleague can now read 1 earlier message.")
    expect(desk.locator("#share-history")).to_be_hidden()
    casey.reload()
    _ready(casey)
    shared = casey.locator("#thread-list li", has_text="before Casey")
    expect(shared).to_contain_text("(shared with you later by Chris Clinician)")
    page.goto(f"{live_server.url}/portal/history/?kind=messages")
    expect(page.locator("#history")).to_contain_text(
        "let someone who joined your thread later read its earlier messages"
    )
