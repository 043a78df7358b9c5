"""`confide backup` and `confide restore`: a consistent snapshot of the database and the document store,
age-encrypted, and the way back from it.

The snapshot holds what the database holds (client data only as ciphertext under the master key) and the
encrypted documents. It never holds the key material a restore also needs: the master key file and the
log anchors (CONFIDE_MASTER_KEY_FILE, CONFIDE_LOG_ANCHOR_DIR) are backed up separately, so that one stolen
backup opens nothing (docs/operations.md).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection, connections

from confide.backups.archive import ArchiveError, Manifest, archive_open, archive_write


class RestoreRefused(Exception):
    """The restore would overwrite something or cannot apply here; nothing was changed."""


def _kind() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def _pg_tool(name: str) -> str:
    """The newest installed PostgreSQL's program (a dump needs a pg_dump at least as new as the server)."""
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3].split(".")[0]))
    program = str(found[-1]) if found else shutil.which(name)
    if program is None:
        raise ArchiveError(f"PostgreSQL's {name} is missing: install postgresql-client.")
    return program


def _pg_args() -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    args = ["-h", str(db["HOST"] or "localhost"), "-p", str(db["PORT"] or 5432), "-U", str(db["USER"])]
    return args, {**os.environ, "PGPASSWORD": str(db["PASSWORD"])}


def _snapshot(target: Path) -> None:
    """A consistent copy of the live database, taken while writes go on."""
    name = str(settings.DATABASES["default"]["NAME"])
    if _kind() == "postgresql":
        args, env = _pg_args()
        command = [_pg_tool("pg_dump"), *args, "--format=custom", "--no-owner", "--no-privileges", "-f", str(target)]
        result = subprocess.run([*command, name], env=env, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode != 0:
            raise ArchiveError(f"pg_dump failed: {result.stderr.strip()[-500:]}")
        return
    source = sqlite3.connect(name, uri=name.startswith("file:"))
    try:
        copy = sqlite3.connect(target)
        source.backup(copy)  # SQLite's online backup: one read transaction, so one consistent state
        copy.close()
    finally:
        source.close()


def _documents_snapshot(work: Path) -> Path:
    """The document store as it is now, taken after the database's snapshot (so every document that
    snapshot names is finished: an upload is renamed into place before its row commits). Each file is
    hard-linked (copied across file systems), so a later shred or upload cannot change what is packed;
    uploads still being written (``*.partial``) are not finished documents and stay out."""
    source, copy = Path(settings.CONFIDE_DOCUMENTS_DIR), work / "documents"
    copy.mkdir()
    for path in sorted(source.rglob("*")) if source.is_dir() else []:
        if not path.is_file() or path.is_symlink() or path.name.endswith(".partial"):
            continue
        target = copy / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, target)
        except FileNotFoundError:
            continue  # removed since the database's snapshot was taken
        except OSError:
            shutil.copy2(path, target)
    return copy


def _work() -> tempfile.TemporaryDirectory[str]:
    """A private folder beside the database's data for the unencrypted tar, removed afterwards."""
    Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix=".backup-", dir=settings.DATA_DIR)


def backup_create(*, output: Path, recipients: list[str]) -> Manifest:
    """Write an age-encrypted snapshot of the database and the document store to ``output``."""
    if output.exists():
        raise ArchiveError(f"{output} exists already; a backup never overwrites a file.")
    with _work() as work:
        database = Path(work) / "database"
        _snapshot(database)
        return archive_write(
            database=database,
            kind=_kind(),
            documents=_documents_snapshot(Path(work)),
            created=datetime.now(UTC).isoformat(timespec="seconds"),
            recipients=recipients,
            output=output,
            work=Path(work),
        )


def _set_aside(path: Path, stamp: str) -> None:
    for sibling in (path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm"))):
        if sibling.exists():  # "<db>-wal" becomes "<db>.replaced-<stamp>-wal": SQLite still pairs them
            name = f"{path.name}.replaced-{stamp}{sibling.name.removeprefix(path.name)}"
            sibling.rename(sibling.with_name(name))


def _occupied(path: Path) -> bool:
    return path.is_file() and path.stat().st_size > 0 or path.is_dir() and any(path.iterdir())


def _tables() -> int:
    """How many tables the configured database holds (an empty file, as opening one leaves, holds none)."""
    query = (
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        if _kind() == "postgresql"
        else "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
    )
    with connection.cursor() as cursor:
        cursor.execute(query)
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def backup_restore(*, archive: Path, identities: list[str], replace: bool) -> Manifest:
    """Bring back the database and documents of ``archive``. SQLite: an existing database and document
    store are refused unless ``replace``, and then set aside beside themselves, never deleted. PostgreSQL:
    only into an empty database (create one and point DATABASE_URL at it)."""
    documents = Path(settings.CONFIDE_DOCUMENTS_DIR)
    with _work() as work:
        manifest, unpacked = archive_open(archive=archive, identities=identities, work=Path(work))
        if manifest.database != _kind():
            raise RestoreRefused(f"This is a {manifest.database} backup; this server runs on {_kind()}.")
        target = Path(str(settings.DATABASES["default"]["NAME"]))
        if _tables() > 0 and (not replace or _kind() == "postgresql"):
            where = "database" if _kind() == "postgresql" else f"database {target}"
            hint = "restore into a new, empty database" if _kind() == "postgresql" else "pass --replace"
            raise RestoreRefused(f"The {where} already holds data: {hint}.")
        if _occupied(documents) and not replace:
            raise RestoreRefused(f"The document store {documents} is not empty: pass --replace.")
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        connections.close_all()
        if _kind() == "postgresql":
            _pg_restore(unpacked / "database")
        else:
            _set_aside(target, stamp)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(unpacked / "database", target)
        if _occupied(documents):
            documents.rename(documents.with_name(f"{documents.name}.replaced-{stamp}"))
        elif documents.exists():
            documents.rmdir()
        restored = unpacked / "documents"
        if restored.is_dir():
            shutil.move(restored, documents)
        else:
            documents.mkdir(parents=True, mode=0o700)
        return manifest


def _pg_restore(dump: Path) -> None:
    args, env = _pg_args()
    name = str(settings.DATABASES["default"]["NAME"])
    command = [_pg_tool("pg_restore"), *args, "--no-owner", "--no-privileges", "--single-transaction"]
    command += ["--exit-on-error", "-d", name, str(dump)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise ArchiveError(f"pg_restore failed: {result.stderr.strip()[-500:]}")
