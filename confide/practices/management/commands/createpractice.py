from __future__ import annotations

import getpass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from confide.practices.services import practice_create


class Command(BaseCommand):
    help = "Create a practice and its owner; the owner sets up two-factor authentication at first sign-in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--owner-email", required=True)
        parser.add_argument("--owner-name", default="")
        parser.add_argument(
            "--jurisdiction", action="append", default=[], help="rule pack id, e.g. us-ca (repeat for several)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password = getpass.getpass("Owner password: ")
        if password != getpass.getpass("Repeat it: "):
            raise CommandError("The passwords differ.")
        try:
            from django.contrib.auth.password_validation import validate_password

            validate_password(password)
            owner = practice_create(
                name=options["name"],
                owner_email=options["owner_email"],
                owner_name=options["owner_name"],
                owner_password=password,
                jurisdictions=options["jurisdiction"],
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"Created practice {owner.practice.slug!r}; sign in as {owner.user.address}.")
