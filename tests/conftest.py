from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.apps import apps
from django.db import connections
from django.db.models.signals import post_migrate
from pytest_django.fixtures import Settings

from confide.audit import appendonly
from tests.cast import Cast, build_cast


def _reinstall_append_only(using: str, **kwargs: object) -> None:
    """A transactional test ends with a flush (triggers lifted, see ``append_only_past_the_flush``), and the
    flush sends post_migrate: put the production triggers back for the tests that follow."""
    appendonly.install(connections[using], appendonly.LOCKED)


post_migrate.connect(_reinstall_append_only, sender=apps.get_app_config("audit"), dispatch_uid="confide-append-only")


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


@pytest.fixture
def smtp_inbox(settings: Settings) -> Iterator[Inbox]:
    inbox = Inbox()
    with socket.socket() as probe:  # aiosmtpd needs a concrete port to check it started
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
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
