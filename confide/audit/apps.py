from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "confide.audit"
    label = "audit"

    def ready(self) -> None:
        from confide.audit import signals  # noqa: F401 (connects the sign-in receiver)
