"""Audit actions (pure), in ``scope:resource:action`` form."""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    SIGN_IN = "accounts:session:signin"
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
    TOKEN_CREATE = "api:token:create"
    TOKEN_REVOKE = "api:token:revoke"


class Channel(StrEnum):
    WEB = "web"
    API = "api"
    CLI = "cli"
    JOB = "job"  # a background task (reminders, re-encryption)
