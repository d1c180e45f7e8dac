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
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field

from cmsim.casefile import CaseFile
from cmsim.dates import DayFirstDate
from cmsim.errors import CmsimError, FileProblem, RuleViolation
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
REMOVED = "[removed]"  # what a removed detail leaves in the text (a name: its case code)

# Each kind of detail as a message says it, in plain words.
_WHAT = {
    "name": "what looks like a child's name",
    "phone number": "a phone number",
    "e-mail address": "an e-mail address",
    "date of birth": "a date of birth",
    "ID number": "an ID number",
    "number": "a long number (it may be a phone or ID number)",
}


@dataclass(frozen=True)
class Mention:
    """Something in a text that may identify a case, and what to write instead."""

    kind: str  # "name", "phone number", "e-mail address", "date of birth", "ID number", "number"
    text: str  # as it was typed
    start: int
    codes: tuple[str, ...] = ()  # the case codes to use instead of a name on the register
    label: int = 0  # how much of `text` only says what follows ("ID ", "born "): kept on removal

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def what(self) -> str:
        """What was found, in plain words: "an ID number", "a phone number"..."""
        if self.kind == "ID number" and not self.label:
            return "what looks like an ID number"
        return _WHAT.get(self.kind, f"a {self.kind}")

    @property
    def replacement(self) -> str:
        """What "remove it" writes instead: a name's case code, or the label and [removed]."""
        if self.kind == "name" and len(self.codes) == 1:
            return self.codes[0]
        return self.text[: self.label] + REMOVED

    def advice(self) -> str:
        if self.codes:
            codes = " or ".join(self.codes)
            return (
                f"“{self.text}” is a name on the code register: write the case code {codes} "
                "instead."
            )
        return (
            f"“{self.text}” is {self.what}, which can identify a child or family: "
            "leave it out and refer to the case by its code."
        )


# Our reading of what a group note can give away and a pattern can catch: names on the
# register, phone numbers, e-mail addresses, dates of birth and ID numbers. An address or a
# description written in words cannot be caught this way; the warning says so to the user.
#
# Numbers are told apart by their form and by the words before them (our reading, for the
# countries the course is used in): an ID number follows a word that names it ("ID",
# "national ID no.", "NIN", "UNHCR", "passport", "registration number", "birth certificate"),
# or mixes letters and six digits or more (CM90010102ABCD, a Ugandan NIN); a phone number
# starts with + and a country code (+256 772 123456) or with the trunk 0 (0772123456), or
# follows "phone", "tel", "mobile", "call"...; any other run of eight digits or more is a
# long number that may be either. A case code (CM-2022-0417) is what a record should use.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_DATE = re.compile(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{1,2}-\d{1,2}")
_YEARS = re.compile(r"(?:19|20)\d\d ?[-–] ?(?:19|20)?\d\d")  # 2023-2024, a period
_BIRTH = re.compile(
    r"\b(?P<label>(?:born(?:\s+on)?|d\.?o\.?b\.?|date\s+of\s+birth)\W{0,3})"
    r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}",
    re.IGNORECASE,
)
_NUMBERED = r"(?:\s*(?:no\.?|number|num\.?|nr\.?)|\s*#)?"
_ID_WORDS = (
    rf"unhcr(?:\s+(?:individual\s+)?(?:id|case))?{_NUMBERED}",
    rf"progres(?:\s+id)?{_NUMBERED}",
    rf"(?:national\s+)?id(?:entity)?(?:\s+card)?{_NUMBERED}",
    rf"nin{_NUMBERED}",
    rf"passport{_NUMBERED}",
    rf"birth\s+certificate{_NUMBERED}",
    rf"(?:registration|reg\.?|attestation|refugee\s+card){_NUMBERED}",
)
_ID = re.compile(
    rf"\b(?P<label>(?:{'|'.join(_ID_WORDS)})\s*[:#.]?\s*)"
    r"(?P<value>[A-Za-z0-9/-]*\d[A-Za-z0-9/-]*(?:[ ]\d{3,}(?![\w/-]))*)(?![\w-])",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"(?<![\w/.+-])\+?\d[\d .()-]{5,}\d(?![\w/-])")
