"""The disclosure workflow: the rule shown, minimum necessary, two-person approval, release."""

from __future__ import annotations

import io
import zipfile

import pyrage
import pytest
from django.core.exceptions import ValidationError

from confide.audit.actions import AuditAction, Channel
from confide.audit.models import AuditEvent
from confide.clients.services import client_create
from confide.disclosures.models import AccountingEntry, DeadlineTask, DisclosureRequest
from confide.disclosures.services import disclosure_decide, requirements_for
from confide.rulepacks.schema import Obligation
from tests.cast import Cast
from tests.conftest import Inbox
from tests.disclosures.helpers import IDENTITY, approve, prepare, release, released


def _open(package: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(pyrage.decrypt(package, [IDENTITY])))


def test_california_threat_is_a_mandatory_duty_to_warn_victim_and_police(cast: Cast) -> None:
    requirements = requirements_for(client=cast.client, situation="threat_to_identifiable_others")
    assert requirements.obligation is Obligation.MANDATORY
    assert requirements.rule_id == "ca.civ43_92.duty_to_protect"
    assert requirements.must_tell == ["a law enforcement agency", "the reasonably identifiable victim(s)"]
    assert "the risk assessment" in requirements.must_record


def test_texas_threat_is_permissive(cast: Cast) -> None:
    client = client_create(actor=cast.outsider, name="Tex Canary", channel=Channel.CLI)
    requirements = requirements_for(client=client, situation="threat_to_identifiable_others")
    assert requirements.obligation is Obligation.PERMISSIVE
    assert requirements.rule_id == "tx.hs611_004.imminent_injury"
    assert requirements.must_tell == []


def test_a_request_waits_for_a_second_clinician(cast: Cast) -> None:
    request = prepare(cast)
    assert request.state == DisclosureRequest.State.AWAITING
    with pytest.raises(ValidationError, match="Only an approved"):
        release(cast, request)


def test_the_author_cannot_approve_their_own_disclosure(cast: Cast) -> None:
    request = prepare(cast)
    with pytest.raises(ValidationError, match="A second clinician must decide"):
        disclosure_decide(member=cast.clinician, request=request, approve=True, note="fine", channel=Channel.WEB)


def test_a_declined_disclosure_cannot_be_released(cast: Cast) -> None:
    request = prepare(cast)
    disclosure_decide(member=cast.colleague, request=request, approve=False, note="Not credible.", channel=Channel.WEB)
    with pytest.raises(ValidationError, match="Only an approved"):
        release(cast, request)


def test_the_released_package_holds_only_the_chosen_items(cast: Cast) -> None:
    request = prepare(cast)
    approve(cast, request)
    package = release(cast, request)
    archive = _open(package)
    assert sorted(archive.namelist()) == ["manifest.json", "records.txt", "summary.pdf"]
    records = archive.read("records.txt").decode()
    assert "Jordan Canary-Client" in records and "Session canary-note body" in records
    assert "canary-document" not in records  # the document was not chosen


def test_release_records_accounting_hash_deadlines_and_the_log_event(cast: Cast) -> None:
    request = released(cast)
    entry = AccountingEntry.objects.get(request=request)
    assert entry.basis_rule_id == "ca.civ43_92.duty_to_protect"
    assert entry.package_sha256 == request.package_sha256 and len(request.package_sha256) == 64
    assert entry.approved_by_id == cast.supervisor.id
    [task] = DeadlineTask.objects.filter(request=request)
    assert task.title == "First report: Duty to protect (Tarasoff)" and task.due_at == request.created_at
    event = AuditEvent.objects.get(action=AuditAction.DISCLOSURE_RELEASE)
    assert (event.client_id, event.object_id) == (cast.client.id, str(entry.id))


def test_california_child_abuse_sets_a_36_hour_written_report(cast: Cast) -> None:
    request = released(
        cast, situation="child_abuse_report", notice="withheld", notice_reason="Would endanger the child."
    )
    titles = sorted((t.title, (t.due_at - request.created_at).total_seconds() / 3600) for t in request.tasks.all())
    assert titles == [
        ("First report: Child abuse and neglect report (CANRA)", 0.0),
        ("Written report: Child abuse and neglect report (CANRA)", 36.0),
    ]


def test_a_justification_is_mandatory(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="why these items") as caught:
        prepare(cast, justification="because")
    assert "justification" in caught.value.message_dict
    assert not DisclosureRequest.objects.exists()


