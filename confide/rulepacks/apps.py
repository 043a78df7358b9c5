from __future__ import annotations

from django.apps import AppConfig


class RulepacksConfig(AppConfig):
    name = "confide.rulepacks"
    label = "rulepacks"

    def ready(self) -> None:
        from confide.rulepacks import checks  # noqa: F401 (registers the system check)
