"""A new client reads the generated policy, answers the questions, signs, and downloads PDF and receipt."""

from __future__ import annotations

import io
import json
from pathlib import Path

from playwright.sync_api import Page, expect
from pypdf import PdfReader
from pytest_django.live_server_helper import LiveServer

from tests.browser.helpers import client_joins_portal
from tests.cast import Cast
from tests.conftest import Inbox


def _download(page: Page, selector: str) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    return Path(info.value.path()).read_bytes()


def test_a_new_client_signs_the_agreement_and_keeps_the_proof(
    page: Page, live_server: LiveServer, live_cast: Cast, smtp_inbox: Inbox
) -> None:
    client_joins_portal(page, live_server.url, smtp_inbox, name="Riley Browser-Canary", email="riley@client.test")
    expect(page.locator("main")).to_contain_text("please sign")
    page.click("#agreements-link")
    expect(page.locator("#due")).to_contain_text("never signed")
    page.click("#sign-link")

    agreement = page.locator("#agreement")
    expect(agreement).to_contain_text("When I may share without asking you")
    expect(agreement).to_contain_text("I must try to warn that person and tell the police")  # California
    expect(agreement).to_contain_text("Sessions last 50 minutes")  # the practice's own wording
    document_hash = page.locator("#document-hash").inner_text()

    page.check("input[name=share][value=never]")  # a wrong answer: explained, nothing lost
    page.check("input[name=seen][value=portal]")
    page.fill("input[name=typed_name]", "Riley Browser-Canary")
    page.click("#sign-form button[type=submit]")
    expect(page.locator("#sign-form")).to_contain_text("Not quite")
    expect(page.locator("input[name=typed_name]")).to_have_value("Riley Browser-Canary")

    page.check("input[name=share][value=danger]")
    page.click("#sign-form button[type=submit]")
    expect(page.get_by_role("heading", name="Thank you — signed")).to_be_visible()

    pdf = _download(page, "#pdf-link")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")
    assert document_hash in text
    assert "Signed by: Riley Browser-Canary" in text

    receipt = json.loads(_download(page, "#receipt-json-link"))
    assert receipt["processing"]["privacy_notice"]["sha256"] == document_hash
    assert receipt["events"][0]["event_state"] == "dpv:ConsentGiven"
    receipt_pdf = _download(page, "#receipt-link")
    assert receipt["header"]["receipt_id"] in PdfReader(io.BytesIO(receipt_pdf)).pages[0].extract_text()

    page.click("text=My agreements")
    expect(page.locator("#up-to-date")).to_be_visible()
