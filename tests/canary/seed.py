"""Run in a fresh process against a real database file or server: put a unique canary in every
encrypted field, drive the pages, API and e-mail that touch them, and print what was sent.

``python -m tests.canary.seed`` — the environment (DATABASE_URL, CONFIDE_DATA_DIR) is the caller's.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "confide.settings")

import django  # noqa: E402

django.setup()

import pyrage  # noqa: E402
from allauth.mfa.totp.internal.auth import TOTP  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client as HttpClient  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from confide.audit.actions import Channel  # noqa: E402
from confide.clients.models import Client  # noqa: E402
from confide.clients.services import client_create  # noqa: E402
from confide.consent.directives import directive_grant  # noqa: E402
from confide.consent.models import Signature  # noqa: E402
from confide.consent.questions import QUESTIONS  # noqa: E402
from confide.consent.selectors import document_for, resolution_for, version_current  # noqa: E402
from confide.consent.services import agreement_sign  # noqa: E402
from confide.disclosures.services import RequestInput, disclosure_release, disclosure_request_create  # noqa: E402
from confide.holds.services import hold_place  # noqa: E402
from confide.invitations.services import invitation_accept, invitation_for_client_create  # noqa: E402
from confide.practices.models import Member  # noqa: E402
from confide.practices.services import practice_create  # noqa: E402
from confide.records.author_keys import author_key_enrol  # noqa: E402
from confide.records.documents import document_upload  # noqa: E402
from confide.records.private_notes import private_note_create  # noqa: E402
from confide.records.progress import progress_note_amend, progress_note_create, progress_note_sign  # noqa: E402
from confide.tokens.services import token_create  # noqa: E402
from confide.vault.sealing import request_key_cache  # noqa: E402

CANARIES = {
    "name": "Zephyrine Canaryname-7f3a",
    "email": "canarymail-9b2c@client.test",
    "phone": "+4915550199731",
    "diagnoses": "canary-diagnosis-1c9e F43.1 post-traumatic stress",
    "note": "canary-progress-5d1e panic attacks on the bridge",
    "amendment": "canary-amendment-2c8f correction",
    "private": "canary-psychotherapy-8a4b dream about the lighthouse",
    "file_name": "canary-filename-3e7d.txt",
    "file_body": "canary-document-6f0a intake answers",
    "user_agent": "canary-agent-4d2e",
    "ip": "198.51.100.231",
    "recipient": "canary-recipient-8e1b",
    "disclosed_to": "canary-police-9d3f",
    "justification": "canary-justification-5a7c only the identity is needed",
    "hold": "canary-hold-2b6e court order",
}
PASSWORD = "canary seed passphrase"


def main() -> None:
    call_command("migrate", verbosity=0)
    with request_key_cache():
        owner = practice_create(
            name="Canary Practice",
            owner_email="owner@canary.test",
            owner_name="O",
            owner_password=PASSWORD,
            jurisdictions=["us-ca"],
        )
        TOTP.activate(owner.user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        client = client_create(
            actor=owner,
            name=CANARIES["name"],
            email=CANARIES["email"],
            phone=CANARIES["phone"],
            date_of_birth="1984-07-19",
            diagnoses=CANARIES["diagnoses"],
            channel=Channel.CLI,
        )
        note = progress_note_create(actor=owner, client=client, body=CANARIES["note"], channel=Channel.CLI)
        progress_note_sign(actor=owner, client=client, note_id=note.id, channel=Channel.CLI)
        progress_note_amend(
            actor=owner, client=client, note_id=note.id, body=CANARIES["amendment"], channel=Channel.CLI
        )
        author_key_enrol(member=owner, password=PASSWORD, channel=Channel.CLI)
        private_note_create(actor=owner, client=client, body=CANARIES["private"], channel=Channel.CLI)
        upload = SimpleUploadedFile(CANARIES["file_name"], CANARIES["file_body"].encode(), content_type="text/plain")
        document_upload(actor=owner, client=client, upload=upload, channel=Channel.CLI)
        invitation = invitation_for_client_create(
            actor=owner, client=client, link_base="http://localhost:8000/invitations/", channel=Channel.CLI
        )
        # The client accepts with the canary address itself: their sign-in e-mail is theirs.
        portal = invitation_accept(invitation=invitation, password=PASSWORD, signed_in=None)
        client.refresh_from_db()
        _consent_as_client(client, portal)
        _disclose(owner, client)
        _, token = token_create(
            actor=owner, name="canary", scopes=["clients:client:read"], days=None, channel=Channel.CLI
        )

    # From here on the test client drives the pages ('testserver' host); e-mail stays in memory.
    setup_test_environment()
    http = HttpClient()
    http.force_login(owner.user)
    for path in ("/dashboard/", "/clients/", f"/clients/{client.id}/", f"/clients/{client.id}/private-notes/"):
        assert http.get(path).status_code == 200, path
    http.post("/clients/", {"q": "zephyr"})
    http.post("/clients/new/", {"name": CANARIES["name"] + "\x00", "email": "bad"})  # rejected input is not logged
    http.get("/clients/00000000-0000-0000-0000-000000000000/")  # a 404 is logged, by path only
    as_client = HttpClient()
    as_client.force_login(portal.user)
    for path in (
        "/portal/",
        "/portal/agreements/",
        "/portal/sharing/",
        "/portal/disclosures/",
        "/portal/disclosures.pdf",
    ):
        assert as_client.get(path).status_code == 200, path
    signature = Signature.objects.get(client=client)
    assert as_client.get(f"/portal/agreements/{signature.id}/agreement.pdf").status_code == 200
    as_client.post("/portal/sharing/", {"recipient_name": CANARIES["recipient"]})  # rejected: not logged either
    _sign_in_as_client()
    api = HttpClient(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get(f"/api/v1/clients/{client.id}").status_code == 200
    api.post("/api/v1/clients", {"name": 5}, content_type="application/json")


def _disclose(owner: Member, client: Client) -> None:
    """An emergency disclosure to the police, released to an age key; and a legal hold."""
    request = disclosure_request_create(
        member=owner,
        client=client,
        data=RequestInput(
            situation="threat_to_identifiable_others",
            recipient_name=CANARIES["disclosed_to"],
            recipient_address="",
            purpose="canary purpose of the warning",
            justification=CANARIES["justification"],
            items=["identity"],
            emergency=True,
            notice="immediate",
            notice_on=None,
            notice_reason="",
        ),
        channel=Channel.WEB,
    )
    recipient = str(pyrage.x25519.Identity.generate().to_public())
    disclosure_release(
        member=owner, request=request, recipient_key=recipient, passphrase="", private_bodies={}, channel=Channel.WEB
    )
    hold_place(actor=owner, client=client, reason=CANARIES["hold"], channel=Channel.WEB)


def _consent_as_client(client: Client, member: Member) -> None:
    """The client, in the portal, signs the agreement and names someone to share with."""
    version = version_current(practice_id=client.practice_id)
    resolution = resolution_for(practice=client.practice, client=client)
    assert version is not None and resolution is not None
    agreement_sign(
        member=member,
        client=client,
        version=version,
        document_sha256=document_for(version=version, resolution=resolution, practice=client.practice).sha256,
        typed_name=CANARIES["name"],
        answers={q.id: q.correct for q in QUESTIONS},
        ip=CANARIES["ip"],
        user_agent=CANARIES["user_agent"],
        channel=Channel.WEB,
    )
    directive_grant(
        member=member,
        client=client,
        recipient_kind="family",
        recipient_name=CANARIES["recipient"],
        categories=["attendance"],
        purpose="PATRQT",
        valid_to=None,
        channel=Channel.WEB,
    )


def _sign_in_as_client() -> None:
    """The client signs in through the real page with their address (once mistyping the password, once
    with an address no account has), and asks for a password reset: the lockout tables, the sessions and
    allauth's tables see the address typed."""
    for login, password in (
        (CANARIES["email"], "not the password"),
        (CANARIES["email"].replace("canarymail", "canarymail-unknown"), PASSWORD),
        (CANARIES["email"].upper(), PASSWORD),
    ):
        HttpClient().post("/accounts/login/", {"login": login, "password": password})
    signed_in = HttpClient()
    response = signed_in.post("/accounts/login/", {"login": CANARIES["email"], "password": PASSWORD})
    assert response.status_code == 302 and signed_in.get("/portal/").status_code == 200, response
    assert CANARIES["email"] in signed_in.get("/accounts/email/").content.decode()
    HttpClient().post("/accounts/password/reset/", {"email": CANARIES["email"]})


if __name__ == "__main__":
    main()