_PHONE_WORDS = re.compile(  # looked for in the few words before a number
    r"\b(?:phone|tel|telephone|mobile|cell|call|ring|whats\s?app|sms|text|contact)\b",
    re.IGNORECASE,
)
_CODE_LIKE = re.compile(r"(?<![\w-])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*(?![\w-])")


def _digits(text: str) -> int:
    return sum(c.isdigit() for c in text)


def is_case_code(text: str, register: CodeRegister) -> bool:
    """Whether `text` is a case code: one on the register, or one of its form (CM-2022-0417)."""
    if text.upper() in register._names:
        return True
    form = rf"{re.escape(register.prefix)}-\d{{4}}-[A-Z0-9]{{3,6}}"
    return re.fullmatch(form, text, re.IGNORECASE) is not None


def _number_kind(match: re.Match[str], text: str) -> str:
    """'phone number', 'number' (long, either) or '' (a count, a date, an amount...)."""
    number = match.group(0)
    digits = _digits(number)
    if _DATE.fullmatch(number) or _YEARS.fullmatch(number) or digits < 7:
        return ""
    if number.startswith("+"):
        return "phone number" if 8 <= digits <= 15 else ""
    if number.startswith("0") and 9 <= digits <= 12:
        return "phone number"
    if _PHONE_WORDS.search(text[max(0, match.start() - 25) : match.start()]) and digits <= 15:
        return "phone number"
    groups = re.split(r"[ -]", number)
    if digits >= 8 and all(g.isdigit() for g in groups) and max(map(len, groups)) >= 3:
        return "number"  # not counts in a row (12 15 20 31)
    return ""


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

    def add(kind: str, match: re.Match[str], codes: tuple[str, ...] = (), label: int = 0) -> None:
        start, end = match.span()
        if any(start < e and s < end for s, e in taken):
            return
        taken.append((start, end))
        mentions.append(Mention(kind, match.group(0), start, codes, label))

    for word in _CODE_LIKE.finditer(text):  # a case code is never part of another detail
        if is_case_code(word.group(0), register):
            taken.append(word.span())
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
        add("date of birth", match, label=len(match.group("label")))
    for match in _ID.finditer(text):
        if _digits(match.group("value")) >= 4:
            add("ID number", match, label=len(match.group("label")))
    for match in _NUMBER.finditer(text):
        kind = _number_kind(match, text)
        if kind:
            add(kind, match)
    for match in _CODE_LIKE.finditer(text):
        token = match.group(0)
        if _digits(token) >= 6 and re.search(r"[^\W\d_]", token):
            add("ID number", match)
    return sorted(mentions, key=lambda m: m.start)


def remove_mention(text: str, kind: str, found: str, register: CodeRegister) -> str:
    """`text` with every mention of this kind that reads `found` (whatever its case) replaced
    by what a group record writes instead: a name's case code, or [removed]."""
    parts: list[str] = []
    last = 0
    for mention in identifying_mentions(text, register):
        if mention.kind == kind and mention.text.casefold() == found.casefold():
            parts += [text[last : mention.start], mention.replacement]
            last = mention.end
    return "".join(parts) + text[last:]


# -- a group record's findings, and the choice made for each -------------------------------
@dataclass(frozen=True)
class Finding:
    """A detail found in one place of a record (one box the user types in), however many
    times it is written there. `place` is the record's own key for the box, `where` names it
    for the user."""

    place: str
    where: str
    mention: Mention
    count: int = 1

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.place, self.mention.kind, self.mention.text.casefold())

    def said(self) -> str:
        """What was found, for a message at the box: 'an ID number, “ID 12345678”'."""
        times = f" ({self.count} times)" if self.count > 1 else ""
        codes = self.mention.codes  # one code: "remove it" writes it, and says so
        on_register = f" (on the code register as {' or '.join(codes)})" if len(codes) > 1 else ""
        return f"{self.mention.what}, “{self.mention.text}”{times}{on_register}"


def findings(places: Iterable[tuple[str, str, str]], register: CodeRegister) -> list[Finding]:
    """The details to resolve in (place, where, text) triples, one per kind and text a place."""
    found: dict[tuple[str, str, str], Finding] = {}
    for place, where, text in places:
        for mention in identifying_mentions(text, register):
            finding = Finding(place, where, mention)
            if finding.key in found:
                before = found[finding.key]
                finding = Finding(place, where, before.mention, before.count + 1)
            found[finding.key] = finding
    return list(found.values())


