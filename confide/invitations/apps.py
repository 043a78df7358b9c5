from django.apps import AppConfig


class InvitationsConfig(AppConfig):
    name = "confide.invitations"
    label = "invitations"
