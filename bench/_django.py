"""Start Django for a benchmark: development settings on a fresh SQLite file in a temp folder."""

from __future__ import annotations

import os
import tempfile


def setup() -> None:
    if os.environ.get("DJANGO_SETTINGS_MODULE"):
        return
    folder = tempfile.mkdtemp(prefix="confide-bench-")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "confide.settings",
            "CONFIDE_ENV": "development",
            "CONFIDE_DATA_DIR": folder,
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "CONFIDE_LOG_LEVEL": "WARNING",
        }
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
