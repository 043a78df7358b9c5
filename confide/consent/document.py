"""The agreement a client reads and signs: generated policy + the practice's wording (pure core).

The canonical text is what gets hashed (``sha256``) and printed in the PDF, so the hash on a
signature proves which words were signed. The policy part comes from the rule packs and
cannot be removed by the practice; the practice's Markdown follows it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from confide.consent.policy import Policy, Section


@dataclass(frozen=True)
class AgreementDocument:
    title: str
    practice_name: str
    version_number: int
    wording_sha256: str
    sections: list[Section]
    wording: str  # the practice's Markdown
    citations: list[str]
    pack_refs: list[str]
    exceptions_digest: str

    @property
    def text(self) -> str:
        lines = [self.title, f"{self.practice_name} · version {self.version_number}", ""]
        for section in self.sections:
            lines += [section.title, *section.paragraphs, ""]
        lines += ["Our practice's terms", self.wording.strip(), ""]
        lines += ["Laws this is based on", *self.citations, "", "Rule packs: " + ", ".join(self.pack_refs)]
        return "\n".join(lines)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


def document_compose(
    *,
    title: str,
    practice_name: str,
    version_number: int,
    wording: str,
    wording_sha256: str,
    policy: Policy,
    pack_refs: list[str],
) -> AgreementDocument:
    return AgreementDocument(
        title=title,
        practice_name=practice_name,
        version_number=version_number,
        wording_sha256=wording_sha256,
        sections=policy.sections,
        wording=wording,
        citations=policy.citations,
        pack_refs=pack_refs,
        exceptions_digest=policy.exceptions_digest,
    )
