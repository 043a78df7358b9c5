from django.apps import AppConfig


class CareteamsConfig(AppConfig):
    name = "confide.careteams"
    label = "careteams"
