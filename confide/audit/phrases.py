"""What a client reads in their history: plain words for each action and role, and the groups they can
filter by (pure: no Django)."""

from __future__ import annotations

from confide.audit.actions import AuditAction

PHRASES: dict[str, str] = {
    AuditAction.SIGN_IN_PAUSE_LIFT: "lifted the pause on signing in to your portal",
    AuditAction.CLIENT_CREATE: "created your record",
    AuditAction.CLIENT_READ: "opened your record",
    AuditAction.CLIENT_LIST: "saw your name in a list of clients",
    AuditAction.CLIENT_INVITE: "invited you to this portal",
    AuditAction.CLIENT_PORTAL_READ: "opened your portal",
    AuditAction.INVITATION_ACCEPT: "accepted the portal invitation",
    AuditAction.CARETEAM_ADD: "added someone to your care team",
    AuditAction.CARETEAM_REMOVE: "removed someone from your care team",
    AuditAction.NOTE_CREATE: "wrote a progress note",
    AuditAction.NOTE_UPDATE: "edited a draft progress note",
    AuditAction.NOTE_READ: "read a progress note",
    AuditAction.NOTE_SIGN: "signed a progress note",
    AuditAction.NOTE_AMEND: "amended a progress note",
    AuditAction.PN_CREATE: "wrote a private process note (readable only by its author)",
    AuditAction.PN_READ: "re-read their own private process note",
    AuditAction.DOCUMENT_UPLOAD: "added a document",
    AuditAction.DOCUMENT_READ: "opened a document",
    AuditAction.ESCROW_OPEN: "used emergency access to private notes",
    AuditAction.CLIENT_KEY_ROTATE: "renewed the encryption key of your record",
    AuditAction.CLIENT_REENCRYPT: "re-encrypted your record under the new key",
    AuditAction.CLIENT_SHRED: "destroyed the encryption key of your record",
    AuditAction.AGREEMENT_READ: "opened an agreement to read it",
    AuditAction.AGREEMENT_SIGN: "signed an agreement",
    AuditAction.AGREEMENT_DOWNLOAD: "downloaded a signed agreement or its receipt",
    AuditAction.CONSENT_REMIND: "sent a reminder to review your agreement",
    AuditAction.DIRECTIVE_GRANT: "gave permission to share information",
    AuditAction.DIRECTIVE_REVOKE: "withdrew a permission to share information",
    AuditAction.DIRECTIVE_EXPORT: "exported a sharing permission",
    AuditAction.DISCLOSURE_REQUEST: "prepared a disclosure the law allows or requires",
    AuditAction.DISCLOSURE_READ: "read a prepared disclosure",
    AuditAction.DISCLOSURE_DECIDE: "reviewed a disclosure as a second clinician",
    AuditAction.DISCLOSURE_RELEASE: "disclosed information (see your accounting of disclosures)",
    AuditAction.DISCLOSURE_NOTICE: "sent you a notice about a disclosure",
    AuditAction.DISCLOSURE_WITHHOLDING_END: "decided you can now be told about a disclosure",
    AuditAction.ACCOUNTING_READ: "read your accounting of disclosures",
    AuditAction.ACCOUNTING_CORRECT: "corrected an entry in your accounting of disclosures",
    AuditAction.BREAKGLASS_OPEN: "opened your record in an emergency (break-glass access)",
    AuditAction.BREAKGLASS_REVIEW: "reviewed an emergency access to your record",
    AuditAction.HOLD_PLACE: "placed a legal hold on your record",
    AuditAction.HOLD_RELEASE: "released a legal hold on your record",
    AuditAction.APPOINTMENT_CREATE: "scheduled a session with you",
    AuditAction.APPOINTMENT_UPDATE: "updated a session (time or attendance)",
    AuditAction.APPOINTMENT_CHANGE_REQUEST: "asked to change a session",
    AuditAction.APPOINTMENT_REMIND: "sent you a session reminder",
    AuditAction.MEASURE_ASSIGN: "asked you to fill in a questionnaire",
    AuditAction.MEASURE_RECORD: "recorded a questionnaire",
    AuditAction.MEASURE_READ: "looked at your questionnaire results",
    AuditAction.WARNING_ACKNOWLEDGE: "reviewed an alert from your questionnaire results",
    AuditAction.SEAL_LIFT: "showed you entries the law allowed the practice to hold back until now",
    AuditAction.MAILBOX_PUBLISH: "set up a key for secure messages",
    AuditAction.MAILBOX_RETIRE: "replaced a key for secure messages",
    AuditAction.DEVICE_ADD: "added a new device to your messages",
    AuditAction.DEVICE_REMOVE: "removed a device from your messages",
    AuditAction.MESSAGE_RECIPIENTS: "changed who your messages are sealed to",
    AuditAction.MESSAGE_SEND: "sent a message in your thread",
    AuditAction.MESSAGE_READ: "opened messages in your thread",
    AuditAction.MESSAGE_SHARE: "let someone who joined your thread later read its earlier messages",
    AuditAction.MESSAGE_FILE: "filed a message of your thread into your record",
    AuditAction.MESSAGE_NOTIFY: "e-mailed you that a secure message is waiting (a link, no words of it)",
    AuditAction.ATTACHMENT_UPLOAD: "attached a sealed file to a message in your thread",
    AuditAction.ATTACHMENT_READ: "downloaded a sealed file from your thread",
    AuditAction.ATTACHMENT_DISCARD: "deleted a sealed file that was attached but never sent",
    AuditAction.JOURNAL_WRITE: "wrote an entry in your private journal",
    AuditAction.JOURNAL_READ: "opened your private journal",
    AuditAction.JOURNAL_DELETE: "deleted an entry from your private journal",
}
ROLES = {
    "owner": "practice owner",
    "clinician": "clinician",
    "supervisor": "clinical supervisor",
    "staff": "practice staff",
    "client": "you",
    "operator": "system administrator",
}


