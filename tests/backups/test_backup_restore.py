"""Backups that restore: a backup taken while writes go on, restored elsewhere, holds every write that
was acknowledged before it began, and the transparency log verifies (after the restore is recorded)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pyrage
import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Site:
    """One server's data: its database, documents, master key and anchors in ``folder``."""

    folder: Path
    database_url: str

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CONFIDE_", "DJANGO_", "DATABASE_URL"))}
        return env | {
            "CONFIDE_ENV": "test",
            "CONFIDE_DATA_DIR": str(self.folder),
            "CONFIDE_MAIL_BACKEND": "console",
            "DATABASE_URL": self.database_url,
        }

    def run(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", *args],
            env=self.env(),
            cwd=ROOT,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def confide(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.run("confide.cli", *args)


def _sqlite(tmp_path: Path, name: str) -> Site:
    folder = tmp_path / name
    return Site(folder, f"sqlite:///{folder / 'confide.sqlite3'}")


def _key(tmp_path: Path) -> tuple[str, Path]:
    identity = pyrage.x25519.Identity.generate()
    path = tmp_path / "backup-identity.txt"
    path.write_text(f"# the backup's age identity, kept offline\n{identity}\n")
    return str(identity.to_public()), path


def _backup_during_writes(source: Site, tmp_path: Path, recipient: str) -> tuple[Path, list[str], str]:
    """Start writing; once 30 writes are acknowledged, back up while they go on, and stop them when the
    backup is written. Returns the backup and the ids acknowledged before it began."""
    stop = tmp_path / "stop-writing"
    writer = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "tests.backups.writer", "write", "100000", str(stop)],
        env=source.env(),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None
    acknowledged: list[str] = []
    for line in writer.stdout:
        if line.startswith("ACK "):
            acknowledged.append(line.split()[1])
        if len(acknowledged) == 30:
            break
    before = list(acknowledged)
    archive = tmp_path / "confide-backup.age"
    made = source.confide("backup", "--output", str(archive), "--recipient", recipient)
    stop.touch()
    acknowledged += [line.split()[1] for line in writer.stdout if line.startswith("ACK ")]
    assert writer.wait(timeout=300) == 0, writer.stderr.read() if writer.stderr else ""
    assert made.returncode == 0, made.stderr
    assert "Keep the master key file and the log anchors in a separate backup" in made.stdout
    assert len(acknowledged) > len(before) + 5  # the writes went on while the backup ran
    return archive, before, acknowledged[-1]


def _key_material(source: Site, target: Site) -> None:
    """What the operator's separate backup of the key material brings back: master key and anchors."""
    target.folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source.folder / "master.key", target.folder / "master.key")
    shutil.copytree(source.folder / "log-anchors", target.folder / "log-anchors")


def _restored_and_verified(target: Site, archive: Path, identity: Path, before: list[str], last: str) -> None:
    restored = target.confide("restore", str(archive), "--identity", str(identity))
    assert restored.returncode == 0, restored.stderr
    # The anchor kept beside the master key is newer than the backup: verify says so, until the restore
    # is recorded; then the log signs on and verifies.
    stale = target.confide("audit", "verify")
    assert stale.returncode == 1 and "PROBLEM" in stale.stderr, stale.stdout + stale.stderr
    accepted = target.confide("audit", "accept-restore")
    assert accepted.returncode == 0, accepted.stderr
    verified = target.confide("audit", "verify")
    assert verified.returncode == 0 and "intact" in verified.stdout, verified.stdout + verified.stderr
    present = target.run("tests.backups.writer", "check", stdin="\n".join([*before, last])).stdout.split("\n")
    found = {line.split()[1]: line.split(" ", 2)[2] for line in present if line.startswith("PRESENT ")}
    # Every write acknowledged before the backup, opened with the master key; the one acknowledged after
    # the backup was written is not there: the restore is that moment's state.
    assert set(found) == set(before)
    assert all(name.startswith("Backup Client ") for name in found.values())
    assert len([p for p in (target.folder / "documents").rglob("*") if p.is_file()]) >= len(before)


