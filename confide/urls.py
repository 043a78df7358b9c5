from __future__ import annotations

from django.urls import include, path

from confide.api.urls import api
from confide.clients import views as clients
from confide.invitations import views as invitations
from confide.portal import views as portal
from confide.practices import views as practices
from confide.tokens import views as tokens
from confide.web import views as web

urlpatterns = [
    path("", web.home, name="home"),
    path("healthz", web.healthz, name="healthz"),
    path("dashboard/", web.dashboard, name="dashboard"),
    path("clients/", clients.client_list, name="client_list"),
    path("clients/new/", clients.client_new, name="client_new"),
    path("clients/<uuid:client_id>/", clients.client_detail, name="client_detail"),
    path("clients/<uuid:client_id>/invite/", clients.client_invite, name="client_invite"),
    path("practice/", practices.practice_settings, name="practice_settings"),
    path("practice/members/<uuid:member_id>/role/", practices.member_role, name="member_role"),
    path("practice/care-teams/", practices.careteam_index, name="careteam_index"),
    path("practice/care-teams/<uuid:client_id>/", practices.careteam_client, name="careteam_client"),
    path("practice/care-teams/seats/<int:seat_id>/remove/", practices.careteam_remove_view, name="careteam_remove"),
    path("account/tokens/", tokens.token_list_view, name="token_list"),
    path("account/tokens/<uuid:token_id>/revoke/", tokens.token_revoke_view, name="token_revoke"),
    path("invitations/<str:token>/", invitations.invitation_accept_view, name="invitation_accept"),
    path("portal/", portal.portal_home, name="portal_home"),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
]
