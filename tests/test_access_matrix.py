"""Every URL pattern, judged for every member of the cast.

A new view cannot ship without a rule here: ``test_every_url_has_a_rule`` fails on
any pattern it does not know. Each request runs in a rolled-back savepoint, so one
person's write does not change what the next one sees.

Whatever the status, every body is read for the clients' secrets: each client's name,
progress-note text, document text and the author's psychotherapy-note text. A person may
find only what ``SEES`` grants them (plus what a rule's ``also_sees`` grants on that page);
Chris is signed in *with his author key unlocked*, so a page that leaked his private notes
to anyone else, or kept them in a cache another session reads, fails here.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from confide.audit.actions import Channel
from confide.breakglass.models import Grant
from confide.breakglass.services import breakglass_open
from confide.holds.services import hold_place
from confide.invitations.models import Invitation
from confide.invitations.services import invitation_for_client_create
from confide.measures.services import assignment_create
from confide.records.private_notes import private_note_create
from confide.records.progress import progress_note_create
from confide.scheduling.calendar import feed_create
from confide.scheduling.services import series_create
from confide.tokens.services import token_create, token_scopes_for
from tests.cast import PASSWORD, Cast
from tests.consent.helpers import grant, sign
from tests.disclosures.helpers import prepare, released
from tests.measures.helpers import record

PEOPLE = ("anonymous", "owner", "clinician", "colleague", "supervisor", "staff", "client", "outsider")
LOGIN = "login"  # redirected to the sign-in page
SELF = "self"  # the person's own account page: any non-error status, and no client data in it


def everyone(value: int | str) -> dict[str, int | str]:
    return dict.fromkeys(PEOPLE, value)


def only(value: int | str, *who: str, others: int | str = 404, anonymous: int | str = LOGIN) -> dict[str, int | str]:
    result = dict.fromkeys(PEOPLE, others)
    result["anonymous"] = anonymous
    result.update(dict.fromkeys(who, value))
    return result


@dataclass(frozen=True)
class Rule:
    expect: dict[str, int | str]
    method: str = "GET"
    kwargs: Callable[[Cast], dict[str, Any]] = lambda cast: {}
    data: dict[str, Any] = field(default_factory=dict)
    api: bool = False
    query: dict[str, Any] = field(default_factory=dict)
    also_sees: dict[str, frozenset[str]] = field(default_factory=dict)  # person -> secrets this page may show


THREAD = ("client", "clinician", "supervisor")
MESSAGING = ("client", "owner", "clinician", "colleague", "supervisor", "outsider")
# A script's JSON endpoints tell a signed-out caller so as a problem document (401), not with a page.


def _thread(cast: Cast) -> dict[str, Any]:
    return {"client_id": cast.client.id}


def _message(cast: Cast) -> dict[str, Any]:
    return {"client_id": cast.client.id, "message_id": uuid.UUID(int=7)}


def _target(cast: Cast) -> dict[str, Any]:
    return {"client_id": cast.client.id, "target": "0" * 32}


def _file(cast: Cast) -> dict[str, Any]:
    return {"client_id": cast.client.id, "file_id": uuid.UUID(int=7)}


def _invitation_token(cast: Cast) -> str:
    invitation = invitation_for_client_create(
        actor=cast.colleague, client=cast.other_client, link_base="http://testserver/invitations/", channel=Channel.CLI
    )
    # Re-issue with a known secret: the service only ever returns it inside the e-mail.
    import hashlib

    Invitation.objects.filter(pk=invitation.pk).update(secret_hash=hashlib.sha256(b"s3cret").digest())
    return f"{invitation.id.hex}.s3cret"


def _outsider_key(cast: Cast) -> int:
    return int(Authenticator.objects.filter(user=cast.outsider.user).values_list("pk", flat=True)[0])


def _token_id(cast: Cast) -> dict[str, Any]:
    token, _ = token_create(
        actor=cast.clinician, name="matrix", scopes=["clients:client:read"], days=None, channel=Channel.CLI
    )
    return {"token_id": token.id}


def _seat(cast: Cast) -> dict[str, Any]:
    return {"seat_id": cast.client.care_team.get(member=cast.supervisor).pk}


def _grant(cast: Cast) -> dict[str, Any]:
    reason = "Crisis call; the treating clinician is away today."
    breakglass_open(member=cast.colleague, client_number="C-00001", reason=reason, channel=Channel.CLI)
    return {"grant_id": Grant.objects.get(member=cast.colleague).id}


def _hold(cast: Cast) -> dict[str, Any]:
    hold = hold_place(actor=cast.owner, client=cast.client, reason="Court order 26-CV-0042", channel=Channel.CLI)
    return {"hold_id": hold.id}


def _appointment(cast: Cast) -> dict[str, Any]:
    start = timezone.now() - dt.timedelta(hours=2)
    series = series_create(
        actor=cast.clinician, client=cast.client, first_start=start, cadence_days=7, count=1, channel=Channel.CLI
    )
    return {"appointment_id": series.appointments.get().id}


def _warning(cast: Cast) -> dict[str, Any]:
    _, [warning] = record(cast, "phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1])
    return {"warning_id": warning.id}


def _assignment(cast: Cast) -> dict[str, Any]:
    return {
        "assignment_id": assignment_create(
            actor=cast.clinician, client=cast.client, instrument="phq9", channel=Channel.CLI
        ).id
    }


# The owner's directory: the names of the practice's clients, never their records.
DIRECTORY = {"owner": frozenset({"jordan name", "aisha name"})}
API_READERS = only(200, "owner", "clinician", "colleague", "supervisor", "outsider", others=401, anonymous=401)
MANAGERS = ("owner", "clinician", "colleague", "supervisor", "outsider")

RULES: dict[str, Rule] = {
    "home": Rule({**everyone(302), "anonymous": 302}),
    "healthz": Rule(everyone(200)),
    "favicon": Rule(everyone(301)),
    "dashboard": Rule(only(200, "owner", "clinician", "colleague", "supervisor", "staff", "outsider")),
    "client_list": Rule(only(200, *MANAGERS)),
    "client_new": Rule(only(200, "owner", "clinician", "colleague", "outsider")),
    "client_detail": Rule(only(200, "clinician", "supervisor"), kwargs=lambda c: {"client_id": c.client.id}),
    "client_invite": Rule(only(302, "clinician"), method="POST", kwargs=lambda c: {"client_id": c.client.id}),
    "practice_settings": Rule(only(200, "owner", "outsider")),
    "member_role": Rule(
        only(302, "owner"), method="POST", kwargs=lambda c: {"member_id": c.clinician.id}, data={"role": "clinician"}
    ),
    "sign_in_pauses": Rule(only(200, "owner", "outsider")),
    # no one's own membership is in a fixed form: everyone is refused (tests/practices/test_switch.py switches)
    "practice_switch": Rule(only(404), method="POST", data={"member": "00000000-0000-0000-0000-000000000000"}),
    "sign_in_pause_lift": Rule(only(302, "owner"), method="POST", kwargs=lambda c: {"member_id": c.clinician.id}),
    "careteam_index": Rule(only(200, "owner", "outsider"), also_sees=DIRECTORY),
    "careteam_client": Rule(only(200, "owner"), kwargs=lambda c: {"client_id": c.client.id}, also_sees=DIRECTORY),
    "careteam_remove": Rule(only(302, "owner"), method="POST", kwargs=_seat),
    "token_list": Rule(only(200, *MANAGERS)),
    "token_revoke": Rule(only(302, "clinician"), method="POST", kwargs=_token_id),
    "invitation_accept": Rule(everyone(200), kwargs=lambda c: {"token": _invitation_token(c)}),
    "portal_home": Rule(only(200, "client")),
    "portal_history": Rule(only(200, "client")),
    "portal_agreements": Rule(only(200, "client")),
    "portal_agreement_sign": Rule(only(200, "client")),
    "portal_agreement_done": Rule(only(200, "client"), kwargs=lambda c: {"signature_id": sign(c).id}),
    "portal_signature_pdf": Rule(only(200, "client"), kwargs=lambda c: {"signature_id": sign(c).id}),
    "portal_receipt_pdf": Rule(only(200, "client"), kwargs=lambda c: {"signature_id": sign(c).id}),
    "portal_receipt_json": Rule(only(200, "client"), kwargs=lambda c: {"signature_id": sign(c).id}),
    "portal_directives": Rule(only(200, "client")),
    "portal_directive_revoke": Rule(only(302, "client"), method="POST", kwargs=lambda c: {"directive_id": grant(c).id}),
    "portal_directive_fhir": Rule(only(200, "client"), kwargs=lambda c: {"directive_id": grant(c).id}),
    "portal_accounting": Rule(only(200, "client")),
    "portal_accounting_pdf": Rule(only(200, "client")),
    "disclosure_new": Rule(only(200, "clinician"), kwargs=lambda c: {"client_id": c.client.id}),
    # The author and any clinician who may approve (consultation) open a disclosure; each read is audited.
    "disclosure_detail": Rule(
        only(200, "clinician", "owner", "colleague", "supervisor"), kwargs=lambda c: {"request_id": prepare(c).id}
    ),
    "disclosure_summary_pdf": Rule(
        only(200, "clinician", "owner", "colleague", "supervisor"), kwargs=lambda c: {"request_id": released(c).id}
    ),
    # Only the deciding clinician (Chris) or the owner records an agency's suspension.
    "accounting_suspend": Rule(
        only(302, "clinician", "owner"),
        method="POST",
        kwargs=lambda c: {"request_id": released(c).id},
        data={"until": "2030-01-01", "statement": "Agency Canary asked in writing."},
    ),
    "disclosure_withholding_end": Rule(
        only(302, "clinician", "owner"),
        method="POST",
        kwargs=lambda c: {
            "request_id": released(
                c, situation="child_abuse_report", notice="withheld", notice_reason="It would endanger the child."
            ).id
        },
    ),
    "disclosure_task_done": Rule(
        only(302, "clinician"), method="POST", kwargs=lambda c: {"task_id": released(c).tasks.get().id}
    ),
    "breakglass_new": Rule(only(200, "owner", "clinician", "colleague", "supervisor", "outsider")),
    "breakglass_reviews": Rule(only(200, "owner", "outsider")),
    "breakglass_review": Rule(
        only(302, "owner"), method="POST", kwargs=_grant, data={"justified": "yes", "note": "Needed."}
    ),
    "holds": Rule(only(200, "owner", "outsider"), also_sees=DIRECTORY),
    "hold_release": Rule(only(302, "owner"), method="POST", kwargs=_hold, data={"release_reason": "Case closed now."}),
    "client_sessions": Rule(only(200, "clinician"), kwargs=lambda c: {"client_id": c.client.id}),
    "appointment_attendance": Rule(
        only(302, "clinician"), method="POST", kwargs=_appointment, data={"status": "attended"}
    ),
    "appointment_move": Rule(
        only(302, "clinician"), method="POST", kwargs=_appointment, data={"start_at": "2030-01-07T10:00"}
    ),
    "my_overview": Rule(only(200, "owner", "clinician", "colleague", "outsider")),
    "my_overview_chart": Rule(
        only(200, "owner", "clinician", "colleague", "outsider"), kwargs=lambda c: {"kind": "alliance"}
    ),
    "calendar_settings": Rule(only(200, "owner", "clinician", "colleague", "supervisor", "outsider")),
    # The secret in the URL is the credential (for calendar apps): whoever holds it reads the feed.
    "calendar_feed": Rule(
        {**everyone(200), "anonymous": 200},
        kwargs=lambda c: {"secret": feed_create(member=c.clinician, channel=Channel.CLI)},
    ),
    "portal_sessions": Rule(only(200, "client")),
    "client_measures": Rule(only(200, "clinician", "supervisor"), kwargs=lambda c: {"client_id": c.client.id}),
    "client_measure_chart": Rule(
        only(200, "clinician", "supervisor"), kwargs=lambda c: {"client_id": c.client.id, "instrument": "phq9"}
    ),
    "administration_fhir": Rule(
        only(200, "clinician", "supervisor"), kwargs=lambda c: {"administration_id": record(c, "gad7", [1] * 7)[0].id}
    ),
    "warning_acknowledge": Rule(
        only(302, "clinician", "supervisor"), method="POST", kwargs=_warning, data={"note": "Seen."}
    ),
    "portal_measures": Rule(only(200, "client")),
    "portal_measure_fill": Rule(only(200, "client"), kwargs=_assignment),
    "practice_agreements": Rule(only(200, "owner", "outsider")),
    "member_licence": Rule(
        only(302, "owner"),
        method="POST",
        kwargs=lambda c: {"member_id": c.clinician.id},
        data={"licence_jurisdiction": "us-ca"},
    ),
    "practice_audit": Rule(only(200, "owner", "outsider")),
    "my_activity": Rule(only(200, "owner", "clinician", "colleague", "supervisor", "staff", "outsider")),
    "log_checkpoint": Rule(API_READERS, api=True),
    # Entries 0 and 1 publish the practice's first agreements; entry 2 is Chris creating Jordan's record:
    # his own entry, and the owner may see any.
    "log_inclusion": Rule(API_READERS | {"colleague": 404, "supervisor": 404}, api=True, query={"index": 2}),
    "log_consistency": Rule(API_READERS, api=True, query={"old": 1}),
    "portal_history_proofs": Rule(only(200, "client")),
    # Messages: a thread is Jordan's and the seats of his team that carry messaging; keys are anyone's who
    # may message at all (each their own). Bodies here are public keys and ciphertext only.
    "messaging_thread": Rule(only(200, *THREAD), kwargs=_thread),
    "messaging_recipients": Rule(only(200, *THREAD, anonymous=401), kwargs=_thread),
    "messaging_list": Rule(only(204, *THREAD, anonymous=401), kwargs=_thread),
    "messaging_send": Rule(only(400, *THREAD, anonymous=401), method="POST", kwargs=_thread, data={"context": "x"}),
    "messaging_mailbox": Rule(only(200, *MESSAGING, anonymous=401)),
    "messaging_publish": Rule(only(400, *MESSAGING, anonymous=401), method="POST", data={"receive": "x"}),
    "messaging_device_add": Rule(only(400, *MESSAGING, anonymous=401), method="POST", data={"public": "x"}),
    "messaging_device": Rule(only(404, anonymous=401), kwargs=lambda c: {"device_id": "0" * 32}),
    "messaging_pairing_offer": Rule(only(400, *MESSAGING, anonymous=401), method="POST", data={"sealed": "x"}),
    "messaging_pairing": Rule(only(404, anonymous=401)),
    "messaging_file_upload": Rule(only(415, *THREAD, anonymous=401), method="POST", kwargs=_file, data={"x": "y"}),
    "messaging_file": Rule(only(404, anonymous=401), kwargs=_file),  # no such file: the same answer for all
    "messaging_file_into": Rule(
        only(404, anonymous=401), method="POST", kwargs=_message, data={"key": "x"}
    ),  # no such message
    "messaging_unshared": Rule(only(200, *THREAD, anonymous=401), kwargs=_thread),
    "messaging_shareable": Rule(only(400, *THREAD, anonymous=401), kwargs=_target),  # no such person in the thread
    "messaging_share": Rule(only(400, *THREAD, anonymous=401), method="POST", kwargs=_target, data={"shares": "x"}),
    "portal_journal": Rule(only(200, "client")),
    "journal_entries": Rule(only(200, "client", anonymous=401)),
    "journal_write": Rule(only(400, "client", anonymous=401), method="POST", data={"context": "x"}),
    "journal_delete": Rule(only(404, anonymous=401), method="POST", kwargs=lambda c: {"entry_id": uuid.UUID(int=7)}),
    # Clinical records: the treating clinician writes; the supervisor on the team reads.
    "note_new": Rule(only(200, "clinician"), kwargs=lambda c: {"client_id": c.client.id}),
    "note_edit": Rule(only(200, "clinician"), kwargs=lambda c: {"client_id": c.client.id, "note_id": c.note.id}),
    "note_amend": Rule(only(200, "clinician"), kwargs=lambda c: {"client_id": c.client.id, "note_id": c.note.id}),
    "note_sign": Rule(
        only(302, "clinician"), method="POST", kwargs=lambda c: {"client_id": c.client.id, "note_id": c.note.id}
    ),
    "document_new": Rule(only(200, "clinician"), kwargs=lambda c: {"client_id": c.client.id}),
    "document_download": Rule(
        only(200, "clinician", "supervisor"), kwargs=lambda c: {"client_id": c.client.id, "document_id": c.document.id}
    ),
    # Psychotherapy notes: only their author, never the supervisor or the owner.
    "private_notes": Rule(only(200, "clinician"), kwargs=lambda c: {"client_id": c.client.id}),
    "private_setup": Rule(only(200, "owner", "colleague", "outsider") | {"clinician": 302}),
    "private_unlock": Rule(only(302, "owner", "colleague", "outsider") | {"clinician": 200}),
    "private_lock": Rule(only(302, "owner", "clinician", "colleague", "outsider"), method="POST"),
    "private_reset": Rule(only(200, "owner", "clinician", "colleague", "outsider")),
    # API: a bearer token per person (clients and staff cannot hold one, so they are 401).
    "openapi-json": Rule(everyone(200), api=True),
    "api_docs": Rule(everyone(200)),
    "api-root": Rule(everyone(404), api=True),
    "clients_list": Rule(API_READERS, api=True),
    "clients_search": Rule(API_READERS, method="POST", data={"q": "jor"}, api=True),
    "clients_lookup": Rule(API_READERS, method="POST", data={"field": "number", "value": "C-00001"}, api=True),
    "clients_read": Rule(
        only(200, "clinician", "supervisor", others=404, anonymous=401) | {"client": 401, "staff": 401},
        kwargs=lambda c: {"client_id": c.client.id},
        api=True,
    ),
    "disclosures_list": Rule(
        only(200, "clinician", "supervisor", others=404, anonymous=401) | {"client": 401, "staff": 401},
        kwargs=lambda c: {"client_id": c.client.id},
        api=True,
    ),
    "clients_create": Rule(
        only(201, "owner", "clinician", "colleague", "outsider", others=401, anonymous=401) | {"supervisor": 403},
        method="POST",
        data={"name": "Matrix Created"},
        api=True,
    ),
}
ALLAUTH_SELF_PAGES = [
    "account_login", "account_logout", "account_inactive", "account_signup", "account_reauthenticate",
    "account_request_reauthentication_code", "account_confirm_reauthentication_code", "account_email",
    "account_email_verification_sent", "account_change_password", "account_set_password", "account_reset_password",
    "account_confirm_login_code", "account_reset_password_from_key_done", "account_reset_password_done",
    "mfa_index", "mfa_authenticate", "mfa_reauthenticate", "mfa_activate_totp", "mfa_deactivate_totp",
    "mfa_view_recovery_codes", "mfa_generate_recovery_codes", "mfa_download_recovery_codes", "mfa_list_webauthn",
    "mfa_add_webauthn", "mfa_reauthenticate_webauthn", "mfa_login_webauthn",
]  # fmt: skip
RULES |= {name: Rule(everyone(SELF)) for name in ALLAUTH_SELF_PAGES}
RULES["account_confirm_email"] = Rule(everyone(SELF), kwargs=lambda c: {"key": "not-a-key"})
RULES["account_reset_password_from_key"] = Rule(everyone(SELF), kwargs=lambda c: {"uidb36": "1", "key": "not-a-key"})
# Another person's authenticator id: allauth first asks for re-authentication, then scopes
# the lookup to the signed-in user's own passkeys.
RULES["mfa_remove_webauthn"] = Rule(only(SELF, *PEOPLE[1:], anonymous=LOGIN), kwargs=lambda c: {"pk": _outsider_key(c)})
RULES["mfa_edit_webauthn"] = Rule(only(SELF, *PEOPLE[1:], anonymous=LOGIN), kwargs=lambda c: {"pk": _outsider_key(c)})


def _patterns(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[str]:
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, f"{entry.namespace}:" if entry.namespace else namespace)
        elif isinstance(entry, URLPattern):
            assert entry.name, f"URL pattern {entry.pattern} has no name, so it cannot be judged"
            yield f"{namespace}{entry.name}"


def _names() -> list[str]:
    return sorted({name.split(":")[-1] for name in _patterns()})


def test_every_url_has_a_rule() -> None:
    unknown = set(_names()) - set(RULES)
    assert not unknown, f"no access rule for: {sorted(unknown)}"


def test_no_rule_is_stale() -> None:
    assert set(RULES) <= set(_names())


def _url(name: str, kwargs: dict[str, Any]) -> str:
    qualified = next(n for n in _patterns() if n.split(":")[-1] == name)
    return reverse(qualified, kwargs=kwargs)


def _http_for(cast: Cast, person: str, *, api: bool) -> HttpClient:
    http = HttpClient()
    member = cast.people()[person]
    if member is None:
        return http
    if api:
        scopes = [p.value for p in token_scopes_for(member=member)]
        if scopes:
            _, secret = token_create(actor=member, name="matrix", scopes=scopes, days=None, channel=Channel.CLI)
            http.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
        return http
    http.force_login(member.user)
    if person == "clinician":
        _unlock(http)
    return http


PRIVATE_TEXT = "Private canary-process thought"
AISHA_NOTE = "Aisha canary-session text"
# What each person may find on any page: their own clients' data. Owners see names only where they manage
# care teams and holds (the directory; see DIRECTORY below).
SEES: dict[str, frozenset[str]] = {
    "anonymous": frozenset(),
    "owner": frozenset(),
    "clinician": frozenset({"jordan name", "jordan note", "jordan document", "jordan private note"}),
    "colleague": frozenset({"aisha name", "aisha note"}),
    "supervisor": frozenset({"jordan name", "jordan note", "jordan document"}),
    "staff": frozenset(),
    "client": frozenset({"jordan name"}),
    "outsider": frozenset({"omar name"}),
}


def _secrets(cast: Cast) -> dict[str, str]:
    """Plant the texts to look for, and return them by label."""
    private_note_create(actor=cast.clinician, client=cast.client, body=PRIVATE_TEXT, channel=Channel.CLI)
    progress_note_create(actor=cast.colleague, client=cast.other_client, body=AISHA_NOTE, channel=Channel.CLI)
    return {
        "jordan name": cast.client.open("name"),
        "aisha name": cast.other_client.open("name"),
        "omar name": cast.outsider_client.open("name"),
        "jordan note": "Session canary-note body",
        "jordan document": "Intake form canary-document text",
        "jordan private note": PRIVATE_TEXT,
        "aisha note": AISHA_NOTE,
    }


def _unlock(http: HttpClient) -> None:
    response = http.post(reverse("private_unlock"), {"password": PASSWORD, "next": "/"})
    assert response.status_code == 302, "the clinician's author key did not unlock"


def test_the_leak_check_would_see_a_leak(cast: Cast) -> None:
    """The body scan is not vacuous: Chris, unlocked, does see his private note's text on its page."""
    secrets = _secrets(cast)
    http = _http_for(cast, "clinician", api=False)
    body = http.get(reverse("private_notes", kwargs={"client_id": cast.client.id})).content.decode()
    assert secrets["jordan private note"] in body and secrets["jordan name"] in body
    assert secrets["aisha name"] not in body


