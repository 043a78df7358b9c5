"""Sharing earlier messages, attacked by the operator who serves the JSON (found by a hostile review): the
sharer's browser re-seals only what it opened and showed as a message of this thread. Without that check,
the client's own browser re-sealed their private journal entry (the same context format, HPKE info and
thread id) to a clinician, whose mailbox secret then opened it."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from playwright.sync_api import Page, Request, Route, expect
from pytest_django.live_server_helper import LiveServer

from confide.journal.models import JournalEntry
from confide.messaging.envelope import KEY_INFO, SUITE
from tests.browser.helpers import sign_in
from tests.browser.test_messages import _ready, _send, _set_up
from tests.cast import Cast
from tests.messaging.test_services import publish

SECRET = "canary-journal-only-for-me"


def test_sharing_history_never_reseals_a_journal_entry_offered_as_a_message(
    page: Page, live_server: LiveServer, live_cast: Cast
) -> None:
    cast = live_cast
    publish(cast.clinician)  # Chris, so that Jordan's browser has seen someone in the thread
    sign_in(page, live_server.url, "jordan@client.test", with_totp=False)
    page.goto(f"{live_server.url}/messages/{cast.client.id}/")
    _set_up(page)
    _send(page, "an ordinary message")  # so there is history to share with someone new

    page.goto(f"{live_server.url}/portal/journal/")
    expect(page.locator("#journal")).to_have_attribute("data-state", "ready", timeout=15_000)
    page.fill("#write-text", SECRET)
    page.click("#write button[type=submit]")
    expect(page.locator("#entry-list li")).to_have_count(1, timeout=10_000)
    entry = JournalEntry.objects.get(client=cast.client)
    kept = json.loads(entry.open("envelope", key=cast.client.data_key()))  # the operator holds the master key

    cam = publish(cast.cotherapist)  # Cam, already on the care team, sets up messages (the insider)

    def shareable(route: Route) -> None:  # the operator adds the journal entry to what may be shared
        answer = route.fetch()
        data = answer.json()
        [key] = kept["keys"].values()
        data["messages"].append(
            {"id": str(entry.id), "context": kept["context"], "commitment": kept["commitment"], "key": key}
        )
        route.fulfill(response=answer, body=json.dumps(data), headers={**answer.headers})

    posted: list[dict[str, Any]] = []

    def share(request: Request) -> None:
        if request.method == "POST" and re.search(r"/share/[0-9a-f]{32}/$", request.url):
            posted.append(json.loads(request.post_data or "{}"))

    page.route(re.compile(r".*/share/[0-9a-f]{32}\.json$"), shareable)
    page.on("request", share)
    page.goto(f"{live_server.url}/messages/{cast.client.id}/")
    _ready(page)
    expect(page.locator("#changed-who")).to_have_text("Cam Cotherapist can now read what is sent here.")
    page.click("#changed-ok")  # Jordan checks Cam's safety code with Cam: Cam is who she says
    page.get_by_role("button", name=re.compile("Let Cam Cotherapist read the 1 earlier message")).click()
    expect(page.locator("#messages-status")).to_have_text(
        "The practice offered to share something this page has not shown you as a message of this conversation:"
        " nothing was shared. Tell the practice."
    )

    shares = posted[0]["shares"] if posted else {}
    leaked = ""
    if str(entry.id) in shares:  # Cam's own secret opens what Jordan's browser re-sealed to her
        context = base64.b64decode(kept["context"])
        sealed = base64.b64decode(shares[str(entry.id)]["sealed"])
        content_key = SUITE.decrypt(sealed, cam.receive, info=KEY_INFO + context)
        body = AESGCM(content_key).decrypt(base64.b64decode(kept["nonce"]), base64.b64decode(kept["body"]), context)
        leaked = json.loads(body)["text"]
    assert str(entry.id) not in shares, f"journal entry re-sealed to Cam, who reads: {leaked!r}"
    assert posted == []  # not even the genuine message: the whole offer is refused
