"""Refuse to start when the master key cannot be loaded (``confide check`` reports it)."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register

from confide.vault.keyring import VaultError
from confide.vault.sealing import master_key


@register()
def master_key_loads(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    try:
        master_key()
    except VaultError as exc:
        return [
            Error(
                f"The master key is unusable: {exc}.",
                hint="See docs/configuration.md (CONFIDE_MASTER_KEY_FILE).",
                id="confide.E001",
            )
        ]
    return []
