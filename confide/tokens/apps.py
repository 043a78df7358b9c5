from django.apps import AppConfig


class TokensConfig(AppConfig):
    name = "confide.tokens"
    label = "tokens"
