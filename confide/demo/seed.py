"""The demo practice: an owner, two clinicians, a supervisor and several clients.

Idempotent: a second run finds the practice and prints the same logins, which are
kept (0600) in the data directory, never in code.
"""

from __future__ import annotations

import dataclasses
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.db import transaction

from confide.accounts.models import User
from confide.audit.actions import Channel
from confide.careteams.models import CareTeamMember
from confide.careteams.services import careteam_add
from confide.clients.services import client_create
from confide.demo.care import demo_care
from confide.practices.models import Member, Practice
from confide.practices.permissions import Role
from confide.practices.services import practice_create
from confide.records.author_keys import author_key_enrol
from confide.records.private_notes import private_note_create
from confide.records.progress import progress_note_create, progress_note_sign

DEMO_SLUG = "riverside-counseling-demo"
PEOPLE = [
    ("owner@demo.confide.localhost", "Olivia Okafor", Role.OWNER),
    ("chris@demo.confide.localhost", "Dr. Chris Moreau", Role.CLINICIAN),
    ("casey@demo.confide.localhost", "Casey Lindqvist, LMFT", Role.CLINICIAN),
    ("sam@demo.confide.localhost", "Dr. Sam Haddad", Role.SUPERVISOR),
]
CLIENTS = [
    ("Jordan Alvarez", "jordan@client.demo.confide.localhost", 1),
    ("Priya Natarajan", "priya@client.demo.confide.localhost", 1),
    ("Mateo Rossi", "", 1),
    ("Aisha Bello", "aisha@client.demo.confide.localhost", 2),
    ("Noah Fischer", "", 2),
]


NOTES = [
    (
        "Intake completed. Presenting concern: work stress and poor sleep. Agreed on weekly sessions.",
        "Noticed my own impatience when J. minimised the stress; explore in supervision.",
    ),
    ("Reviewed sleep diary; some improvement. Practised paced breathing.", ""),
    (
        "Session focused on grief after a recent loss. Safety plan reviewed; no current risk.",
        "Hypothesis: anger at father masks guilt. Hold lightly.",
    ),
    ("Follow-up on assertiveness homework; client reports one successful conversation.", ""),
    ("First session. Consent and confidentiality explained; questions answered.", ""),
]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    name: str
    role: str
    password: str
    totp_secret: str
    recovery_key: str = ""


def _credentials_file() -> Path:
    return Path(settings.DATA_DIR) / "demo-logins.json"


def _write_private(path: Path, data: object) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(data, handle, indent=2)


def _enrol(user: User) -> str:
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    secret: str = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def demo_seed() -> tuple[list[DemoLogin], list[str], bool]:
    """Create the demo practice if missing; return its logins, client names, and whether it was created."""
    if Practice.objects.filter(slug=DEMO_SLUG).exists() and _credentials_file().exists():
        saved = [DemoLogin(**row) for row in json.loads(_credentials_file().read_text())]
        return saved, [name for name, _, _ in CLIENTS], False
    with transaction.atomic():
        logins: list[DemoLogin] = []
        members: list[Member] = []
        for email, name, role in PEOPLE:
            password = "demo-" + secrets.token_urlsafe(9)
            if role is Role.OWNER:
                owner = practice_create(
                    name="Riverside Counseling (demo)",
                    owner_email=email,
                    owner_name=name,
                    owner_password=password,
                    jurisdictions=["us-ca"],
                )
                practice = owner.practice
                practice.slug = DEMO_SLUG
                practice.save(update_fields=["slug"])
                member = owner
            else:
                user = User.objects.create_user(email, password, full_name=name)
                member = Member.objects.create(practice=practice, user=user, role=role)
            members.append(member)
            logins.append(DemoLogin(email, name, role.value, password, _enrol(member.user)))
        owner, chris, casey, sam = members
        for index in (1, 2):  # the clinicians set up private notes; their recovery keys are printed
            enrolment = author_key_enrol(member=members[index], password=logins[index].password, channel=Channel.CLI)
            logins[index] = dataclasses.replace(logins[index], recovery_key=enrolment.recovery_key)
        chris_clients, names = [], {}
        for (name, email, which), (progress, private) in zip(CLIENTS, NOTES, strict=True):
            clinician = chris if which == 1 else casey
            client = client_create(actor=clinician, name=name, email=email, channel=Channel.CLI)
            names[str(client.id)] = name
            if which == 1:
                chris_clients.append(client)
            if which == 1:
                careteam_add(
                    actor=owner,
                    client=client,
                    member=sam,
                    team_role=CareTeamMember.TeamRole.SUPERVISOR,
                    channel=Channel.CLI,
                )
            note = progress_note_create(actor=clinician, client=client, body=progress, channel=Channel.CLI)
            progress_note_sign(actor=clinician, client=client, note_id=note.id, channel=Channel.CLI)
            if private:
                private_note_create(actor=clinician, client=client, body=private, channel=Channel.CLI)
        demo_care(clinician=chris, clients=chris_clients, names=names)
        _write_private(_credentials_file(), [login.__dict__ for login in logins])
    return logins, [name for name, _, _ in CLIENTS], True
