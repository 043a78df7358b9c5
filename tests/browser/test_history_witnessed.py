"""The client's browser counts only the witnesses whose cosignature it verified itself: a real witness
(``confide-witness`` on a loopback port) cosigns the practice's log, the history says so, and a cosignature
rewritten in the database is no longer counted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import connection
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from confide.audit.log import verifier_key
from confide.audit.models import Cosignature
from confide.witness.cosign import cosign
from tests.attacker import drop_append_only_triggers
from tests.browser.helpers import sign_in
from tests.cast import Cast
from tests.conftest import free_port
from tests.witness.server import WitnessServer, witness_serving


@pytest.fixture
def witness(live_cast: Cast, settings: Settings, tmp_path: Path) -> Iterator[WitnessServer]:
    with witness_serving(tmp_path / "witness", trusted=[verifier_key(live_cast.owner.practice)]) as server:
        settings.CONFIDE_WITNESSES = [(server.url, server.vkey)]
        yield server


def _verified(page: Page) -> str:
    expect(page.locator("#verify")).not_to_have_attribute("data-state", "checking", timeout=15_000)
    detail = page.locator("#verify-detail").inner_text()
    assert page.locator("#verify").get_attribute("data-state") == "verified", detail
    return detail


def test_the_history_counts_the_witnesses_whose_cosignature_verifies_and_notices_an_older_one(
    page: Page, live_server: LiveServer, live_cast: Cast, witness: WitnessServer, settings: Settings
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, "jordan@client.test", with_totp=False)
    page.click("#history-link")
    _verified(page)  # the visit itself is logged and signed, and that checkpoint sent to the witness
    page.reload()
    assert "Also confirmed by 1 independent witness (witness.test/w1) as the log stood on" in _verified(page)
    settings.CONFIDE_WITNESSES = [(witness.url, witness.vkey)] * 2  # one witness listed twice is one witness
    page.reload()
    assert "Also confirmed by 1 independent witness (witness.test/w1)" in _verified(page)
    assert Cosignature.objects.count() >= 3

    # The witness goes away; the administrator rewrites its newest cosignature with a key of their own.
    settings.CONFIDE_WITNESSES = [(f"http://127.0.0.1:{free_port()}", witness.vkey)]
    newest = Cosignature.objects.order_by("-size").first()
    assert newest is not None
    forged = cosign("forged\n", name="witness.test/w1", key=Ed25519PrivateKey.generate(), timestamp=1).rstrip("\n")
    drop_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_cosignature SET line = %s WHERE id = %s", [forged, newest.pk])
    page.reload()
    detail = _verified(page)  # the log itself is intact; only the witness's word is gone, and that is said
    assert "Also confirmed" not in detail and "No witness's confirmation was shown this time" in detail

    # Then serves an older, genuine cosignature instead, as one would to hide what the witness saw since.
    oldest = Cosignature.objects.order_by("size").first()
    assert oldest is not None
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_cosignature WHERE size > %s", [oldest.size])
    page.reload()
    expect(page.locator("#verify")).to_have_attribute("data-state", "changed", timeout=15_000)
    expect(page.locator("#verify-detail")).to_contain_text("older than the one your browser saw on your last visit")