def test_psychotherapy_notes_only_where_the_rule_allows(cast: Cast) -> None:
    from confide.records.private_notes import private_note_create

    note = private_note_create(actor=cast.clinician, client=cast.client, body="canary private", channel=Channel.CLI)
    with pytest.raises(ValidationError, match="psychotherapy notes") as caught:
        prepare(cast, situation="child_abuse_report", items=[f"private:{note.id}"])
    assert caught.value.message_dict == {"items": ["This rule does not allow disclosing psychotherapy notes."]}
    assert prepare(cast, items=[f"private:{note.id}"]).pk  # the duty to protect allows them


def test_a_required_notice_cannot_be_withheld(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="requires telling the client") as caught:
        prepare(cast, situation="subpoena_without_order", notice="withheld", notice_reason="Rather not.")
    assert "notice" in caught.value.message_dict


def test_an_emergency_proceeds_and_is_reviewed_after(cast: Cast) -> None:
    request = released(cast, emergency=True)
    assert request.state == DisclosureRequest.State.RELEASED and request.decided_by is None
    disclosure_decide(member=cast.colleague, request=request, approve=True, note="Justified.", channel=Channel.WEB)
    request.refresh_from_db()
    assert request.decided_by_id == cast.colleague.id and request.state == DisclosureRequest.State.RELEASED


def test_an_immediate_notice_reaches_the_client_without_phi(cast: Cast, smtp_inbox: Inbox) -> None:
    released(cast)
    [message] = smtp_inbox.messages
    text = str(message["Subject"]) + smtp_inbox.body()
    assert message["Subject"] == "A notice is waiting in your portal"
    assert "/portal/disclosures/" in text
    for word in ("Jordan", "Canary", "Police", "threat", "Harbor", "Chris"):
        assert word not in text, word


def test_a_passphrase_package_opens_with_the_passphrase(cast: Cast) -> None:
    request = prepare(cast)
    approve(cast, request)
    package = release(cast, request, recipient_key="", passphrase="correct horse battery")
    assert zipfile.ZipFile(io.BytesIO(pyrage.passphrase.decrypt(package, "correct horse battery"))).namelist()


def test_a_bad_recipient_key_is_a_field_error_and_nothing_is_released(cast: Cast) -> None:
    request = prepare(cast)
    approve(cast, request)
    with pytest.raises(ValidationError, match="not valid") as caught:
        release(cast, request, recipient_key="age1notakey")
    assert "recipient_key" in caught.value.message_dict
    request.refresh_from_db()
    assert request.state == DisclosureRequest.State.APPROVED and not AccountingEntry.objects.exists()


def test_a_client_authorized_release_needs_no_approval_and_no_accounting(cast: Cast) -> None:
    from tests.consent.helpers import grant

    directive = grant(cast)  # the GP may receive attendance and a summary
    request = prepare(
        cast, situation=f"authorized:{directive.id}", items=["identity"], recipient_name="Dr Grace Canary-GP"
    )
    assert request.state == DisclosureRequest.State.APPROVED and request.directive_id == directive.id
    release(cast, request)
    assert not AccountingEntry.objects.exists()  # 164.528(a)(1)(iv): authorized disclosures are not accountable
    assert AuditEvent.objects.filter(action=AuditAction.DISCLOSURE_RELEASE, client_id=cast.client.id).exists()


def test_an_authorized_release_is_limited_to_what_the_client_named(cast: Cast) -> None:
    from tests.consent.helpers import grant

    directive = grant(cast)
    with pytest.raises(ValidationError, match="covers less") as caught:
        prepare(cast, situation=f"authorized:{directive.id}", items=["identity", "diagnoses"])
    assert caught.value.message_dict == {
        "items": ["The client's permission covers less than this: choose only what it names."]
    }


def test_withdrawing_the_permission_stops_the_release(cast: Cast) -> None:
    from confide.consent.directives import directive_revoke
    from tests.consent.helpers import grant

    directive = grant(cast)
    request = prepare(cast, situation=f"authorized:{directive.id}", items=["identity"])
    assert cast.client_member is not None
    directive_revoke(member=cast.client_member, client=cast.client, directive_id=directive.id, channel=Channel.WEB)
    with pytest.raises(ValidationError, match="The client's permission was withdrawn") as caught:
        release(cast, request)
    assert set(caught.value.message_dict) == {"release"}


def test_the_printable_summary_names_recipient_rule_and_approver(cast: Cast) -> None:
    from pypdf import PdfReader

    from confide.disclosures.package import summary_pdf
    from confide.disclosures.services import summary_of

    text = PdfReader(io.BytesIO(summary_pdf(summary_of(request=released(cast))))).pages[0].extract_text()
    assert "Officer Canary-Police, Harbor PD" in text
    assert "ca.civ43_92.duty_to_protect" in text and "Sam Supervisor" in text
