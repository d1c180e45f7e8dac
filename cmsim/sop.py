"""The standard operating procedure (SOP): timelines, ratios and lists a country sets.

Two SOPs ship as data (`cmsim/sops/`), and they must not be confused:

- `GUIDELINES_SOP`, the Inter-Agency Guidelines' own rules (seed 004, the CM 101 e-course;
  the CPMS): the default, and the class's defaults below;
- `CASE_STUDY_SOP`, the Nadia case study's SOP (seed 003's form overviews, "to be
  contextualised"): an example of a contextualised SOP, graded by risk level, used by her case
  study and the caseload simulator.

A trainer loads their own SOP from a YAML file (`load_sop`): fields left out keep the
Guidelines'. Each field names its source in the seeds.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any, Generic, Literal, TypeVar

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    model_validator,
)

from cmsim.dates import add_months
from cmsim.vocab import ProtectionConcern, ReferralPriority, RiskLevel, ServiceType

T = TypeVar("T")

_UNITS = {"hour": "hours", "day": "days", "week": "weeks", "month": "months"}


class Period(BaseModel):
    """A span written as a trainer would: 'immediately', '24 hours', '3 days', '2 months'."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    amount: int = Field(ge=0)
    unit: Literal["hours", "days", "weeks", "months"] = "days"

    def after(self, start: dt.date) -> dt.date:
        """The last day still within the period. Hours round up to whole days."""
        if self.unit == "months":
            return add_months(start, self.amount)
        return start + dt.timedelta(days=self.days)

    @property
    def days(self) -> int:
        """Length in days (a month counted as 30 days where a length in days is needed)."""
        hours = self.amount * {"hours": 1, "days": 24, "weeks": 168, "months": 720}[self.unit]
        return -(-hours // 24)  # hours round up to whole days

    def __str__(self) -> str:
        if self.amount == 0:
            return "immediately"
        unit = self.unit if self.amount != 1 else self.unit[:-1]
        return f"{self.amount} {unit}"


def _parse_period(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("must be a period such as '3 days', '1 week' or 'immediately'")
    if isinstance(value, int):
        return {"amount": value, "unit": "days"}
    if isinstance(value, str):
        text = value.strip().casefold().removeprefix("within ").removeprefix("at most ")
        if text in {"immediately", "same day", "0"}:
            return {"amount": 0, "unit": "days"}
        match = re.fullmatch(r"(\d+|a|one)\s*(hour|day|week|month)s?", text)
        if match:
            amount = 1 if match[1] in {"a", "one"} else int(match[1])
            return {"amount": amount, "unit": _UNITS[match[2]]}
        raise ValueError(
            f"'{value}' is not a period; write for example 'immediately', '24 hours', "
            "'3 days', '1 week' or '2 months'"
        )
    return value


PeriodText = Annotated[
    Period, BeforeValidator(_parse_period), PlainSerializer(str, return_type=str)
]


class Frequency(BaseModel):
    """'At least N times every period', e.g. twice a week."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    times: int = Field(ge=1)
    every: PeriodText

    def __str__(self) -> str:
        times = {1: "once", 2: "twice"}.get(self.times, f"{self.times} times")
        if self.every.amount == 1:
            return f"at least {times} a {self.every.unit[:-1]}"
        return f"at least {times} every {self.every}"


def _parse_frequency(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip().casefold().removeprefix("at least ")
        match = re.fullmatch(
            r"(once|twice|\d+ times?)\s+(?:a|an|per|every)\s+(?:(\d+)\s+)?(day|week|month)s?",
            text,
        )
        if not match:
            raise ValueError(
                f"'{value}' is not a frequency; write for example 'twice a week', "
                "'once a week' or 'once every 2 weeks'"
            )
        times = {"once": 1, "twice": 2}.get(match[1]) or int(match[1].split()[0])
        return {"times": times, "every": {"amount": int(match[2] or 1), "unit": match[3] + "s"}}
    return value


FrequencyText = Annotated[
    Frequency, BeforeValidator(_parse_frequency), PlainSerializer(str, return_type=str)
]


class ByRisk(BaseModel, Generic[T]):
    """One value for each risk level that has a timeline (none-risk cases may be closed)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    high: T
    medium: T
    low: T

    def __getitem__(self, level: RiskLevel | ReferralPriority) -> T:
        if level is RiskLevel.NONE:
            raise KeyError("a case with no risk has no timeline: it may be closed")
        return getattr(self, level.name.lower())


def _p(text: str) -> Period:
    return Period.model_validate(_parse_period(text))


def _f(text: str) -> Frequency:
    return Frequency.model_validate(_parse_frequency(text))


Weekday = Literal["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MONDAY_TO_FRIDAY: tuple[Weekday, ...] = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def _less_often(a: Frequency, b: Frequency) -> bool:
    """True when `a` happens less often than `b` (compared as times per day)."""
    return a.times * b.every.days < b.times * a.every.days


class Supervision(BaseModel):
    """Staffing and supervision (004 §2.5.1, seeds 000, 001, 002, 003 tools)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    caseload_limit: int = Field(25, ge=1, description="cases per caseworker at most (CPMS)")
    caseworkers_per_supervisor_min: int = Field(5, ge=1)
    caseworkers_per_supervisor_max: int = Field(6, ge=1)
    caseload_review: PeriodText = Field(default_factory=lambda: _p("2 weeks"))
    individual_supervision: FrequencyText = Field(default_factory=lambda: _f("once a week"))
    individual_supervision_minutes: int = Field(60, ge=1)
    individual_supervision_never_less_than: FrequencyText = Field(
        default_factory=lambda: _f("once every 2 weeks")
    )
    # 001: "complemented by weekly case management meetings"; 000: every 1 to 2 weeks.
    team_meeting: FrequencyText = Field(default_factory=lambda: _f("once a week"))
    team_meeting_at_least: FrequencyText = Field(default_factory=lambda: _f("once every 2 weeks"))
    team_meeting_minutes: int = Field(60, ge=1)
    extended_team_meeting: FrequencyText = Field(default_factory=lambda: _f("once a month"))
    file_reviews_per_caseworker_month_min: int = Field(3, ge=0)
    file_reviews_per_caseworker_month_max: int = Field(5, ge=0)
    observation_new_caseworker: FrequencyText = Field(
        default_factory=lambda: _f("once every 2 weeks")
    )
    # 002 says monthly to every two months for experienced caseworkers: we plan monthly.
    observation_experienced_caseworker: FrequencyText = Field(
        default_factory=lambda: _f("once a month")
    )
    observation_experienced_at_least: FrequencyText = Field(
        default_factory=lambda: _f("once every 2 months")
    )
    # 000: the monthly extended meeting runs "for an additional hour, up to half of the day".
    extended_team_meeting_extra_minutes: int = Field(60, ge=0)
    # The seeds name no working week: Monday to Friday, which a country's SOP may change.
    working_days: list[Weekday] = Field(
        default_factory=lambda: list(_MONDAY_TO_FRIDAY),
        min_length=1,
    )

    @model_validator(mode="after")
    def _ranges(self) -> Supervision:
        if self.caseworkers_per_supervisor_min > self.caseworkers_per_supervisor_max:
            raise ValueError("caseworkers_per_supervisor_min cannot exceed the max")
        if self.file_reviews_per_caseworker_month_min > self.file_reviews_per_caseworker_month_max:
            raise ValueError("file_reviews_per_caseworker_month_min cannot exceed the max")
        if len(set(self.working_days)) != len(self.working_days):
            raise ValueError("working_days names a day twice")
        for planned, floor in (
            ("individual_supervision", "individual_supervision_never_less_than"),
            ("observation_experienced_caseworker", "observation_experienced_at_least"),
            ("team_meeting", "team_meeting_at_least"),
        ):
            if _less_often(getattr(self, planned), getattr(self, floor)):
                raise ValueError(
                    f"{planned} ({getattr(self, planned)}) is less often than "
                    f"{floor} ({getattr(self, floor)})"
                )
        if _less_often(self.team_meeting, self.extended_team_meeting):
            raise ValueError(
                f"extended_team_meeting ({self.extended_team_meeting}) cannot be more often "
                f"than team_meeting ({self.team_meeting}): an extended meeting is a team "
                "meeting that runs longer"
            )
        return self


class Contextualise(BaseModel):
    """Items a country adds to the lists the forms mark 'Contextualise'."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    protection_concerns: list[str] = Field(default_factory=list)
    service_types: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _not_duplicates(self) -> Contextualise:
        for name, enum in (
            ("protection_concerns", ProtectionConcern),
            ("service_types", ServiceType),
        ):
            for item in getattr(self, name):
                try:
                    enum(item)
                except ValueError:
                    continue
                raise ValueError(f"'{item}' is already on the form's list of {name}")
        return self


class SOP(BaseModel):
    """A country's standard operating procedure. Defaults: the seeds' (see each field)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = "The Inter-Agency Guidelines"
    # 004 §3.2: initial assessment within 24 hours of identification, 48 hours at most.
    initial_assessment: PeriodText = Field(default_factory=lambda: _p("24 hours"))
    initial_assessment_at_most: PeriodText = Field(default_factory=lambda: _p("48 hours"))
    # When the comprehensive assessment is started (registration and the initial assessment
    # come first). 004 §3.2 (CPMS):
    # within 1 week, whatever the risk level (sooner in emergencies). The case study's SOP
    # (003 §2.A) grades it: immediately (before leaving the child) / 3 days / 1 week.
    assessment_after_registration: ByRisk[PeriodText] = Field(
        default_factory=lambda: ByRisk[Period](
            high=_p("1 week"), medium=_p("1 week"), low=_p("1 week")
        )
    )
    # 004 §3.3: a case plan within 2 weeks of the assessment being completed. The case study's
    # SOP (003 §3.A): 3 days / 1 week / 2 weeks.
    case_plan_after_assessment: ByRisk[PeriodText] = Field(
        default_factory=lambda: ByRisk[Period](
            high=_p("2 weeks"), medium=_p("2 weeks"), low=_p("2 weeks")
        )
    )
    # 004 §3.2: regular monitoring, e.g. twice a week (high), once a week (medium), once every
    # two weeks (low); the case study's SOP (003 §5.A) has the same frequencies.
    follow_up: ByRisk[FrequencyText] = Field(
        default_factory=lambda: ByRisk[Frequency](
            high=_f("twice a week"), medium=_f("once a week"), low=_f("once every 2 weeks")
        )
    )
    # Where follow-up starts. 004 §3.2: monitoring begins at the end of the initial assessment
    # (the registration form holds it); 003 §5.A: once implementation of the plan starts.
    follow_up_from: Literal["initial assessment", "implementation"] = "initial assessment"
    # 004 §3.5: a review at least every 3 months, from the start of implementation; "more
    # frequently in rapidly-changing, high-risk or emergency contexts", by how much the SOP in
    # force says. The case study's SOP (003 §5.B): 1 month / 2 months / 3 months.
    review: ByRisk[PeriodText] = Field(
        default_factory=lambda: ByRisk[Period](
            high=_p("3 months"), medium=_p("3 months"), low=_p("3 months")
        )
    )
    # 003 referral form: priority level for response (the Guidelines set no times).
    referral_response: ByRisk[PeriodText] = Field(
        default_factory=lambda: ByRisk[Period](
            high=_p("24 hours"), medium=_p("3 days"), low=_p("1 week")
        )
    )
    # The case file checklist's general rules (003), also 004 §3.2-3.5.
    checklist_assessment_within: PeriodText = Field(default_factory=lambda: _p("1 week"))
    checklist_case_plan_within: PeriodText = Field(default_factory=lambda: _p("2 weeks"))
    checklist_review_at_least_every: PeriodText = Field(default_factory=lambda: _p("3 months"))
    # When the comprehensive assessment is completed, after registration. 004 §3.2 (CPMS):
    # within a month, sooner in emergencies. In the case study's SOP the assessment form's
    # "when to complete" is the same as its start: immediately / 3 days / 1 week.
    assessment_completed_within: ByRisk[PeriodText] = Field(
        default_factory=lambda: ByRisk[Period](
            high=_p("1 month"), medium=_p("1 month"), low=_p("1 month")
        )
    )
    # 003 §2.A: high-risk assessments need supervisor approval; other levels by country.
    assessment_approval_required_for: list[RiskLevel] = Field(
        default_factory=lambda: [RiskLevel.HIGH]
    )
    # 003 §6.A/004 §3.6: a visit within 3 months after closure.
    post_closure_visit_within: PeriodText = Field(default_factory=lambda: _p("3 months"))
    # 003 §6.B/6.C: feedback at the end of case management or after 3 months, if sooner.
    feedback_within: PeriodText = Field(default_factory=lambda: _p("3 months"))
    # 003 closure reasons: wait at least 3 months before closing a case no longer contactable.
    not_contactable_wait: PeriodText = Field(default_factory=lambda: _p("3 months"))
    # 004 §3.6: closed files are stored for a period set by the agency's data protection
    # protocol or national law: the Guidelines give no number (None: no period to check).
    # Nadia's agency keeps hers five years, until 12/12/2027 (003 §6.A): the case study's SOP.
    file_retention_years: int | None = Field(None, ge=0)
    supervision: Supervision = Field(default_factory=Supervision)
    contextualise: Contextualise = Field(default_factory=Contextualise)

    def needs_assessment_approval(self, level: RiskLevel) -> bool:
        return level in self.assessment_approval_required_for


SOPS_DIR = Path(__file__).with_name("sops")
SHIPPED = {"guidelines": "guidelines.yaml", "case-study": "case_study.yaml"}


def load_sop(path: str | Path) -> SOP:
    """Read a trainer's SOP file (YAML). Fields left out keep the seeds' defaults.

    Raises FileProblem naming the file, the field and what is allowed.
    """
    from cmsim.files import load_model

    return load_model(path, SOP, "SOP file", empty_ok=True)


def shipped_sop(name: str) -> SOP:
    """One of the SOPs that ship with cmsim: 'guidelines' or 'case-study'."""
    if name not in SHIPPED:
        raise KeyError(f"no SOP called {name!r}; the SOPs shipped are {', '.join(SHIPPED)}")
    return load_sop(SOPS_DIR / SHIPPED[name])


GUIDELINES_SOP = shipped_sop("guidelines")
CASE_STUDY_SOP = shipped_sop("case-study")
DEFAULT_SOP = GUIDELINES_SOP  # what a page or a call uses when no SOP is named


def sop_as_yaml(sop: SOP = DEFAULT_SOP) -> str:
    """The SOP written back as YAML a trainer can edit."""
    return yaml.safe_dump(sop.model_dump(mode="json"), sort_keys=False, allow_unicode=True)
