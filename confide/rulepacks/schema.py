"""The rule-pack schema: what a jurisdiction's confidentiality law looks like as data.

Pure core (pydantic only, no Django). Every rule carries at least one citation with its
verification mark; unknown fields are errors (``extra="forbid"``) so a typo cannot silently
drop a duty. Durations are ISO 8601 (``PT36H``, ``P30D``, ``P7Y``); ``PT0S`` means "at once".
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, HttpUrl, model_validator

_DURATION = re.compile(
    r"^P(?:(?P<y>\d+)Y)?(?:(?P<m>\d+)M)?(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<min>\d+)M)?(?:(?P<s>\d+)S)?)?$"
)


def duration_hours(value: str) -> float:
    """Approximate length in hours (years 365 d, months 30 d), for comparing deadlines and periods."""
    match = _DURATION.match(value)
    if not match or value in ("P", "PT"):
        raise ValueError(f"{value!r} is not an ISO 8601 duration such as PT36H, P30D or P7Y")
    parts = {key: int(number or 0) for key, number in match.groupdict().items()}
    days = parts["y"] * 365 + parts["m"] * 30 + parts["d"]
    return days * 24 + parts["h"] + parts["min"] / 60 + parts["s"] / 3600


def _duration(value: str) -> str:
    duration_hours(value)
    return value


Duration = Annotated[str, AfterValidator(_duration)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Verification(StrEnum):
    PRIMARY = "verified_primary"
    SECONDARY = "verified_secondary"
    UNVERIFIED = "unverified"


class Citation(Strict):
    cite: str = Field(min_length=3)
    url: HttpUrl | None = None
    verification: Verification
    checked_on: dt.date


class Kind(StrEnum):
    THREAT_TO_OTHERS = "threat_to_identifiable_others"
    SERIOUS_THREAT = "serious_threat_health_safety"
    DANGER_TO_SELF = "danger_to_self"
    FIREARMS_REPORT = "firearms_risk_report"
    CHILD_ABUSE = "child_abuse_report"
    ELDER_ABUSE = "elder_dependent_adult_abuse_report"
    ADULT_ABUSE_VICTIM = "adult_abuse_victim_report"
    COURT_ORDER = "court_order"
    SUBPOENA = "subpoena_without_order"
    REQUIRED_BY_LAW = "required_by_law_other"
    TERRORISM = "terrorism_information"
    HEALTH_OVERSIGHT = "health_oversight"
    DEFENSE_OF_PROVIDER = "defense_of_provider"
    PUBLIC_INTEREST = "public_interest_serious_harm"
    VITAL_INTERESTS = "vital_interests"


class Obligation(StrEnum):
    MANDATORY = "mandatory"
    CONDITIONAL = "conditional"
    PERMISSIVE = "permissive"
    PENDING = "pending"  # not yet law: shown as advice, never enforced


class NoticePolicy(StrEnum):
    REQUIRED = "required"
    RECOMMENDED = "recommended"
    DISCRETIONARY = "discretionary"
    DELAYABLE = "prohibited_or_delayable"
    NOT_REQUIRED = "not_required"


class Recipient(Strict):
    who: str
    must: bool = False  # True: must be told; False: may be told


class Deadline(Strict):
    initial: Duration | None = None
    written: Duration | None = None
    business_days: bool = False
    clock_starts: str


class ClientNotification(Strict):
    policy: NoticePolicy
    timing: str | None = None
    exceptions: list[str] = []


class Rule(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.]*$")
    citations: list[Citation] = Field(min_length=1)
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    notes: str | None = None


class ExceptionRule(Rule):
    kind: Kind
    also_kinds: list[Kind] = []  # one provision can cover several situations (e.g. HIPAA 164.512(j))
    obligation: Obligation
    title: str
    trigger: str
    plain: str = Field(min_length=20)  # the client-facing sentence in the confidentiality policy
    standard_of_knowledge: str | None = None
    applies_to_roles: list[str] = []
    recipients: list[Recipient] = Field(min_length=1)
    deadline: Deadline | None = None
    minimum_necessary: bool = True
    psychotherapy_notes_allowed: bool | None = None
    must_record: list[str] = Field(min_length=1)
    client_notification: ClientNotification
    accounting_of_disclosures: Literal["include", "exempt", "include_unless_suspended", "n/a"]
    overrides_client_directive: bool

    @property
    def kinds(self) -> list[Kind]:
        return [self.kind, *self.also_kinds]


class RetentionRule(Rule):
    record_class: str
    applies_to_roles: list[str] = []
    adult: Duration
    adult_anchor: str
    minor: Duration | None = None
    minor_anchor: str | None = None
    rule: Literal["max_of_applicable", "fixed"] = "max_of_applicable"


class MinorsRule(Rule):
    service: str
    min_age: int | None = Field(default=None, ge=0, le=21)
    conditions: list[str] = []
    parent_involvement: str


class BreachRule(Rule):
    notify: Literal["individuals", "regulator", "media", "attorney_general", "controller", "covered_entity"]
    threshold: str | None = None
    deadline: Duration
    clock_starts: str


class AccessRule(Rule):
    right: Literal["access", "amendment", "accounting_of_disclosures", "erasure", "portability", "restriction"]
    deadline: Duration
    extension: Duration | None = None
    excluded: list[str] = []


class Pack(Strict):
    id: str = Field(pattern=r"^[a-z]{2}(-[a-z]+)?$")
    name: str
    jurisdiction: str
    inherits: list[str] = []
    version: str = Field(pattern=r"^\d{4}\.\d+$")
    effective_from: dt.date
    effective_to: dt.date | None = None
    supersedes: str | None = None
    status: Literal["draft", "in_review", "active", "retired"]
    last_legal_review: dt.date | None = None
    review_due: dt.date
    maintainers: list[str] = Field(min_length=1)
    changelog: list[str] = Field(min_length=1)
    disclaimer: str
    exceptions: list[ExceptionRule] = []
    retention: list[RetentionRule] = []
    minors: list[MinorsRule] = []
    breach: list[BreachRule] = []
    access: list[AccessRule] = []

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"

    def rules(self) -> list[Rule]:
        return [*self.exceptions, *self.retention, *self.minors, *self.breach, *self.access]

    @model_validator(mode="after")
    def _unique_rule_ids(self) -> Pack:
        seen: set[str] = set()
        for rule in self.rules():
            if rule.id in seen:
                raise ValueError(f"duplicate rule id {rule.id!r}")
            seen.add(rule.id)
        if self.effective_to and self.effective_to <= self.effective_from:
            raise ValueError("effective_to must come after effective_from")
        return self

    def in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on < self.effective_to)
