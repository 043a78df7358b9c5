"""Everywhere the server could keep a word it was given, for the tests that check it never gets one: every
table and column read through SQL, the raw database image (free pages and the write-ahead log too, where a
deleted or rewritten row lingers), every log record the process wrote (requests included), every job
enqueued with its arguments, and every file under the data directory."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper
from django.tasks.signals import task_enqueued


def _raw(value: object) -> bytes:
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, (bytes, memoryview)):
        return bytes(value)
    return b""


def tables_holding(needle: bytes) -> list[str]:
    """Every ``table.column`` whose stored bytes contain ``needle``, read straight from SQL."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (names from the schema itself)
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                found += [f"{table}.{c}" for c, v in zip(columns, row, strict=True) if needle in _raw(v)]
    return found


def database_image_holds(needle: bytes) -> list[str]:
    """On SQLite, the database's bytes as stored (a test database in memory is serialised whole; one on
    disk is read with its write-ahead log). PostgreSQL's files are the server's: there, SQL alone."""
    if connection.vendor != "sqlite":
        return []
    sqlite = cast(SQLiteWrapper, connection)
    sqlite.ensure_connection()
    name = str(sqlite.settings_dict["NAME"])
    found = []
    if sqlite.is_in_memory_db():
        raw = sqlite.connection.serialize()
        found += ["the in-memory database image"] if needle in raw else []
    else:
        for path in (Path(name), Path(f"{name}-wal")):
            if path.exists() and needle in path.read_bytes():
                found.append(str(path))
    return found


@dataclass
class Traces(logging.Handler):
    """What the process logged and enqueued while the context was open."""

    records: list[str] = field(default_factory=list)
    jobs: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        logging.Handler.__init__(self, level=logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def __hash__(self) -> int:
        return id(self)

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(self.format(record) + repr(getattr(record, "request", "")))

    def enqueued(self, sender: object, task_result: Any, **kwargs: object) -> None:
        self.jobs.append(f"{task_result.task.module_path} {task_result.args!r} {task_result.kwargs!r}")

    def holds(self, text: str) -> list[str]:
        """Every place the server kept ``text``: tables, database image, log records, jobs, data files."""
        needle = text.encode()
        found = tables_holding(needle) + database_image_holds(needle)
        found += [f"log: {r[:80]}" for r in self.records if text in r]
        found += [f"job: {j[:80]}" for j in self.jobs if text in j]
        data = Path(settings.DATA_DIR)
        for path in data.rglob("*") if data.is_dir() else []:
            if path.is_file() and needle in path.read_bytes():
                found.append(f"file: {path.relative_to(data)}")
        return found


@contextmanager
def traced() -> Iterator[Traces]:
    traces = Traces()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(traces)
    root.setLevel(logging.DEBUG)  # stricter than production: DEBUG records too
    task_enqueued.connect(traces.enqueued, weak=False)
    try:
        yield traces
    finally:
        task_enqueued.disconnect(traces.enqueued)
        root.removeHandler(traces)
        root.setLevel(previous)
