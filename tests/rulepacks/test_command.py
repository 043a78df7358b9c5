"""``confide rules check | diff | show``."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from confide.rulepacks.loader import PACKS_DIR


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("rules", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_check_passes_on_the_six_packs() -> None:
    assert _run("check").strip() == "6 packs, 49 rules, 58 citations: every rule is cited."


def test_check_fails_naming_the_file_and_field(tmp_path: Path) -> None:
    shutil.copy(PACKS_DIR / "uk@2026.1.toml", tmp_path)
    path = tmp_path / "uk@2026.1.toml"
    path.write_text(path.read_text().replace('kind = "court_order"', 'kind = "court_order"\nsevere = true'))
    with pytest.raises(CommandError, match=r"uk@2026.1.toml: exceptions.1.severe: unknown field"):
        _run("check", "--folder", str(tmp_path))


def test_diff_lists_changes_and_the_re_affirmation_verdict(tmp_path: Path) -> None:
    new = tmp_path / "us-tx@2026.2.toml"
    text = (PACKS_DIR / "us-tx@2026.1.toml").read_text()
    new.write_text(text.replace('obligation = "permissive"', 'obligation = "mandatory"', 1))
    output = _run("diff", "us-tx@2026.1", str(new))
    assert "tx.hs611_004.imminent_injury: changed: obligation [client-facing]" in output
    assert output.strip().endswith("1 changes, 1 client-facing: clients must re-affirm.")


def test_diff_of_an_unknown_version_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="Cannot load us-tx@1999.1"):
        _run("diff", "us-tx@1999.1", "us-tx@2026.1")


def test_show_explains_which_rule_decides() -> None:
    output = _run("show", "us-ca", "--on", "2026-11-26")
    assert "Packs: us-federal@2026.1, us-ca@2026.1" in output
    assert "- threat_to_identifiable_others: Mandatory: decided by ca.civ43_92.duty_to_protect" in output
