"""A real PostgreSQL server for the tests that need one (dumps, backups, the proxy).

``postgres_server()`` yields the server the suite already runs on when DATABASE_URL points at
PostgreSQL; otherwise it starts a throwaway one on 127.0.0.1 from the newest
``/usr/lib/postgresql/*/bin`` and deletes it afterwards. The test is skipped, with the reason, when
PostgreSQL's binaries are missing. PostgreSQL refuses to run as root, so as root the server runs as
the ``postgres`` system user, in a temporary folder that user owns.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings

if TYPE_CHECKING:
    import psycopg

INSTALL_HINT = "apt-get install postgresql"


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    user: str
    password: str

    def url(self, dbname: str) -> str:
        return f"postgres://{self.user}:{self.password}@{self.host}:{self.port}/{dbname}"


def _version(folder: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in folder.name.split(".") if part.isdigit())


def bin_dir() -> Path | None:
    """The newest installed PostgreSQL's ``bin`` folder that can create a cluster, if any."""
    found = [p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/initdb")]
    return max(found, key=lambda p: _version(p.parent), default=None)


def tool(name: str) -> str:
    """A client program (``pg_dump``, ``psql``, ...) at least as new as any server here, or skip."""
    folder = bin_dir()
    if folder is not None and (folder / name).exists():
        return str(folder / name)
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"PostgreSQL's {name} is missing; install it with `{INSTALL_HINT}`")
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@contextlib.contextmanager
def throwaway_server() -> Iterator[Server]:
    """Start a new cluster on a free 127.0.0.1 port (sockets in its temporary folder); stop and delete it."""
    folder = bin_dir()
    if folder is None:
        pytest.skip(f"PostgreSQL's server binaries are missing (/usr/lib/postgresql/*/bin); `{INSTALL_HINT}`")
    as_user: list[str] = []
    owner: pwd.struct_passwd | None = None
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip(f"running as root and there is no `postgres` system user to run PostgreSQL; `{INSTALL_HINT}`")
        as_user = [shutil.which("runuser") or "/usr/sbin/runuser", "-u", "postgres", "--"]
    home = Path(tempfile.mkdtemp(prefix="confide-pg-"))
    data, log = home / "data", home / "server.log"
    server = Server(host="127.0.0.1", port=0, user="confide_test", password=secrets.token_hex(16))

    def run(*command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 (PostgreSQL's own programs, fixed arguments)
            [*as_user, *command], cwd=home, capture_output=True, text=True, timeout=120, check=False
        )

    try:
        (home / "password").write_text(server.password)
        if owner is not None:
            for path in (home, home / "password"):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        created = run(
            str(folder / "initdb"),
            *("-D", str(data), "-U", server.user, "--pwfile", str(home / "password")),
            *("--auth", "scram-sha-256", "-E", "UTF8", "--locale", "C", "--no-sync"),
        )
        assert created.returncode == 0, created.stdout + created.stderr
        for _ in range(3):  # another process may take the free port before the server binds it
            server = Server(server.host, _free_port(), server.user, server.password)
            options = (
                f"-c listen_addresses={server.host} -p {server.port} -c unix_socket_directories={home}"
                " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            started = run(str(folder / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-o", options, "start")
            if started.returncode == 0:
                break
        else:
            raise AssertionError(f"PostgreSQL did not start:\n{log.read_text()[-3000:] if log.exists() else ''}")
        try:
            yield server
        finally:
            run(str(folder / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(home, ignore_errors=True)


@contextlib.contextmanager
def postgres_server() -> Iterator[Server]:
    """The suite's own PostgreSQL server when DATABASE_URL names one, else a throwaway one."""
    base = settings.DATABASES["default"]
    if "postgresql" in base["ENGINE"]:
        yield Server(str(base["HOST"]), int(base["PORT"] or 5432), str(base["USER"]), str(base["PASSWORD"]))
        return
    with throwaway_server() as server:
        yield server


@contextlib.contextmanager
def scratch_databases(server: Server, count: int = 1) -> Iterator[list[str]]:
    """``count`` new, empty databases on ``server`` (random names), dropped afterwards."""
    import psycopg

    names = [f"confide_scratch_{secrets.token_hex(4)}" for _ in range(count)]
    admin = psycopg.connect(
        host=server.host,
        port=server.port,
        user=server.user,
        password=server.password,
        dbname="postgres",
        autocommit=True,
    )
    try:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
        yield names
    finally:
        for name in names:
            _drop(admin, name)
        admin.close()


def _drop(admin: psycopg.Connection[Any], name: str) -> None:
    """Drop ``name``, waiting out an autovacuum worker on it.

    A plain DROP stops autovacuum itself; WITH (FORCE) would refuse a non-superuser when an
    autovacuum worker is there (it has no role to be a member of), so it is only the fallback
    for a session a test left open.
    """
    import psycopg

    for attempt in range(20):
        try:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            return
        except psycopg.errors.ObjectInUse:
            with contextlib.suppress(psycopg.errors.InsufficientPrivilege):
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                return
            time.sleep(0.25 * (attempt + 1))
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
