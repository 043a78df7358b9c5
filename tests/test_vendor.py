"""The vendored browser libraries are the files `make vendor` builds: each matches confide/static/vendor/
SHA256SUMS, and every npm package behind them is pinned to one version with its integrity hash."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "confide" / "static" / "vendor"


def test_each_vendored_file_is_the_one_its_hash_names() -> None:
    sums = [line.split("  ", 1) for line in (VENDOR / "SHA256SUMS").read_text().splitlines()]
    assert {name for _, name in sums} == {p.name for p in VENDOR.glob("*.js")}
    for digest, name in sums:
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name


def test_every_npm_package_is_pinned_exactly_with_its_integrity() -> None:
    wanted = json.loads((ROOT / "package.json").read_text())["devDependencies"]
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", version) for version in wanted.values()), wanted
    lock = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    for name, version in wanted.items():
        assert lock[f"node_modules/{name}"]["version"] == version
    assert all(entry.get("integrity", "").startswith("sha512-") for path, entry in lock.items() if path)
