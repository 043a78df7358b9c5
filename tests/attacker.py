"""What the strongest adversary does first: an attacker with write access to the database (but not the
master key) drops the append-only triggers that production installs, then rewrites rows.

The test database carries the same triggers as production (they are installed by migration), so a test
that tampers must call this first; the test's transaction rolls the drop back afterwards.
"""

from __future__ import annotations

from django.db import connection

from confide.audit import appendonly


def drop_append_only_triggers() -> None:
    appendonly.uninstall(connection, appendonly.LOCKED)
