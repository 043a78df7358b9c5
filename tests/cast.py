"""The fixed cast every test uses, built through the real services.

Practice "Harbor": owner Olivia; clinician Chris, on Jordan's care team; colleague
Casey, off it (Casey treats Aisha); supervisor Sam, on Jordan's team as supervisor;
staff Stacy; Jordan, the client, with a portal account. Practice "Elsewhere": the
outsider Otto, an owner and clinician with a client of his own.

Three more for the guards that need them (not in ``people()``, so the access matrix keeps
its eight columns): Cam, a second clinician on Jordan's team with an author key of her own;
Dana, on Jordan's team as a clinician until the owner lowered her role to staff; and Drew, a
clinician whose *user* account was deactivated while his API token (``departed_token``) lives.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient

from confide.accounts.models import User
from confide.audit.actions import Channel
from confide.audit.integrate import log_integrate
from confide.careteams.models import CareTeamMember
from confide.careteams.services import careteam_add
from confide.clients.models import Client
from confide.clients.services import client_create
from confide.practices.models import Member
from confide.practices.permissions import Role
from confide.practices.services import member_set_role, practice_create
from confide.records.author_keys import author_key_enrol
from confide.records.documents import document_upload
from confide.records.models import Document, ProgressNote
from confide.records.progress import progress_note_create
from confide.tokens.services import token_create

PASSWORD = "correct horse battery staple"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@dataclass
class Cast:
    owner: Member
    clinician: Member
    colleague: Member
    supervisor: Member
    staff: Member
    client_member: Member
    outsider: Member
    client: Client
    other_client: Client
    outsider_client: Client
    note: ProgressNote
    document: Document
    recovery_key: str
    cotherapist: Member
    demoted: Member
    departed: Member
    departed_token: str

    def people(self) -> dict[str, Member | None]:
        return {
            "anonymous": None,
            "owner": self.owner,
            "clinician": self.clinician,
            "colleague": self.colleague,
            "supervisor": self.supervisor,
            "staff": self.staff,
            "client": self.client_member,
            "outsider": self.outsider,
        }


def signed_in(member: Member) -> HttpClient:
    """A test browser signed in as ``member`` (MFA and the rest of sign-in are tested on their own)."""
    http = HttpClient()
    http.force_login(member.user)
    return http


def _member(owner: Member, email: str, name: str, role: Role, *, mfa: bool = True) -> Member:
    user = User.objects.create_user(email, PASSWORD, full_name=name)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    if mfa:
        TOTP.activate(user, TOTP_SECRET)
    return Member.objects.create(practice=owner.practice, user=user, role=role)


def _with_mfa(member: Member) -> Member:
    TOTP.activate(member.user, TOTP_SECRET)
    return member


def build_cast() -> Cast:
    owner = _with_mfa(
        practice_create(
            name="Harbor Therapy",
            owner_email="olivia@harbor.test",
            owner_name="Olivia Owner",
            owner_password=PASSWORD,
            jurisdictions=["us-ca"],
        )
    )
    clinician = _member(owner, "chris@harbor.test", "Chris Clinician", Role.CLINICIAN)
    colleague = _member(owner, "casey@harbor.test", "Casey Colleague", Role.CLINICIAN)
    supervisor = _member(owner, "sam@harbor.test", "Sam Supervisor", Role.SUPERVISOR)
    staff = _member(owner, "stacy@harbor.test", "Stacy Staff", Role.STAFF)
    client_member = _member(owner, "jordan@client.test", "", Role.CLIENT, mfa=False)
    client = client_create(
        actor=clinician, name="Jordan Canary-Client", email="jordan@client.test", channel=Channel.CLI
    )
    client.portal_member = client_member
    client.save(update_fields=["portal_member"])
    careteam_add(
        actor=owner, client=client, member=supervisor, team_role=CareTeamMember.TeamRole.SUPERVISOR, channel=Channel.CLI
    )
    other_client = client_create(
        actor=colleague, name="Aisha Other-Client", email="aisha@client.test", channel=Channel.CLI
    )

    outsider = _with_mfa(
        practice_create(
            name="Elsewhere Clinic",
            owner_email="otto@elsewhere.test",
            owner_name="Otto Outsider",
            owner_password=PASSWORD,
            jurisdictions=["us-tx"],
        )
    )
    outsider_client = client_create(
        actor=outsider, name="Omar Outside-Client", email="omar@client.test", channel=Channel.CLI
    )
    note = progress_note_create(actor=clinician, client=client, body="Session canary-note body", channel=Channel.CLI)
    upload = SimpleUploadedFile("canary-intake.txt", b"Intake form canary-document text", content_type="text/plain")
    document = document_upload(actor=clinician, client=client, upload=upload, channel=Channel.CLI)
    recovery_key = author_key_enrol(member=clinician, password=PASSWORD, channel=Channel.CLI).recovery_key
    cotherapist = _member(owner, "cam@harbor.test", "Cam Cotherapist", Role.CLINICIAN)
    demoted = _member(owner, "dana@harbor.test", "Dana Demoted", Role.CLINICIAN)
    for seat in (cotherapist, demoted):
        careteam_add(
            actor=owner, client=client, member=seat, team_role=CareTeamMember.TeamRole.CLINICIAN, channel=Channel.CLI
        )
    author_key_enrol(member=cotherapist, password=PASSWORD, channel=Channel.CLI)
    member_set_role(actor=owner, member=demoted, role=Role.STAFF, channel=Channel.CLI)
    departed = _member(owner, "drew@harbor.test", "Drew Departed", Role.CLINICIAN)
    _, departed_token = token_create(
        actor=departed, name="departed", scopes=["clients:client:read"], days=None, channel=Channel.CLI
    )
    departed.user.is_active = False
    departed.user.save(update_fields=["is_active"])
    for practice_id in (owner.practice_id, outsider.practice_id):
        log_integrate(practice_id=practice_id)
    return Cast(
        owner,
        clinician,
        colleague,
        supervisor,
        staff,
        client_member,
        outsider,
        client,
        other_client,
        outsider_client,
        note,
        document,
        recovery_key,
        cotherapist=cotherapist,
        demoted=demoted,
        departed=departed,
        departed_token=departed_token,
    )
