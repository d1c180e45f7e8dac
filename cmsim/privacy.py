"""Data protection: case codes, the code register kept apart, need-to-know sharing.

004 §2.5.2: a case code that does not identify the child, no names on the front of a file,
the list linking codes to names kept apart; share on a need-to-know basis only.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field

from cmsim.casefile import CaseFile
from cmsim.dates import DayFirstDate
from cmsim.errors import FileProblem, RuleViolation
from cmsim.forms import ReferralForm, ReferredCaregiver, ReferredPerson
from cmsim.forms.base import Model
from cmsim.rules import consent_for_referral
from cmsim.vocab import ContactRoute, ServiceType, _norm

# No letters that read as digits (O/0, I/1): codes are copied by hand onto paper files.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

# Services delivered where the family lives, which need an address or phone to reach them.
# Our reading of "only what the service needs"; a trainer's SOP can be stricter in practice.
NEEDS_LOCATION = frozenset(
    {
        ServiceType.ALTERNATIVE_CARE,
        ServiceType.SECURITY,
        ServiceType.FTR,
        ServiceType.FOOD,
        ServiceType.NFI,
        ServiceType.CASH,
        ServiceType.LIVELIHOODS,
        ServiceType.NUTRITION,
        ServiceType.SHELTER,
        ServiceType.WASH,
        ServiceType.RELOCATION,
    }
)


class CodeRegister:
    """The list linking case codes to names, kept apart from the case files."""

    def __init__(self, prefix: str = "CM", rng: random.Random | None = None):
        self.prefix = prefix
        self._rng = rng or random.Random()
        self._names: dict[str, str] = {}

    def new_code(self, name: str, year: int | None = None) -> str:
        """A fresh code made of random characters: nothing in it comes from the child."""
        year = year or dt.date.today().year
        while True:
            code = f"{self.prefix}-{year}-" + "".join(self._rng.choices(_ALPHABET, k=5))
            if code not in self._names:
                self._names[code] = name
                return code

    def name_of(self, code: str) -> str | None:
        return self._names.get(code)

    def names(self) -> list[str]:
        return sorted(self._names.values())

    def save(self, path: str | Path, case_files_dir: str | Path | None = None) -> None:
        """Write atomically; refuse to put the register among the case files it unlocks."""
        path = Path(path).resolve()
        if case_files_dir and Path(case_files_dir).resolve() in path.parents:
            raise FileProblem(
                path,
                ["the code register must be kept apart from the case files, not in their folder"],
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".register.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"prefix": self.prefix, "codes": self._names}, out, indent=2)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: str | Path) -> CodeRegister:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            register = cls(prefix=str(data["prefix"]))
            register._names = {str(k): str(v) for k, v in data["codes"].items()}
        except FileNotFoundError:
            raise FileProblem(path, ["the code register does not exist"]) from None
        except (ValueError, KeyError, TypeError, AttributeError):
            raise FileProblem(path, ["this is not a code register file"]) from None
        return register


class ReferralPackage(Model):
    """What goes to the service provider: only what consent allows and the service needs."""

    case_code: str
    date: DayFirstDate
    services: list[str]
    priority: str
    reason: str
    expected_outcome: str | None = None
    person: ReferredPerson
    caregiver: ReferredCaregiver | None = None
    left_out: list[str] = Field(default_factory=list, description="What was withheld and why")


_WITHHOLD_KEYWORDS: dict[str, tuple[str, ...]] = {
    "address": ("address", "location", "where"),
    "contact": ("phone", "contact", "telephone", "number"),
    "dob": ("birth", "age", "dob"),
    "names": ("name",),
}


def referral_package(file: CaseFile, form: ReferralForm) -> ReferralPackage:
    """Build the referral package for a referral form on (or about to go on) this file.

    Raises RuleViolation when the consent on file does not cover the service."""
    refusal = consent_for_referral(file, form)
    if refusal:
        raise RuleViolation(refusal)
    person = form.person.model_copy()
    left_out: list[str] = []
    needs_location = any(s in NEEDS_LOCATION for s in form.services)
    if form.contact_route is ContactRoute.VIA_CASEWORKER or not needs_location:
        why = (
            "contact goes through the caseworker"
            if form.contact_route is ContactRoute.VIA_CASEWORKER
            else "the service does not need to find the child at home"
        )
        if person.address or person.contact:
            left_out.append(f"the child's address and phone ({why})")
        person = person.model_copy(update={"address": None, "contact": None})
    for field in ("national_id", "unhcr_id", "other_id"):
        if getattr(person, field):
            left_out.append(f"{field.replace('_', ' ')} (not needed for the service)")
            person = person.model_copy(update={field: None})
    caregiver = form.caregiver
    if caregiver and not form.caregiver_informed:
        left_out.append("caregiver details (the caregiver is not informed of the referral)")
        caregiver = None
    elif caregiver and not _child_agrees_to_contact(file, caregiver):
        left_out.append("caregiver details (the child did not agree to this caregiver's contact)")
        caregiver = None
    to = _norm(f"{form.referred_to.name} {form.referred_to.agency or ''}")
    for consent in file.consents:
        for rule in consent.withhold:
            if _norm(rule.from_whom) and _norm(rule.from_whom) in to:
                person, caregiver = _withhold(person, caregiver, rule.information)
                left_out.append(
                    f"{rule.information} (withheld from {rule.from_whom} at the "
                    "child's or caregiver's wish)"
                )
    return ReferralPackage(
        case_code=file.code,
        date=form.date,
        services=[str(s) for s in form.services],
        priority=form.priority.value,
        reason=form.reason,
        expected_outcome=form.expected_outcome,
        person=person,
        caregiver=caregiver,
        left_out=left_out,
    )


def _child_agrees_to_contact(file: CaseFile, caregiver: ReferredCaregiver) -> bool:
    reg = file.registration
    if reg is None:
        return False
    for parent in (reg.mother, reg.father):
        if parent and _norm(parent.first_name or "") == _norm(caregiver.first_name or "-"):
            return bool(parent.child_consents_to_contact)
    if reg.caregiver and _norm(reg.caregiver.first_name or "") == _norm(
        caregiver.first_name or "-"
    ):
        return bool(reg.caregiver.child_consents_to_contact)
    return False


def _withhold(
    person: ReferredPerson, caregiver: ReferredCaregiver | None, information: str
) -> tuple[ReferredPerson, ReferredCaregiver | None]:
    text = _norm(information)
    blank: dict[str, None] = {}
    for key, words in _WITHHOLD_KEYWORDS.items():
        if any(w in text for w in words):
            if key == "names":
                blank.update(first_name=None, middle_name=None, last_name=None, other_names=None)
            else:
                blank[key] = None
    person = person.model_copy(update=blank)
    if caregiver is not None:
        caregiver = caregiver.model_copy(
            update={k: v for k, v in blank.items() if k in ReferredCaregiver.model_fields}
        )
    return person, caregiver


def age_band(dob: dt.date | None, on: dt.date) -> str:
    if dob is None:
        return "unknown"
    age = on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))
    for top, label in ((5, "0-5"), (11, "6-11"), (14, "12-14"), (17, "15-17")):
        if age <= top:
            return label
    return "18+"


def export_for_reporting(file: CaseFile) -> dict:
    """The case as non-identifiable data, as consent part 2 allows for reporting: no names,
    contacts, dates of birth or narratives; the case code, age band and the facts of the steps."""
    reg = file.registration
    child = reg.child if reg else None
    return {
        "case_code": file.code,
        "status": file.status.value,
        "sex": child.sex.value if child and child.sex else None,
        "age_band_at_registration": age_band(
            child.dob if child else None, reg.date_of_interview if reg else file.identified_on
        ),
        "population_group": child.population_group.value
        if child and child.population_group
        else None,
        "protection_concerns": sorted(
            {str(c) for a in file.assessments for c in a.protection_concerns}
            | {str(c) for c in (reg.protection_concerns if reg else [])}
        ),
        "risk_history": [
            {"date": r.on.isoformat(), "level": r.level.value} for r in file.risk_history
        ],
        "activities": [
            {"date": e.on.isoformat(), "step": e.step.value, "action": e.action} for e in file.log
        ],
        "services": sorted(
            {str(s) for f in file.services for s in f.service_types}
            | {str(s) for r in file.referrals for s in r.services}
        ),
        "closure_reason": file.closures[-1].reason.value if file.closures else None,
    }


# -- case-identifying information in free text (group records) ---------------------------
@dataclass(frozen=True)
class Mention:
    """Something in a text that may identify a case, and what to write instead."""

    kind: str  # "name", "phone number", "e-mail address", "date of birth", "ID number"
    text: str  # as it was typed
    start: int
    codes: tuple[str, ...] = ()  # the case codes to use instead of a name on the register

    def advice(self) -> str:
        if self.codes:
            codes = " or ".join(self.codes)
            return (
                f"“{self.text}” is a name on the code register: write the case code {codes} "
                "instead."
            )
        return (
            f"“{self.text}” looks like a {self.kind}, which can identify a child or family: "
            "leave it out and refer to the case by its code."
        )


# Our reading of what a group note can give away and a pattern can catch: names on the
# register, phone numbers, e-mail addresses, dates of birth and ID numbers. An address or a
# description written in words cannot be caught this way; the warning says so to the user.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w/.-])\+?\d[\d .-]{6,}\d(?![\w/-])")
_DATE = re.compile(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")
_BIRTH = re.compile(
    r"\b(?:born(?:\s+on)?|d\.?o\.?b\.?|date\s+of\s+birth)\W{0,3}\d{1,2}[./-]\d{1,2}[./-]\d{2,4}",
    re.IGNORECASE,
)
_ID = re.compile(
    r"\b(?:unhcr(?:\s+id)?|national\s+id|passport|id\s*(?:no\.?|number|#))\W{0,3}"
    r"[\w-]*\d[\w-]*",
    re.IGNORECASE,
)


def _name_patterns(register: CodeRegister) -> list[tuple[re.Pattern[str], str]]:
    """(pattern, code) for each register name: the full name, the first name and the family
    name (last part). Middle names alone are left out: in many naming systems they are a
    parent's given name, shared by many people (our reading)."""
    found: list[tuple[re.Pattern[str], str]] = []
    for code, name in register._names.items():
        parts = name.split()
        variants = {" ".join(parts), parts[0], parts[-1]} if parts else set()
        for variant in sorted(variants, key=len, reverse=True):
            if len(variant) < 3:
                continue
            words = r"\s+".join(re.escape(p) for p in variant.split())
            found.append((re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE), code))
    # Longest first, so "Nadia Mohammed Salih" is one mention, not three.
    return sorted(found, key=lambda item: len(item[0].pattern), reverse=True)


