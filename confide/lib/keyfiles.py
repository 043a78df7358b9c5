"""Create-once secret files with owner-only permissions (pure, no Django)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def read_or_create_secret(path: Path, *, nbytes: int = 50) -> str:
    """Return the secret stored at ``path``, creating it (mode 0600) on first use.

    ``O_EXCL`` makes two processes starting at once agree on one secret: the loser
    of the race reads what the winner wrote.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        value = path.read_text().strip()
    else:
        value = secrets.token_urlsafe(nbytes)
        with os.fdopen(fd, "w") as handle:
            handle.write(value + "\n")
    if not value:
        raise RuntimeError(f"{path} exists but is empty; delete it to generate a new secret.")
    return value
