"""The ``confide`` command: Django's management commands under Confide's settings.

``confide serve``, ``confide migrate``, ``confide demo``, ``confide createpractice`` and
``confide check`` are the documented ones; every other management command works too.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.umask(0o077)  # the database, keys and logs Confide creates are readable by its own user only
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "confide.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["confide", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
