"""A new rule-pack version that changes what clients are told makes them due for re-consent."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.utils import timezone

from confide.consent import selectors
from confide.consent.due import DueReason
from confide.consent.receipts import signed_pdf
from confide.consent.selectors import client_due_reasons
from confide.rulepacks.loader import PACKS_DIR, load_library
from tests.cast import Cast
from tests.consent.helpers import sign


def _new_california(folder: Path, *, plain_change: bool) -> None:
    """us-ca 2026.2 in force from today; 2026.1 ends today."""
    for path in PACKS_DIR.glob("*.toml"):
        shutil.copy(path, folder)
    today = timezone.localdate().isoformat()
    old = folder / "us-ca@2026.1.toml"
    text = old.read_text()
    old.write_text(text.replace("effective_from = 2026-01-01", f"effective_from = 2026-01-01\neffective_to = {today}"))
    new = text.replace('version = "2026.1"', 'version = "2026.2"').replace(
        "effective_from = 2026-01-01", f'effective_from = {today}\nsupersedes = "us-ca@2026.1"'
    )
    if plain_change:
        new = new.replace("I must try to warn that person and tell the police.", "I must warn them and the police.")
    else:
        cited = new.replace("Ewing v. Goldstein (2004)", "Ewing v. Goldstein, 120 Cal.App.4th 807 (2004)")
        assert cited != new
        new = cited
    (folder / "us-ca@2026.2.toml").write_text(new)


def _use(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    library = load_library(folder)
    assert library.problems == []
    monkeypatch.setattr(selectors, "_library", library)


def test_a_client_facing_change_makes_the_client_due(
    cast: Cast, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign(cast)
    _new_california(tmp_path, plain_change=True)
    _use(monkeypatch, tmp_path)
    assert client_due_reasons(client=cast.client) == [DueReason.RULE_CHANGE]


def test_a_citation_only_change_does_not(cast: Cast, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sign(cast)
    _new_california(tmp_path, plain_change=False)
    _use(monkeypatch, tmp_path)
    assert client_due_reasons(client=cast.client) == []


def test_the_old_signature_still_rebuilds_its_exact_document(
    cast: Cast, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    signature = sign(cast)
    _new_california(tmp_path, plain_change=True)
    _use(monkeypatch, tmp_path)
    document, _ = signed_pdf(signature=signature, client=cast.client)
    assert document.sha256 == signature.document_sha256
    assert document.pack_refs == ["us-federal@2026.1", "us-ca@2026.1"]
