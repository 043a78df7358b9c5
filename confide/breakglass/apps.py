from __future__ import annotations

from django.apps import AppConfig


class BreakglassConfig(AppConfig):
    name = "confide.breakglass"
    label = "breakglass"