class Kept(Model):
    """A detail a group record keeps on purpose, and why: saved with the record, printed in
    its header."""

    place: str
    where: str
    kind: str
    what: str = Field(description="In plain words, e.g. 'an ID number'")
    text: str
    reason: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.place, self.kind, self.text.casefold())


def reason_problem(reason: str, register: CodeRegister) -> str:
    """'' when `reason` says in words why a detail is kept; otherwise what is missing, as a
    sentence. Our reading of "a reason of real words": three different words of two letters
    or more (any script), none a run of keys (asdf) or one letter repeated (xxx), and a word
    in Latin letters has a vowel; and the reason does not itself identify anyone."""
    words = {w.casefold() for w in re.findall(r"[^\W\d_]{2,}", reason) if _a_word(w)}
    if len(words) < 3:
        return (
            "Write why you keep it, in a few words (three at least), for example: “the "
            "caseworker must call the family back today and has no other copy”."
        )
    if identifying_mentions(reason, register):
        return (
            "The reason itself has an identifying detail. Say why without it (refer to a "
            "case by its case code)."
        )
    return ""


_KEY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "azertyuiop", "qsdfghjklm", "wxcvbn")


def _a_word(word: str) -> bool:
    low = word.casefold()
    if len(set(low)) == 1 or (len(low) >= 3 and any(low in row for row in _KEY_ROWS)):
        return False
    if low.isascii():
        return any(v in low for v in "aeiouy")
    return True


def keep(finding: Finding, reason: str, register: CodeRegister) -> Kept:
    """The choice to keep this detail, with its reason; CmsimError (saying what to write)
    when the reason is not one."""
    problem = reason_problem(reason, register)
    if problem:
        raise CmsimError(problem)
    return Kept(
        place=finding.place,
        where=finding.where,
        kind=finding.mention.kind,
        what=finding.mention.what,
        text=finding.mention.text,
        reason=" ".join(reason.split()),
    )


CHECKED = (
    "names on the code register, phone numbers, e-mail addresses, dates of birth and ID numbers"
)


@dataclass(frozen=True)
class Review:
    """Where a group record stands: the details found, the ones kept on purpose (with their
    reasons), the ones still waiting for a choice, and what its header may say."""

    found: list[Finding]
    kept: list[Kept]  # only choices that match a detail still in the record
    names_checked: bool = True

    @property
    def open(self) -> list[Finding]:
        """Details nobody has chosen about yet: the record is neither saved nor printed."""
        kept = {k.key for k in self.kept}
        return [f for f in self.found if f.key not in kept]

    @property
    def ready(self) -> bool:
        return not self.open

    def note(self) -> str:
        """What the record's header says about identifying details: that cases are named by
        their case code only when (as far as the checks go) that is true; otherwise what was
        kept and why."""
        if self.open:
            return (
                "A group record with identifying details not yet resolved: it may identify "
                "a child or family."
            )
        lines = []
        if self.kept:
            kept = "; ".join(
                f"{k.what} in {k.where}, because: {k.reason.rstrip('.')}" for k in self.kept
            )
            lines.append(
                "A group record that keeps identifying details on purpose, so its cases are "
                f"not named by their case code only. Kept: {kept}."
            )
        if not self.names_checked:
            lines.append(
                "Names could not be checked against the code register: this record may name "
                "a child. Phone numbers, e-mail addresses, dates of birth and ID numbers were "
                "checked."
            )
        if not lines:
            lines.append(
                f"A group record: cases are named by their case code only (checked for {CHECKED})."
            )
        return "\n".join(lines)


def review(found: list[Finding], choices: Iterable[Kept], names_checked: bool = True) -> Review:
    """The record's review: `choices` made earlier count for the details still found."""
    keys = {f.key for f in found}
    kept: dict[tuple[str, str, str], Kept] = {}
    for choice in choices:
        if choice.key in keys:
            kept[choice.key] = choice
    in_order = [kept[f.key] for f in found if f.key in kept]
    return Review(found=found, kept=in_order, names_checked=names_checked)
