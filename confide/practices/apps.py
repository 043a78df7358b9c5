from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "confide.practices"
    label = "practices"