def test_a_sqlite_backup_during_writes_restores_every_acknowledged_write(tmp_path: Path) -> None:
    recipient, identity = _key(tmp_path)
    source, target = _sqlite(tmp_path, "source"), _sqlite(tmp_path, "elsewhere")
    archive, before, last = _backup_during_writes(source, tmp_path, recipient)
    assert b"Backup Client" not in archive.read_bytes() and b"SQLite format" not in archive.read_bytes()
    _key_material(source, target)
    _restored_and_verified(target, archive, identity, before, last)


def test_a_postgresql_backup_during_writes_restores_every_acknowledged_write(tmp_path: Path) -> None:
    from tests.postgres import postgres_server, scratch_databases

    recipient, identity = _key(tmp_path)
    with postgres_server() as server, scratch_databases(server, 2) as (here, elsewhere):
        source, target = (
            Site(tmp_path / "source", server.url(here)),
            Site(tmp_path / "elsewhere", server.url(elsewhere)),
        )
        archive, before, last = _backup_during_writes(source, tmp_path, recipient)
        _key_material(source, target)
        _restored_and_verified(target, archive, identity, before, last)


@pytest.fixture
def restorable(tmp_path: Path) -> tuple[Site, Path, Path]:
    """A small site with a backup of itself, its identity file and its archive."""
    recipient, identity = _key(tmp_path)
    site = _sqlite(tmp_path, "site")
    assert site.run("tests.backups.writer", "write", "2").returncode == 0
    archive = tmp_path / "small.age"
    assert site.confide("backup", "--output", str(archive), "--recipient", recipient).returncode == 0
    return site, archive, identity


def _clients(site: Site) -> int:
    with sqlite3.connect(site.folder / "confide.sqlite3") as db:
        return int(db.execute("SELECT count(*) FROM clients_client").fetchone()[0])


def test_a_restore_over_a_live_database_is_refused_without_replace(restorable: tuple[Site, Path, Path]) -> None:
    site, archive, identity = restorable
    refused = site.confide("restore", str(archive), "--identity", str(identity))
    assert refused.returncode == 1 and "already holds data: pass --replace. Nothing was restored." in refused.stderr
    assert _clients(site) == 2


def test_a_replaced_database_and_document_store_are_set_aside_not_deleted(
    restorable: tuple[Site, Path, Path],
) -> None:
    site, archive, identity = restorable
    assert site.run("tests.backups.writer", "check", stdin="").returncode == 0
    replaced = site.confide("restore", str(archive), "--identity", str(identity), "--replace")
    assert replaced.returncode == 0, replaced.stderr
    aside = sorted(p.name for p in site.folder.iterdir() if ".replaced-" in p.name)
    assert any(name.startswith("confide.sqlite3.replaced-") for name in aside), aside
    assert any(name.startswith("documents.replaced-") for name in aside), aside
    assert _clients(site) == 2


def test_a_wrong_identity_restores_nothing(restorable: tuple[Site, Path, Path], tmp_path: Path) -> None:
    site, archive, _ = restorable
    wrong = tmp_path / "wrong.txt"
    wrong.write_text(f"{pyrage.x25519.Identity.generate()}\n")
    elsewhere = _sqlite(tmp_path, "elsewhere")
    refused = elsewhere.confide("restore", str(archive), "--identity", str(wrong))
    assert refused.returncode == 1 and "This identity does not open the backup" in refused.stderr
    with sqlite3.connect(elsewhere.folder / "confide.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    assert not list(elsewhere.folder.glob(".backup-*"))  # no unencrypted leftovers


def test_a_backup_without_a_recipient_is_refused(tmp_path: Path) -> None:
    site = _sqlite(tmp_path, "site")
    refused = site.confide("backup", "--output", str(tmp_path / "x.age"))
    assert refused.returncode == 1 and "needs at least one age recipient" in refused.stderr
    assert not (tmp_path / "x.age").exists()
