"""The journal and files, end to end in Chromium: Jordan writes an entry sealed to his own key on his phone,
shares it with his care team by reading it over in the thread and sending it, and attaches a file that Chris
downloads on his desktop as it was sent. No word of the entry, the file or its name reaches the server's
database or logs; an entry the server passes off as a message is not shown as one."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Dialog, FilePayload, Page, expect
from pytest_django.live_server_helper import LiveServer

from confide.audit.actions import Channel
from confide.journal.models import JournalEntry
from confide.messaging.models import Mailbox, Message, MessageKey
from confide.messaging.services import PARTS
from confide.records.documents import document_open, documents_for
from tests.browser.helpers import sign_in
from tests.browser.test_messages import _ready, _send, _set_up
from tests.browser.traces import Traces
from tests.cast import Cast

ENTRY = "canary-7d2a-panic-on-the-bus"
FILE = b"%PDF-1.4 canary-9e41-sleep-diary"
NAME = "canary-4b0c-sleep-diary.pdf"


def test_an_entry_only_the_client_reads_shared_by_choice_and_a_file_sent_sealed(
    page: Page,
    new_page: Callable[[int, int], Page],
    live_server: LiveServer,
    live_cast: Cast,
    tmp_path: Path,
    traces: Traces,
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, "jordan@client.test", with_totp=False)
    page.click("#journal-link")
    expect(page.locator("#journal")).to_have_attribute("data-state", "setup", timeout=15_000)
    page.click("#setup-start")
    page.click("#sheet-done")
    expect(page.locator("#journal")).to_have_attribute("data-state", "ready", timeout=15_000)
    expect(page.get_by_text("Only you can read this.")).to_be_visible()
    expect(page.get_by_text("988 Suicide & Crisis Lifeline")).to_be_visible()  # Harbor is in California
    page.fill("#write-text", f"Today: {ENTRY}")
    page.click("#write button[type=submit]")
    expect(page.locator("#entry-list li")).to_have_count(1, timeout=10_000)
    expect(page.locator("#entry-list")).to_contain_text(ENTRY)
    page.fill("#write-text", "a second entry, kept to myself")
    page.click("#write button[type=submit]")
    expect(page.locator("#entry-list li")).to_have_count(2, timeout=10_000)

    desk = new_page(1280, 800)
    sign_in(desk, live_server.url, "chris@harbor.test")
    desk.goto(f"{live_server.url}/messages/{live_cast.client.id}/")
    _set_up(desk)

    # Jordan shares the first entry: the thread opens with it ready, and only Send sends it.
    page.locator("#entry-list li", has_text=ENTRY).get_by_role("button", name="Share with my care team").click()
    _ready(page)
    expect(page.locator("#shared")).to_be_visible()
    expect(page.locator("#compose-text")).to_have_value(f"Today: {ENTRY}")
    assert not Message.objects.exists()
    upload: FilePayload = {"name": NAME, "mimeType": "application/pdf", "buffer": FILE}
    page.set_input_files("#compose-files", files=[upload])
    sent = _send(page, f"Today: {ENTRY}")
    expect(desk.locator("#thread-list")).to_contain_text(ENTRY, timeout=2_000)
    assert time.monotonic() - sent < 2.5
    expect(desk.locator("#thread-list")).not_to_contain_text("a second entry")
    with desk.expect_download() as download:
        desk.get_by_role("button", name=f"{NAME} (1 KB)").click()
    saved = tmp_path / "downloaded"
    download.value.save_as(saved)
    assert saved.read_bytes() == FILE and download.value.suggested_filename == NAME

    # Chris files the shared entry into the record: the one deliberate point where its words reach the server.
    # It carries a file, whose key filing hands over too: Chris is told first, and the first time says no.
    filed = desk.locator("#thread-list li", has_text=ENTRY)
    asked: list[str] = []

    def declined(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    desk.once("dialog", declined)
    filed.get_by_role("button", name="File into the record").click()
    expect(filed.get_by_role("button", name="File into the record")).to_be_enabled()
    assert asked and "the keys of its 1 attached file, which it can then open too" in asked[0]
    assert not Message.objects.exclude(filed_as=None).exists()
    desk.once("dialog", lambda dialog: dialog.accept())
    filed.get_by_role("button", name="File into the record").click()
    expect(filed.get_by_role("button", name="Filed into the record")).to_be_disabled()
    [document] = documents_for(client=live_cast.client)[:1]
    _, chunks = document_open(
        actor=live_cast.clinician, client=live_cast.client, document_id=document.id, channel=Channel.CLI
    )
    assert f"Today: {ENTRY}" in b"".join(chunks).decode()

    # Jordan deletes the entry he kept to himself.
    page.goto(f"{live_server.url}/portal/journal/")
    expect(page.locator("#entry-list li")).to_have_count(2, timeout=15_000)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#entry-list li", has_text="a second entry").get_by_role("button", name="Delete").click()
    expect(page.locator("#entry-list li")).to_have_count(1, timeout=10_000)
    assert JournalEntry.objects.count() == 1

    for text in (ENTRY, "a second entry", "canary-9e41", NAME):
        assert traces.holds(text) == [], text  # tables, database image, logs, jobs, data files


def test_an_entry_the_server_passes_off_as_a_message_is_not_shown(
    page: Page, live_server: LiveServer, live_cast: Cast
) -> None:
    cast = live_cast
    sign_in(page, live_server.url, "jordan@client.test", with_totp=False)
    page.goto(f"{live_server.url}/portal/journal/")
    page.click("#setup-start")
    page.click("#sheet-done")
    expect(page.locator("#journal")).to_have_attribute("data-state", "ready", timeout=15_000)
    page.fill("#write-text", "only for me: never for the thread")
    page.click("#write button[type=submit]")
    expect(page.locator("#entry-list li")).to_have_count(1, timeout=10_000)

    # The server copies the entry into the thread as a message from Jordan (same id, same signed context).
    entry = JournalEntry.objects.get()
    kept = json.loads(entry.open("envelope", key=cast.client.data_key()))
    mailbox = Mailbox.objects.get(member=cast.client_member, retired_at=None)
    row = Message(id=entry.id, practice_id=cast.owner.practice_id, client=cast.client, sender=cast.client_member)
    row.sender_mailbox = mailbox
    row.seal("envelope", json.dumps({name: kept[name] for name in PARTS}), key=cast.client.data_key())
    row.save(force_insert=True)
    sealed = base64.b64decode(kept["keys"][mailbox.key_id])
    MessageKey.objects.create(practice_id=cast.owner.practice_id, message=row, mailbox=mailbox, sealed=sealed)

    page.goto(f"{live_server.url}/messages/{cast.client.id}/")
    _ready(page)
    item = page.locator("#thread-list li")
    expect(item).to_have_count(1, timeout=5_000)
    expect(item).to_contain_text("this message does not open")
    expect(item).not_to_contain_text("only for me")
