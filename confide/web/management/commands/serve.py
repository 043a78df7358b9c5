"""Serve Confide with waitress (a production WSGI server) on loopback by default."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from confide.web.serving import confide_server
from confide.wsgi import application


class Command(BaseCommand):
    help = "Serve Confide over HTTP (put TLS in front of it in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.CONFIDE_ENV == "test":
            raise CommandError("CONFIDE_ENV=test trades password-hash cost for speed; it never serves.")
        if settings.PRODUCTION:
            call_command("collectstatic", interactive=False, verbosity=0)
        # WebAuthn refuses the 127.0.0.1 origin; localhost is a secure context, so tell people that.
        shown = "localhost" if options["host"] in ("127.0.0.1", "::1", "localhost") else options["host"]
        self.stdout.write(f"Confide is serving at http://{shown}:{options['port']}  (Ctrl+C stops it)")
        server = confide_server(app=application, host=options["host"], port=options["port"], threads=options["threads"])
        server.run()
