"""Audit actions (pure), in ``scope:resource:action`` form."""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
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
    TOKEN_CREATE = "api:token:create"
    TOKEN_REVOKE = "api:token:revoke"


class Channel(StrEnum):
    WEB = "web"
    API = "api"
    CLI = "cli"
