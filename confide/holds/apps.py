from __future__ import annotations

from django.apps import AppConfig


class HoldsConfig(AppConfig):
    name = "confide.holds"
    label = "holds"
