from __future__ import annotations

from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "confide.vault"
    label = "vault"

    def ready(self) -> None:
        from confide.vault import checks  # noqa: F401 (registers the system check)
