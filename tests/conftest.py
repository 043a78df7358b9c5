from __future__ import annotations

import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.apps import apps
from django.core.management import call_command
from django.db import connections
from django.db.models.signals import post_migrate
from pytest_django import DjangoDbBlocker
from pytest_django.fixtures import Settings

from confide.audit import appendonly
from tests.cast import Cast, build_cast


def _reinstall_append_only(using: str, **kwargs: object) -> None:
    """A transactional test ends with a flush (triggers lifted, see ``append_only_past_the_flush``), and the
    flush sends post_migrate: put the production triggers back for the tests that follow."""
    appendonly.install(connections[using], appendonly.LOCKED)


post_migrate.connect(_reinstall_append_only, sender=apps.get_app_config("audit"), dispatch_uid="confide-append-only")


_TEMPLATE = os.environ.get("CONFIDE_TEST_DB_TEMPLATE", "")
if _TEMPLATE:

    @pytest.fixture(scope="session")
    def django_db_setup(django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
        """Mutation runs only (``scripts/mutation.py`` sets the variable): every mutant is a pytest session
        of its own, so each starts from a copy of one migrated SQLite file instead of migrating afresh, which
        cost about two seconds a mutant. The copy is private to the session; the template is made once."""
        connection = connections["default"]
        here = Path(tempfile.mkdtemp(prefix="confide-test-db-"))
        with django_db_blocker.unblock():
            if not Path(_TEMPLATE).exists():
                connection.close()
                draft = f"{_TEMPLATE}.{os.getpid()}"
                connection.settings_dict["NAME"] = draft
                call_command("migrate", run_syncdb=True, interactive=False, verbosity=0)
                connection.close()
                os.replace(draft, _TEMPLATE)  # atomic: a parallel session sees all of it or none
            shutil.copyfile(_TEMPLATE, here / "test.sqlite3")
            connection.close()
            connection.settings_dict["NAME"] = str(here / "test.sqlite3")
        yield
        with django_db_blocker.unblock():
            connection.close()
        shutil.rmtree(here, ignore_errors=True)


@pytest.fixture(autouse=True)
def append_only_past_the_flush(request: pytest.FixtureRequest) -> Iterator[None]:
    """Let a transactional test's closing flush (which deletes every row) past the append-only triggers.

    The test itself runs with the triggers in place; only the flush after it needs them lifted. Requesting
    ``transactional_db`` here orders this teardown before the flush."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    appendonly.uninstall(connections["default"], appendonly.LOCKED)


@pytest.fixture(autouse=True)
def log_anchors(settings: Settings, tmp_path: Path) -> None:
    """Each test keeps its log anchors (the newest checkpoint signed, outside the database) apart."""
    settings.CONFIDE_LOG_ANCHOR_DIR = tmp_path / "log-anchors"


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()


class Inbox:
    """Collects what a real SMTP server on 127.0.0.1 receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        assert isinstance(envelope.content, bytes)
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def body(self, index: int = -1) -> str:
        part = self.messages[index]
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        return payload.decode()


def free_port() -> int:
    """A loopback port nothing listens on (once the probe that found it is closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def mail_server_down(settings: Settings) -> None:
    """SMTP pointed at a port where no mail server listens: every send is refused."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "use_tls": False, "timeout": 2},
        }
    }


@pytest.fixture
def smtp_inbox(settings: Settings) -> Iterator[Inbox]:
    inbox = Inbox()
    port = free_port()  # aiosmtpd needs a concrete port to check it started
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 10},
        }
    }
    yield inbox
    controller.stop()
