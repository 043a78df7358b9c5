"""The disclosure package: a zip (summary PDF, records, manifest) encrypted with age for its recipient.

The recipient opens it with the standard ``age`` tool: ``age -d -i key.txt disclosure.age > d.zip``
(or with the passphrase given to them separately). Only the package's SHA-256 is kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass

import pyrage

from confide.disclosures.items import Contents
from confide.lib.pdf import heading, lines, new_pdf


class RecipientKeyError(ValueError):
    pass


@dataclass(frozen=True)
class Summary:
    practice: str
    situation: str
    rule: str
    citations: list[str]
    recipient: str
    purpose: str
    justification: str
    decided_by: str
    approved_by: str
    released_at: dt.datetime
    items: list[str]


def summary_pdf(summary: Summary) -> bytes:
    pdf = new_pdf("Disclosure summary", summary.released_at)
    heading(pdf, "Disclosure summary", 15)
    lines(
        pdf,
        [
            f"From: {summary.practice}",
            f"To: {summary.recipient}",
            f"Released: {summary.released_at:%Y-%m-%d %H:%M} UTC",
            f"Situation: {summary.situation}",
            f"Rule relied on: {summary.rule}",
            *(f"Law: {c}" for c in summary.citations),
            f"Decided by: {summary.decided_by}",
            f"Approved by: {summary.approved_by}",
        ],
    )
    heading(pdf, "Purpose")
    lines(pdf, [summary.purpose])
    heading(pdf, "Why this and no more (minimum necessary)")
    lines(pdf, [summary.justification])
    heading(pdf, "What is enclosed")
    lines(pdf, [f"• {item}" for item in summary.items])
    lines(pdf, ["This information is confidential. Use it only for the purpose above; do not pass it on."])
    return bytes(pdf.output())


def package_zip(*, summary: Summary, contents: Contents) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("summary.pdf", summary_pdf(summary))
        text = "\n\n".join(f"== {title} ==\n{body}" for title, body in contents.texts)
        archive.writestr("records.txt", text + "\n")
        for name, body in contents.files:
            archive.writestr(name, body)
        manifest = {"items": summary.items, "released_at": summary.released_at.isoformat(), "rule": summary.rule}
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    return buffer.getvalue()


def package_encrypt(plain: bytes, *, recipient: str = "", passphrase: str = "") -> bytes:
    """Encrypt to an age (``age1…``) or SSH (``ssh-ed25519 …``) public key, or to a passphrase."""
    recipient = recipient.strip()
    if passphrase:
        if len(passphrase) < 12:
            raise RecipientKeyError("Use a passphrase of at least 12 characters.")
        return bytes(pyrage.passphrase.encrypt(plain, passphrase))
    try:
        if recipient.startswith("age1"):
            key = pyrage.x25519.Recipient.from_str(recipient)
        elif recipient.startswith(("ssh-ed25519 ", "ssh-rsa ")):
            key = pyrage.ssh.Recipient.from_str(recipient)
        else:
            raise RecipientKeyError("Give the recipient's age key (age1…), SSH public key, or a passphrase.")
        return bytes(pyrage.encrypt(plain, [key]))
    except pyrage.RecipientError as exc:
        raise RecipientKeyError("That public key is not valid.") from exc


def sha256(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()
