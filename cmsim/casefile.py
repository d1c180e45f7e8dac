"""The case file: every form and a record of every activity, as stored data.

Behaviour lives in `cmsim.case.Case`; this module is only what is kept on file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path

from pydantic import Field, ValidationError

from cmsim.dates import DayFirstDate
from cmsim.errors import FileProblem, plain_problems
from cmsim.forms import (
    AssessmentForm,
    CaregiverFeedbackForm,
    CasePlan,
    ChildFeedbackForm,
    ClosureForm,
    ConsentForm,
    FollowUpForm,
    ReferralForm,
    RegistrationForm,
    ReviewForm,
    ServicesProvidedForm,
)
from cmsim.forms.base import Model
from cmsim.sop import DEFAULT_SOP, SOP
from cmsim.vocab import RiskLevel, Step, Vocab


class CaseStatus(Vocab):
    IDENTIFIED = "Identified, consent not yet recorded"
    CONSENTED = "Consent recorded, not yet registered"
    REGISTERED = "Registered, comprehensive assessment due"
    ASSESSED = "Assessed, case plan due"
    PLANNED = "Case plan drafted, supervisor approval due"
    IMPLEMENTATION = "Case plan being implemented"
    CLOSED = "Closed"
    TRANSFERRED = "Transferred"


class LogEntry(Model):
    """One activity on the case: who, when, what (a record for every activity, 004 §2.5.2)."""

    on: DayFirstDate
    by: str
    step: Step
    action: str
    summary: str


class RiskChange(Model):
    on: DayFirstDate
    level: RiskLevel
    source: str
    reason: str | None = None


class Transfer(Model):
    on: DayFirstDate
    to_agency: str
    to_caseworker: str | None = None
    reason: str
    handover: str | None = None


class Reopening(Model):
    on: DayFirstDate
    reason: str


class CaseFile(Model):
    code: str = Field(description="Non-identifying case code: the only name on the file's front")
    identified_on: DayFirstDate
    status: CaseStatus = CaseStatus.IDENTIFIED
    consents: list[ConsentForm] = Field(default_factory=list)
    registration: RegistrationForm | None = None
    assessments: list[AssessmentForm] = Field(default_factory=list)
    plans: list[CasePlan] = Field(default_factory=list)
    services: list[ServicesProvidedForm] = Field(default_factory=list)
    referrals: list[ReferralForm] = Field(default_factory=list)
    follow_ups: list[FollowUpForm] = Field(default_factory=list)
    reviews: list[ReviewForm] = Field(default_factory=list)
    closures: list[ClosureForm] = Field(default_factory=list)
    transfers: list[Transfer] = Field(default_factory=list)
    reopenings: list[Reopening] = Field(default_factory=list)
    child_feedback: list[ChildFeedbackForm] = Field(default_factory=list)
    caregiver_feedback: list[CaregiverFeedbackForm] = Field(default_factory=list)
    risk_history: list[RiskChange] = Field(default_factory=list)
    # Set by a review (or a reopening) that sends the case back to an earlier step.
    reassessment_requested_on: DayFirstDate | None = None
    replanning_requested_on: DayFirstDate | None = None
    log: list[LogEntry] = Field(default_factory=list)

    def risk_on(self, day: dt.date) -> RiskLevel | None:
        """The risk level in force on a day (the last change on or before it)."""
        level = None
        for change in self.risk_history:
            if change.on <= day:
                level = change.level
        return level

    @property
    def risk(self) -> RiskLevel | None:
        return self.risk_history[-1].level if self.risk_history else None


def save_case_file(file: CaseFile, path: str | Path) -> None:
    """Write atomically: a crash mid-write leaves the previous file intact."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = file.model_dump_json(indent=2, exclude_none=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_case_file(path: str | Path, sop: SOP = DEFAULT_SOP) -> CaseFile:
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileProblem(path, ["the case file does not exist"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FileProblem(path, [f"the case file cannot be read ({exc})"]) from None
    except json.JSONDecodeError as exc:
        problem = f"this is not a valid case file (JSON) near line {exc.lineno}"
        raise FileProblem(path, [problem]) from None
    try:
        return CaseFile.model_validate(raw, context={"sop": sop})
    except ValidationError as exc:
        raise FileProblem(path, plain_problems(exc)) from None
