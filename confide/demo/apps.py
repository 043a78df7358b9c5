from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo practice: a consumer of every other app, so it sits above them all (no app imports it)."""

    name = "confide.demo"
    label = "demo"