# What a client can filter by: plain groups of actions.
KINDS: dict[str, tuple[str, tuple[AuditAction, ...]]] = {
    "read": (
        "Looked at your record",
        (
            AuditAction.CLIENT_READ, AuditAction.CLIENT_LIST, AuditAction.NOTE_READ, AuditAction.PN_READ,
            AuditAction.DOCUMENT_READ, AuditAction.AGREEMENT_READ, AuditAction.MEASURE_READ,
            AuditAction.DISCLOSURE_READ, AuditAction.ACCOUNTING_READ, AuditAction.CLIENT_PORTAL_READ,
        ),
    ),
    "wrote": (
        "Wrote or changed your record",
        (
            AuditAction.CLIENT_CREATE, AuditAction.NOTE_CREATE, AuditAction.NOTE_UPDATE, AuditAction.NOTE_SIGN,
            AuditAction.NOTE_AMEND, AuditAction.PN_CREATE, AuditAction.DOCUMENT_UPLOAD, AuditAction.MEASURE_RECORD,
            AuditAction.MEASURE_ASSIGN, AuditAction.WARNING_ACKNOWLEDGE,
        ),
    ),
    "shared": (
        "Sharing and disclosures",
        (
            AuditAction.DIRECTIVE_GRANT, AuditAction.DIRECTIVE_REVOKE, AuditAction.DIRECTIVE_EXPORT,
            AuditAction.DISCLOSURE_REQUEST, AuditAction.DISCLOSURE_DECIDE, AuditAction.DISCLOSURE_RELEASE,
            AuditAction.DISCLOSURE_NOTICE, AuditAction.ACCOUNTING_CORRECT, AuditAction.AGREEMENT_DOWNLOAD,
            AuditAction.SEAL_LIFT, AuditAction.DISCLOSURE_WITHHOLDING_END,
        ),
    ),
    "messages": (
        "Messages and their keys",
        (
            AuditAction.MAILBOX_PUBLISH, AuditAction.MAILBOX_RETIRE, AuditAction.DEVICE_ADD,
            AuditAction.DEVICE_REMOVE, AuditAction.MESSAGE_RECIPIENTS, AuditAction.MESSAGE_SEND,
            AuditAction.MESSAGE_READ, AuditAction.MESSAGE_SHARE, AuditAction.MESSAGE_FILE, AuditAction.MESSAGE_NOTIFY,
            AuditAction.ATTACHMENT_UPLOAD, AuditAction.ATTACHMENT_READ, AuditAction.ATTACHMENT_DISCARD,
            AuditAction.JOURNAL_WRITE, AuditAction.JOURNAL_READ, AuditAction.JOURNAL_DELETE,
        ),
    ),
    "emergency": (
        "Emergency access, holds and keys",
        (
            AuditAction.BREAKGLASS_OPEN, AuditAction.BREAKGLASS_REVIEW, AuditAction.ESCROW_OPEN,
            AuditAction.HOLD_PLACE, AuditAction.HOLD_RELEASE, AuditAction.CLIENT_KEY_ROTATE,
            AuditAction.CLIENT_REENCRYPT, AuditAction.CLIENT_SHRED,
        ),
    ),
}  # fmt: skip


# The same thing done several times in a line: {n} is how many (notes shown, or entries in the line).
PLURALS: dict[str, str] = {
    AuditAction.NOTE_READ: "read {n} of your progress notes",
    AuditAction.PN_READ: "re-read {n} of their own private process notes",
    AuditAction.CLIENT_READ: "opened your record {n} times",
    AuditAction.CLIENT_LIST: "saw your name in a list of clients {n} times",
    AuditAction.CLIENT_PORTAL_READ: "opened your portal {n} times",
    AuditAction.DOCUMENT_READ: "opened {n} documents",
    AuditAction.MEASURE_READ: "looked at your questionnaire results {n} times",
    AuditAction.AGREEMENT_READ: "opened an agreement to read it {n} times",
    AuditAction.ACCOUNTING_READ: "read your accounting of disclosures {n} times",
    AuditAction.APPOINTMENT_REMIND: "sent you {n} session reminders",
    AuditAction.DISCLOSURE_READ: "read a prepared disclosure {n} times",
    AuditAction.MESSAGE_READ: "opened messages in your thread {n} times",
    AuditAction.MESSAGE_SEND: "sent {n} messages in your thread",
    AuditAction.ATTACHMENT_READ: "downloaded {n} sealed files from your thread",
    AuditAction.JOURNAL_READ: "opened your private journal {n} times",
    AuditAction.JOURNAL_WRITE: "wrote {n} entries in your private journal",
}


def phrase(action: str, n: int = 1) -> str:
    """What was done, in plain words, ``n`` times."""
    one = PHRASES.get(action, "did something else with your record")
    if n == 1:
        return one
    return PLURALS[action].format(n=n) if action in PLURALS else f"{one} ({n} times)"


def reason(purpose: str) -> str:
    """A purpose in words: a rule pack's rule id becomes what it means to the client."""
    if "." in purpose and " " not in purpose:
        return "a reason the law allows or requires"
    return purpose
