"""Audit actions (pure), in ``scope:resource:action`` form."""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    SIGN_IN = "accounts:session:signin"
    SIGN_IN_PAUSE_LIFT = "accounts:pause:lift"  # an owner lifted a sign-in lockout early
    CLIENT_CREATE = "clients:client:create"
    CLIENT_READ = "clients:client:read"
    CLIENT_LIST = "clients:client:list"
    CLIENT_INVITE = "clients:client:invite"
    CLIENT_PORTAL_READ = "portal:self:read"
    INVITATION_ACCEPT = "invitations:invitation:accept"
    CARETEAM_ADD = "practice:careteam:add"
    CARETEAM_REMOVE = "practice:careteam:remove"
    MEMBER_ADD = "practice:member:add"
    MEMBER_ROLE_CHANGE = "practice:member:role"
    MEMBER_DEACTIVATE = "practice:member:deactivate"
    NOTE_CREATE = "records:progress-note:create"
    NOTE_UPDATE = "records:progress-note:update"
    NOTE_READ = "records:progress-note:read"
    NOTE_SIGN = "records:progress-note:sign"
    NOTE_AMEND = "records:progress-note:amend"
    PN_CREATE = "records:psychotherapy-note:create"
    PN_READ = "records:psychotherapy-note:read"
    DOCUMENT_UPLOAD = "records:document:upload"
    DOCUMENT_READ = "records:document:read"
    AUTHOR_KEY_ENROL = "vault:author-key:enrol"
    AUTHOR_KEY_RECOVER = "vault:author-key:recover"
    AUTHOR_KEY_RESET = "vault:author-key:reset"
    ESCROW_OPEN = "vault:escrow:open"
    MASTER_KEY_ROTATE = "vault:master-key:rotate"
    LOG_RESTORE = "audit:log:restore"
    SEAL_LIFT = "audit:seal:lift"  # entries the law let the practice hold back are shown to the client
    CLIENT_KEY_ROTATE = "vault:client-key:rotate"
    CLIENT_REENCRYPT = "vault:client-key:reencrypt"
    CLIENT_SHRED = "vault:client:shred"
    JURISDICTION_SET = "practice:jurisdiction:set"
    AGREEMENT_PUBLISH = "consent:agreement:publish"
    AGREEMENT_READ = "consent:agreement:read"
    AGREEMENT_SIGN = "consent:agreement:sign"
    AGREEMENT_DOWNLOAD = "consent:agreement:download"
    CONSENT_REMIND = "consent:reminder:send"
    DIRECTIVE_GRANT = "consent:directive:grant"
    DIRECTIVE_REVOKE = "consent:directive:revoke"
    DIRECTIVE_EXPORT = "consent:directive:export"
    DISCLOSURE_REQUEST = "disclosures:request:create"
    DISCLOSURE_READ = "disclosures:request:read"
    DISCLOSURE_DECIDE = "disclosures:request:decide"
    DISCLOSURE_RELEASE = "disclosures:disclosure:release"
    DISCLOSURE_NOTICE = "disclosures:notice:send"
    DISCLOSURE_WITHHOLDING_END = "disclosures:notice:end-withholding"
    ACCOUNTING_READ = "disclosures:accounting:read"
    ACCOUNTING_CORRECT = "disclosures:accounting:correct"
    BREAKGLASS_OPEN = "clients:breakglass:open"
    BREAKGLASS_REVIEW = "clients:breakglass:review"
    HOLD_PLACE = "clients:hold:place"
    HOLD_RELEASE = "clients:hold:release"
    APPOINTMENT_CREATE = "scheduling:appointment:create"
    APPOINTMENT_UPDATE = "scheduling:appointment:update"
    APPOINTMENT_CHANGE_REQUEST = "scheduling:appointment:change-request"
    APPOINTMENT_REMIND = "scheduling:appointment:remind"
    CALENDAR_FEED_CREATE = "scheduling:calendar-feed:create"
    CALENDAR_FEED_REVOKE = "scheduling:calendar-feed:revoke"
    CALENDAR_FEED_READ = "scheduling:calendar-feed:read"
    MEASURE_ASSIGN = "measures:assignment:create"
    MEASURE_RECORD = "measures:administration:create"
    MEASURE_READ = "measures:administration:read"
    WARNING_ACKNOWLEDGE = "measures:warning:acknowledge"
    MAILBOX_PUBLISH = "messaging:mailbox:publish"  # object_id: the mailbox's key id (key transparency)
    MAILBOX_RETIRE = "messaging:mailbox:retire"
    DEVICE_ADD = "messaging:device:add"  # object_id: the device id; the client's history shows it
    DEVICE_REMOVE = "messaging:device:remove"
    MESSAGE_RECIPIENTS = "messaging:thread:recipients"  # object_ids: every key id a thread's messages are sealed to
    MESSAGE_SEND = "messaging:message:send"
    MESSAGE_READ = "messaging:message:read"
    MESSAGE_SHARE = "messaging:message:share"  # object_id: the key id given the earlier messages; purpose: how many
    MESSAGE_FILE = "messaging:message:file"  # its words filed into the record, as a document: the one deliberate point
    MESSAGE_NOTIFY = "messaging:message:notify"  # an e-mail that a message waits: a link, no words of it
    ATTACHMENT_UPLOAD = "messaging:attachment:upload"  # sealed in the browser; linked to its message when sent
    ATTACHMENT_READ = "messaging:attachment:read"
    ATTACHMENT_DISCARD = "messaging:attachment:discard"  # uploaded, never sent, deleted a day later
    JOURNAL_WRITE = "journal:entry:write"  # sealed to the client's own mailbox: nobody at the practice opens it
    JOURNAL_READ = "journal:entry:read"
    JOURNAL_DELETE = "journal:entry:delete"
    TOKEN_CREATE = "api:token:create"
    TOKEN_REVOKE = "api:token:revoke"


class Channel(StrEnum):
    WEB = "web"
    API = "api"
    CLI = "cli"
    JOB = "job"  # a background task (reminders, re-encryption)
