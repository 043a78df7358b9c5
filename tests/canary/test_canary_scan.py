"""The canary scan: seed unique strings into every encrypted field through a real process, then
search the raw database (SQLite file and WAL, and a PostgreSQL dump), the logs, the document
store and every e-mail sent. Nothing may be found."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.canary.seed import CANARIES
from tests.canary.signed import opened
from tests.postgres import Server, postgres_server, scratch_databases, tool

ROOT = Path(__file__).resolve().parents[2]


def _needles() -> list[bytes]:
    found = []
    for value in CANARIES.values():
        token = value.split()[0]  # the unique canary word itself
        found += [token.encode(), token.lower().encode(), token.encode("utf-16-le")]
    return found


def _seed(tmp_path: Path, database_url: str) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONFIDE_", "DJANGO_", "DATABASE_URL"))}
    env |= {
        "CONFIDE_ENV": "test",
        "CONFIDE_DATA_DIR": str(tmp_path / "var"),
        "CONFIDE_MAIL_BACKEND": "console",
        "CONFIDE_LOG_LEVEL": "DEBUG",
        "DATABASE_URL": database_url,
    }
    result = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "tests.canary.seed"], env=env, cwd=ROOT, capture_output=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr.decode()[-3000:]
    return result


def _files(folder: Path) -> Iterator[Path]:
    return (p for p in folder.rglob("*") if p.is_file())


def _hits(label: str, data: bytes, *, allow: tuple[bytes, ...] = ()) -> list[str]:
    data += opened(data)  # values kept in Django's signed format (base64 of JSON) are read, as anyone could
    return [f"{label}: {needle!r}" for needle in _needles() if needle in data and needle not in allow]


def _scan_outputs(result: subprocess.CompletedProcess[bytes], tmp_path: Path) -> list[str]:
    hits = _hits("log (stderr)", result.stderr)
    # stdout carries the e-mails (console backend). The recipient address is the one place the
    # client's e-mail must appear (the To: header); subject and body must not carry it.
    mail = b"\n".join(line for line in result.stdout.splitlines() if not line.startswith(b"To: "))
    assert b"Subject:" in result.stdout, "the seed sent no e-mail, so the scan would prove nothing"
    hits += _hits("e-mail", mail)
    for path in _files(tmp_path / "var" / "documents"):
        hits += _hits(f"document store {path.name}", path.read_bytes() + path.name.encode())
    return hits


def test_no_canary_in_the_sqlite_file_wal_logs_or_mail(tmp_path: Path) -> None:
    database = tmp_path / "canary.sqlite3"
    result = _seed(tmp_path, f"sqlite:///{database}")
    files = [p for p in tmp_path.iterdir() if p.name.startswith("canary.sqlite3")]
    assert database in files and database.stat().st_size > 0
    hits = [hit for path in files for hit in _hits(path.name, path.read_bytes())]
    hits += _scan_outputs(result, tmp_path)
    assert not hits, hits


@pytest.fixture(scope="module")
def postgres() -> Iterator[Server]:
    with postgres_server() as server:
        yield server


def test_no_canary_in_a_postgresql_dump(tmp_path: Path, postgres: Server) -> None:
    with scratch_databases(postgres) as (name,):
        result = _seed(tmp_path, postgres.url(name))
        dump = subprocess.run(  # noqa: S603
            [tool("pg_dump"), "--no-owner", "-h", postgres.host, "-p", str(postgres.port), "-U", postgres.user, name],
            env={**os.environ, "PGPASSWORD": postgres.password},
            capture_output=True,
            timeout=120,
            check=True,
        ).stdout
        assert b"records_progressnote" in dump
        hits = _hits("pg_dump", dump) + _scan_outputs(result, tmp_path)
        assert not hits, hits


def test_the_scan_finds_a_planted_canary() -> None:
    planted = b"INSERT INTO clients_client VALUES ('" + CANARIES["name"].encode() + b"')"
    assert _hits("planted", planted)


def test_the_scan_reads_what_djangos_signed_format_only_signs() -> None:
    from django.core import signing  # noqa: PLC0415 (settings are loaded by pytest-django)

    session = signing.dumps({"typed": CANARIES["email"]}, compress=True).encode()
    assert CANARIES["email"].encode() not in session  # invisible to a plain search…
    assert _hits("planted session", b"INSERT INTO django_session VALUES ('k', '" + session + b"')")  # …not to this
