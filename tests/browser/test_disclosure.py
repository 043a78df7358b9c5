"""Exceptions to confidentiality, end to end: California's duty to warn, and Texas's permission."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pyrage
import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from confide.audit.actions import Channel
from confide.records.progress import progress_note_sign
from tests.browser.helpers import sign_in
from tests.cast import Cast
from tests.conftest import Inbox

AGE = shutil.which("age")
pytestmark = pytest.mark.skipif(AGE is None, reason="the age command is missing: run 'make browser-deps'")


def _release_and_decrypt(page: Page, tmp_path: Path) -> zipfile.ZipFile:
    identity = pyrage.x25519.Identity.generate()
    key_file = tmp_path / "recipient-key.txt"
    key_file.write_text(str(identity) + "\n")
    page.fill("input[name=recipient_key]", str(identity.to_public()))
    with page.expect_download() as info:
        page.click("#release-form button[type=submit]")
    package = tmp_path / "disclosure.age"
    package.write_bytes(Path(info.value.path()).read_bytes())
    assert AGE is not None
    plain = subprocess.run([AGE, "-d", "-i", str(key_file), str(package)], capture_output=True, check=True).stdout  # noqa: S603
    return zipfile.ZipFile(io.BytesIO(plain))


def _prepare(page: Page, *, recipient: str, items: list[str], emergency: bool = False) -> None:
    page.fill("input[name=recipient_name]", recipient)
    page.fill("textarea[name=purpose]", "Warn of a serious threat of violence against an identifiable person")
    page.fill("textarea[name=justification]", "Only identity and the session note with the threat are needed.")
    for item in items:
        page.check(f"input[name=items][value='{item}']")
    if emergency:
        page.check("input[name=emergency]")
    page.check("input[name=notice][value=immediate]")
    page.click("#disclosure-form button[type=submit]")


def test_california_duty_to_warn(
    page: Page, live_server: LiveServer, live_cast: Cast, smtp_inbox: Inbox, tmp_path: Path
) -> None:
    base, cast = live_server.url, live_cast
    progress_note_sign(actor=cast.clinician, client=cast.client, note_id=cast.note.id, channel=Channel.CLI)

    sign_in(page, base, "chris@harbor.test")
    page.goto(f"{base}/clients/{cast.client.id}/")
    page.click("#disclose-link")
    page.click("a[data-kind=threat_to_identifiable_others]")
    requirements = page.locator("#requirements")
    expect(requirements).to_contain_text("Duty to protect (Tarasoff)")
    expect(requirements.locator("[data-obligation]")).to_have_text("mandatory")
    expect(requirements).to_contain_text("the reasonably identifiable victim(s)")
    expect(requirements).to_contain_text("Cal. Civ. Code § 43.92")
    _prepare(page, recipient="Officer Canary-Police, Harbor PD", items=["identity", f"note:{cast.note.id}"])
    expect(page.locator("#state")).to_have_attribute("data-state", "awaiting")
    detail = page.url

    page.context.clear_cookies()
    sign_in(page, base, "sam@harbor.test")
    page.click("#disclosures-to-decide a")
    page.check("input[name=approve][value=yes]")
    page.fill("textarea[name=note]", "Consulted: the threat is specific and credible.")
    page.click("#decide-form button[type=submit]")
    expect(page.locator("#state")).to_have_attribute("data-state", "approved")

    page.context.clear_cookies()
    sign_in(page, base, "chris@harbor.test")
    page.goto(detail)
    archive = _release_and_decrypt(page, tmp_path)
    records = archive.read("records.txt").decode()
    assert "Jordan Canary-Client" in records and "Session canary-note body" in records
    assert "summary.pdf" in archive.namelist()
    page.goto(detail)
    expect(page.locator("#state")).to_have_attribute("data-state", "released")
    expect(page.locator("#tasks")).to_contain_text("First report: Duty to protect (Tarasoff)")

    [notice] = smtp_inbox.messages
    assert notice["To"] == "jordan@client.test"
    text = str(notice["Subject"]) + smtp_inbox.body()
    for word in ("Jordan", "Canary", "Police", "threat", "Harbor", "Chris"):
        assert word not in text, word

    page.context.clear_cookies()
    sign_in(page, base, "jordan@client.test", with_totp=False)
    page.click("#accounting-link")
    expect(page.locator("#accounting")).to_contain_text("Officer Canary-Police, Harbor PD")
    expect(page.locator("#accounting")).to_contain_text("ca.civ43_92.duty_to_protect")


def test_texas_threat_is_permissive(page: Page, live_server: LiveServer, live_cast: Cast, tmp_path: Path) -> None:
    base, cast = live_server.url, live_cast
    sign_in(page, base, "otto@elsewhere.test")
    page.goto(f"{base}/clients/{cast.outsider_client.id}/")
    page.click("#disclose-link")
    page.click("a[data-kind=threat_to_identifiable_others]")
    requirements = page.locator("#requirements")
    expect(requirements.locator("[data-obligation]")).to_have_text("permissive")
    expect(requirements).to_contain_text("tx.hs611_004.imminent_injury")
    expect(requirements).not_to_contain_text("Must be told")
    # Otto practises alone: an emergency release, reviewed afterwards.
    _prepare(page, recipient="Elsewhere County crisis team", items=["identity"], emergency=True)
    archive = _release_and_decrypt(page, tmp_path)
    assert "Omar Outside-Client" in archive.read("records.txt").decode()
