from __future__ import annotations

from django.urls import include, path

from confide.accounts import views as accounts
from confide.api.docs import api_docs
from confide.api.urls import api
from confide.audit import views as audit
from confide.breakglass import views as breakglass
from confide.clients import views as clients
from confide.consent import views as consent
from confide.consent import views_directives as directives
from confide.consent import views_practice as consent_practice
from confide.disclosures import views as disclosures
from confide.disclosures import views_portal as disclosures_portal
from confide.holds import views as holds
from confide.invitations import views as invitations
from confide.journal import views as journal
from confide.measures import views as measures
from confide.messaging import key_views as messaging_keys
from confide.messaging import share_views as messaging_share
from confide.messaging import views as messaging
from confide.portal import views as portal
from confide.practices import views as practices
from confide.records import private_views as private
from confide.records import views as records
from confide.scheduling import views as scheduling
from confide.tokens import views as tokens
from confide.web import views as web

urlpatterns = [
    path("", web.home, name="home"),
    path("healthz", web.healthz, name="healthz"),
    path("favicon.ico", web.favicon, name="favicon"),
    path("dashboard/", web.dashboard, name="dashboard"),
    path("clients/", clients.client_list, name="client_list"),
    path("clients/new/", clients.client_new, name="client_new"),
    path("clients/<uuid:client_id>/", clients.client_detail, name="client_detail"),
    path("clients/<uuid:client_id>/invite/", clients.client_invite, name="client_invite"),
    path("clients/<uuid:client_id>/notes/new/", records.note_new, name="note_new"),
    path("clients/<uuid:client_id>/notes/<uuid:note_id>/edit/", records.note_edit, name="note_edit"),
    path("clients/<uuid:client_id>/notes/<uuid:note_id>/amend/", records.note_amend, name="note_amend"),
    path("clients/<uuid:client_id>/notes/<uuid:note_id>/sign/", records.note_sign, name="note_sign"),
    path("clients/<uuid:client_id>/documents/new/", records.document_new, name="document_new"),
    path("clients/<uuid:client_id>/documents/<uuid:document_id>/", records.document_download, name="document_download"),
    path("clients/<uuid:client_id>/private-notes/", private.private_notes, name="private_notes"),
    path("account/private-notes/setup/", private.private_setup, name="private_setup"),
    path("account/private-notes/unlock/", private.private_unlock, name="private_unlock"),
    path("account/private-notes/lock/", private.private_lock, name="private_lock"),
    path("account/private-notes/reset/", private.private_reset, name="private_reset"),
    path("practice/", practices.practice_settings, name="practice_settings"),
    path("account/practice/", practices.practice_switch, name="practice_switch"),
    path("practice/members/<uuid:member_id>/role/", practices.member_role, name="member_role"),
    path("practice/sign-in-pauses/", accounts.sign_in_pauses, name="sign_in_pauses"),
    path("practice/sign-in-pauses/<uuid:member_id>/lift/", accounts.sign_in_pause_lift, name="sign_in_pause_lift"),
    path("practice/care-teams/", practices.careteam_index, name="careteam_index"),
    path("practice/care-teams/<uuid:client_id>/", practices.careteam_client, name="careteam_client"),
    path("practice/care-teams/seats/<int:seat_id>/remove/", practices.careteam_remove_view, name="careteam_remove"),
    path("practice/audit/", audit.practice_audit, name="practice_audit"),
    path("account/activity/", audit.my_activity, name="my_activity"),
    path("account/tokens/", tokens.token_list_view, name="token_list"),
    path("account/tokens/<uuid:token_id>/revoke/", tokens.token_revoke_view, name="token_revoke"),
    path("invitations/<str:token>/", invitations.invitation_accept_view, name="invitation_accept"),
    path("messages/mailbox.json", messaging_keys.mailbox_json, name="messaging_mailbox"),
    path("messages/mailbox/", messaging_keys.mailbox_publish_view, name="messaging_publish"),
    path("messages/devices/", messaging_keys.device_add_view, name="messaging_device_add"),
    path("messages/pairing/", messaging_keys.pairing_offer_view, name="messaging_pairing_offer"),
    path("messages/pairing.json", messaging_keys.pairing_json, name="messaging_pairing"),
    path("messages/devices/<str:device_id>.json", messaging_keys.device_json, name="messaging_device"),
    path("messages/<uuid:client_id>/", messaging.thread_page, name="messaging_thread"),
    path("messages/<uuid:client_id>/recipients.json", messaging.recipients_json, name="messaging_recipients"),
    path("messages/<uuid:client_id>/send/", messaging.message_send_view, name="messaging_send"),
    path("messages/<uuid:client_id>/messages.json", messaging.messages_json, name="messaging_list"),
    path("messages/<uuid:client_id>/files/<uuid:file_id>/", messaging.file_upload_view, name="messaging_file_upload"),
    path("messages/<uuid:client_id>/files/<uuid:file_id>.bin", messaging.file_view, name="messaging_file"),
    path("messages/<uuid:client_id>/<uuid:message_id>/file/", messaging.message_file_view, name="messaging_file_into"),
    path("messages/<uuid:client_id>/unshared.json", messaging_share.unshared_json, name="messaging_unshared"),
    path(
        "messages/<uuid:client_id>/share/<str:target>.json", messaging_share.shareable_json, name="messaging_shareable"
    ),
    path("messages/<uuid:client_id>/share/<str:target>/", messaging_share.share_view, name="messaging_share"),
    path("portal/", portal.portal_home, name="portal_home"),
    path("portal/history/", portal.portal_history, name="portal_history"),
    path("portal/journal/", journal.journal_page, name="portal_journal"),
    path("portal/journal/entries.json", journal.entries_json, name="journal_entries"),
    path("portal/journal/entries/", journal.entry_write_view, name="journal_write"),
    path("portal/journal/entries/<uuid:entry_id>/delete/", journal.entry_delete_view, name="journal_delete"),
    path("portal/history/proofs.json", portal.portal_history_proofs, name="portal_history_proofs"),
    path("practice/agreements/", consent_practice.practice_agreements, name="practice_agreements"),
    path("practice/members/<uuid:member_id>/licence/", consent_practice.member_licence, name="member_licence"),
    path("portal/agreements/", consent.portal_agreements, name="portal_agreements"),
    path("portal/agreements/sign/", consent.portal_agreement_sign, name="portal_agreement_sign"),
    path("portal/agreements/<uuid:signature_id>/", consent.portal_agreement_done, name="portal_agreement_done"),
    path(
        "portal/agreements/<uuid:signature_id>/agreement.pdf", consent.portal_signature_pdf, name="portal_signature_pdf"
    ),
    path("portal/agreements/<uuid:signature_id>/receipt.pdf", consent.portal_receipt_pdf, name="portal_receipt_pdf"),
    path("portal/agreements/<uuid:signature_id>/receipt.json", consent.portal_receipt_json, name="portal_receipt_json"),
    path("portal/disclosures/", disclosures_portal.portal_accounting, name="portal_accounting"),
    path("portal/disclosures.pdf", disclosures_portal.portal_accounting_pdf, name="portal_accounting_pdf"),
    path("clients/<uuid:client_id>/disclosures/new/", disclosures.disclosure_new, name="disclosure_new"),
    path("disclosures/<uuid:request_id>/", disclosures.disclosure_detail, name="disclosure_detail"),
    path(
        "disclosures/<uuid:request_id>/summary.pdf", disclosures.disclosure_summary_pdf, name="disclosure_summary_pdf"
    ),
    path("disclosures/<uuid:request_id>/suspend/", disclosures.accounting_suspend_view, name="accounting_suspend"),
    path(
        "disclosures/<uuid:request_id>/end-withholding/",
        disclosures.withholding_end_view,
        name="disclosure_withholding_end",
    ),
    path("disclosures/tasks/<int:task_id>/done/", disclosures.task_done, name="disclosure_task_done"),
    path("emergency-access/", breakglass.breakglass_new, name="breakglass_new"),
    path("practice/emergency-access/", breakglass.breakglass_reviews, name="breakglass_reviews"),
    path(
        "practice/emergency-access/<uuid:grant_id>/review/", breakglass.breakglass_review_view, name="breakglass_review"
    ),
    path("practice/holds/", holds.holds, name="holds"),
    path("practice/holds/<uuid:hold_id>/release/", holds.hold_release_view, name="hold_release"),
    path("clients/<uuid:client_id>/sessions/", scheduling.client_sessions, name="client_sessions"),
    path(
        "sessions/<uuid:appointment_id>/attendance/", scheduling.appointment_attendance, name="appointment_attendance"
    ),
    path("sessions/<uuid:appointment_id>/move/", scheduling.appointment_move, name="appointment_move"),
    path("account/overview/", scheduling.my_overview, name="my_overview"),
    path("account/overview/<str:kind>.svg", scheduling.my_overview_chart, name="my_overview_chart"),
    path("account/calendar/", scheduling.calendar_settings, name="calendar_settings"),
    path("calendar/<str:secret>.ics", scheduling.calendar_feed, name="calendar_feed"),
    path("portal/sessions/", scheduling.portal_sessions, name="portal_sessions"),
    path("clients/<uuid:client_id>/measures/", measures.client_measures, name="client_measures"),
    path(
        "clients/<uuid:client_id>/measures/<str:instrument>.svg",
        measures.client_measure_chart,
        name="client_measure_chart",
    ),
    path("measures/<uuid:administration_id>/fhir.json", measures.administration_fhir, name="administration_fhir"),
    path("warnings/<uuid:warning_id>/acknowledge/", measures.warning_acknowledge_view, name="warning_acknowledge"),
    path("portal/questionnaires/", measures.portal_measures, name="portal_measures"),
    path("portal/questionnaires/<int:assignment_id>/", measures.portal_measure_fill, name="portal_measure_fill"),
    path("portal/sharing/", directives.portal_directives, name="portal_directives"),
    path(
        "portal/sharing/<uuid:directive_id>/withdraw/",
        directives.portal_directive_revoke,
        name="portal_directive_revoke",
    ),
    path(
        "portal/sharing/<uuid:directive_id>/consent.json",
        directives.portal_directive_fhir,
        name="portal_directive_fhir",
    ),
    path("accounts/", include("allauth.urls")),
    path("api/v1/docs", api_docs, name="api_docs"),  # before the API's own routes
    path("api/v1/", api.urls),
]