def identifying_mentions(text: str, register: CodeRegister) -> list[Mention]:
    """What in `text` may identify a case: names from the code register (with the codes to
    write instead), phone numbers, e-mail addresses, dates of birth and ID numbers.
    Case codes themselves are what a group record should use, and are never flagged."""
    taken: list[tuple[int, int]] = []
    mentions: list[Mention] = []

    def add(kind: str, match: re.Match[str], codes: tuple[str, ...] = ()) -> None:
        start, end = match.span()
        if any(start < e and s < end for s, e in taken):
            return
        taken.append((start, end))
        mentions.append(Mention(kind, match.group(0), start, codes))

    by_name: dict[str, set[str]] = {}
    patterns = _name_patterns(register)
    for pattern, code in patterns:
        for match in pattern.finditer(text):
            by_name.setdefault(match.group(0).casefold(), set()).add(code)
    for pattern, _code in patterns:
        for match in pattern.finditer(text):
            add("name", match, tuple(sorted(by_name[match.group(0).casefold()])))
    for match in _EMAIL.finditer(text):
        add("e-mail address", match)
    for match in _BIRTH.finditer(text):
        add("date of birth", match)
    for match in _ID.finditer(text):
        add("ID number", match)
    for match in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        plain = match.group(0).isdigit()
        looks_like_phone = match.group(0).startswith(("+", "0")) or (plain and len(digits) >= 9)
        if len(digits) >= 8 and looks_like_phone and not _DATE.fullmatch(match.group(0)):
            add("phone number", match)
    return sorted(mentions, key=lambda m: m.start)