@pytest.mark.parametrize("name", sorted(RULES))
def test_access(cast: Cast, name: str) -> None:
    rule = RULES[name]
    secrets = _secrets(cast)
    failures = []
    for person in PEOPLE:
        with transaction.atomic():
            url = _url(name, rule.kwargs(cast))
            http = _http_for(cast, person, api=rule.api)
            if rule.method == "POST":
                if rule.api:
                    response = http.post(url, rule.data, content_type="application/json")
                else:
                    response = http.post(url, rule.data)
            else:
                response = http.get(url, rule.query)
            transaction.set_rollback(True)
        expected = rule.expect[person]
        got = response.status_code
        raw = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
        body = raw.decode(errors="replace")
        if expected == LOGIN:
            ok = got == 302 and "/accounts/login/" in response["Location"]
        elif expected == SELF:
            ok = got in (200, 302, 404, 405, 410)
        else:
            ok = got == expected
        if not ok:
            failures.append(f"{person}: expected {expected}, got {got}")
        allowed = SEES[person] | rule.also_sees.get(person, frozenset())
        leaked = sorted(label for label, text in secrets.items() if text in body and label not in allowed)
        if leaked:
            failures.append(f"{person} ({got}) found {', '.join(leaked)}")
    assert not failures, f"{name}: " + "; ".join(failures)
