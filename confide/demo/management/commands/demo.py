from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from confide.demo.seed import demo_seed


class Command(BaseCommand):
    help = "Create the demo practice if it is missing, and print its logins."

    def handle(self, *args: Any, **options: Any) -> None:
        logins, clients, created = demo_seed()
        self.stdout.write("Demo practice " + ("created." if created else "already present."))
        self.stdout.write("Sign in at http://localhost:8000 (use localhost, not 127.0.0.1: passkeys need it).")
        self.stdout.write(
            "Two-factor codes: add the TOTP secret to an authenticator app, or run: .venv/bin/confide totp SECRET"
        )
        for login in logins:
            self.stdout.write(
                f"  {login.role:<10} {login.email:<32} password {login.password}"
                f"  TOTP {login.totp_secret}  ({login.name})"
            )
        for login in logins:
            if login.recovery_key:
                self.stdout.write(f"  private-notes recovery key for {login.email}: {login.recovery_key}")
        self.stdout.write("Demo clients (fictional): " + ", ".join(clients))
