"""Roles and permissions (pure). Permissions read ``scope:resource:action``.

A role grants permissions; whether a permission reaches a given client is decided by
the access funnel (``confide.clients.selectors``) from the care team.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OWNER = "owner"
    CLINICIAN = "clinician"
    SUPERVISOR = "supervisor"
    STAFF = "staff"
    CLIENT = "client"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Permission(StrEnum):
    PRACTICE_DASHBOARD_VIEW = "practice:dashboard:view"
    PRACTICE_SETTINGS_MANAGE = "practice:settings:manage"
    PRACTICE_MEMBER_MANAGE = "practice:member:manage"
    PRACTICE_CARETEAM_MANAGE = "practice:careteam:manage"
    PRACTICE_CLIENT_DIRECTORY = "practice:client:directory"
    PRACTICE_AUDIT_READ = "practice:audit:read"
    PRACTICE_AGREEMENT_MANAGE = "practice:agreement:manage"
    CLIENTS_CLIENT_CREATE = "clients:client:create"
    CLIENTS_CLIENT_READ = "clients:client:read"
    CLIENTS_CLIENT_INVITE = "clients:client:invite"
    RECORDS_NOTE_READ = "records:progress-note:read"
    RECORDS_NOTE_WRITE = "records:progress-note:write"
    RECORDS_PRIVATE_NOTE_WRITE = "records:psychotherapy-note:write"
    RECORDS_DOCUMENT_READ = "records:document:read"
    RECORDS_DOCUMENT_WRITE = "records:document:write"
    RECORDS_DISCLOSURE_CREATE = "records:disclosure:create"
    SCHEDULING_APPOINTMENT_MANAGE = "scheduling:appointment:manage"
    MEASURES_READ = "measures:administration:read"
    MEASURES_WRITE = "measures:administration:write"
    SCHEDULING_CALENDAR_FEED = "scheduling:calendar-feed:manage"
    PRACTICE_DISCLOSURE_APPROVE = "practice:disclosure:approve"
    CLIENTS_BREAKGLASS_OPEN = "clients:breakglass:open"
    PRACTICE_BREAKGLASS_REVIEW = "practice:breakglass:review"
    PRACTICE_HOLD_MANAGE = "practice:hold:manage"
    PORTAL_SELF_READ = "portal:self:read"
    PORTAL_AGREEMENT_SIGN = "portal:agreement:sign"
    PORTAL_DIRECTIVE_MANAGE = "portal:directive:manage"
    API_TOKEN_MANAGE = "api:token:manage"
    MESSAGING_THREAD_USE = "messaging:thread:use"  # a care-team seat's thread with its client
    PORTAL_MESSAGES_USE = "portal:messages:use"  # a client's thread with their care team
    PORTAL_JOURNAL_USE = "portal:journal:use"  # a client's own journal, sealed to their own mailbox


_CLINICAL_READ = frozenset({Permission.RECORDS_NOTE_READ, Permission.RECORDS_DOCUMENT_READ, Permission.MEASURES_READ})
_CLINICAL_WRITE = frozenset(
    {
        Permission.RECORDS_NOTE_WRITE,
        Permission.RECORDS_PRIVATE_NOTE_WRITE,
        Permission.RECORDS_DOCUMENT_WRITE,
        Permission.RECORDS_DISCLOSURE_CREATE,
        Permission.SCHEDULING_APPOINTMENT_MANAGE,
        Permission.MEASURES_WRITE,
    }
)
# Consultation and emergency access belong to every clinical role (never to staff or clients).
_CLINICAL_DUTY = frozenset(
    {
        Permission.PRACTICE_DISCLOSURE_APPROVE,
        Permission.CLIENTS_BREAKGLASS_OPEN,
        Permission.SCHEDULING_CALENDAR_FEED,
        Permission.MESSAGING_THREAD_USE,
    }
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    # Owners run the practice: they see the client directory to assign care teams, but
    # read a client's record only when they are on that client's care team themselves.
    Role.OWNER: frozenset(
        {
            Permission.PRACTICE_DASHBOARD_VIEW,
            Permission.PRACTICE_SETTINGS_MANAGE,
            Permission.PRACTICE_MEMBER_MANAGE,
            Permission.PRACTICE_CARETEAM_MANAGE,
            Permission.PRACTICE_CLIENT_DIRECTORY,
            Permission.PRACTICE_AUDIT_READ,
            Permission.PRACTICE_AGREEMENT_MANAGE,
            Permission.PRACTICE_BREAKGLASS_REVIEW,
            Permission.PRACTICE_HOLD_MANAGE,
            Permission.CLIENTS_CLIENT_CREATE,
            Permission.CLIENTS_CLIENT_READ,
            Permission.CLIENTS_CLIENT_INVITE,
            Permission.API_TOKEN_MANAGE,
        }
    )
    | _CLINICAL_READ
    | _CLINICAL_WRITE
    | _CLINICAL_DUTY,
    Role.CLINICIAN: frozenset(
        {
            Permission.PRACTICE_DASHBOARD_VIEW,
            Permission.CLIENTS_CLIENT_CREATE,
            Permission.CLIENTS_CLIENT_READ,
            Permission.CLIENTS_CLIENT_INVITE,
            Permission.API_TOKEN_MANAGE,
        }
    )
    | _CLINICAL_READ
    | _CLINICAL_WRITE
    | _CLINICAL_DUTY,
    Role.SUPERVISOR: frozenset(
        {Permission.PRACTICE_DASHBOARD_VIEW, Permission.CLIENTS_CLIENT_READ, Permission.API_TOKEN_MANAGE}
    )
    | _CLINICAL_READ
    | _CLINICAL_DUTY,
    # Front-desk staff arrive with scheduling; until then they sign in and see no client.
    Role.STAFF: frozenset({Permission.PRACTICE_DASHBOARD_VIEW}),
    Role.CLIENT: frozenset(
        {
            Permission.PORTAL_SELF_READ,
            Permission.PORTAL_AGREEMENT_SIGN,
            Permission.PORTAL_DIRECTIVE_MANAGE,
            Permission.PORTAL_MESSAGES_USE,
            Permission.PORTAL_JOURNAL_USE,
        }
    ),
}

# Permissions whose reach is one client, granted only through the care team.
_TREATING = (
    frozenset({Permission.CLIENTS_CLIENT_READ, Permission.CLIENTS_CLIENT_INVITE}) | _CLINICAL_READ | _CLINICAL_WRITE
)

# What a care-team role may do for its client. A supervisor reads the record, never writes
# it, and never reads psychotherapy notes (no one but their author does).
CARE_TEAM_ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "primary": _TREATING | {Permission.MESSAGING_THREAD_USE},
    "clinician": _TREATING | {Permission.MESSAGING_THREAD_USE},
    "supervisor": frozenset({Permission.CLIENTS_CLIENT_READ, Permission.MESSAGING_THREAD_USE}) | _CLINICAL_READ,
    # A time-limited break-glass grant (not a seat): read the record in an emergency, nothing more.
    "emergency": frozenset({Permission.CLIENTS_CLIENT_READ}) | _CLINICAL_READ,
}


def role_has(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]
