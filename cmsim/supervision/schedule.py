"""A supervisor's month: the sessions the SOP's supervision cadences ask for, and what a team
breaks.

    team = Team.from_values({"supervisor": "S. Haddad", "caseworkers": [
        {"name": "CW-01", "caseload": 18, "experience": "new"}]})
    plan = month_schedule(team, "03/2024")      # sessions, breaches, notes; a trainer's SOP
    plan = month_schedule(team, "03/2024", sop)  # changes the plan

Sources (each session and breach names its own): 001 supervision structures (one supervisor
for 5-6 caseworkers; individual supervision 1 hour a week, never less than 1 hour every 2
weeks); 000 case management meeting record (every 1-2 weeks, at least an hour, at the same
time; an extended meeting once a month); 002 observation tool (every 2 weeks for new
caseworkers, monthly to two-monthly for experienced ones); 003 case file checklist tool (3-5
files per caseworker a month) and individual supervision tool; 004 §2.5.1 (at most 25 cases
per caseworker, each caseload reviewed at least every 2 weeks).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cmsim.dates import fmt
from cmsim.errors import CmsimError
from cmsim.sop import DEFAULT_SOP, SOP, Frequency
from cmsim.supervision.staffing import staffing_for, team_findings

__all__ = [
    "Breach",
    "Caseworker",
    "Experience",
    "MonthPlan",
    "PlanProblem",
    "Session",
    "SessionKind",
    "Team",
    "breaches",
    "month_schedule",
    "parse_month",
    "week_start",
]

NAME_MAX = 60
CASELOAD_MAX = 1000  # a typing slip, not a caseload: no team could carry it
TEAM_MAX = 60
# Cadences are counted from a fixed Monday, so a fortnightly session keeps its rhythm from
# one month to the next instead of restarting on the 1st.
EPOCH = dt.date(2024, 1, 1)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class PlanProblem(CmsimError):
    """A team or month that cannot be planned; `problems` holds one plain sentence each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(" ".join(problems))


class Experience(StrEnum):
    NEW = "new"
    EXPERIENCED = "experienced"


class Caseworker(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    name: str = Field(min_length=1, max_length=NAME_MAX, description="Name or staff code")
    caseload: int = Field(ge=0, le=CASELOAD_MAX, description="Open cases assigned")
    experience: Experience = Experience.EXPERIENCED


class Team(BaseModel):
    """One supervisor and the caseworkers they supervise."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    supervisor: str = Field(min_length=1, max_length=NAME_MAX)
    caseworkers: list[Caseworker] = Field(min_length=1, max_length=TEAM_MAX)

    @model_validator(mode="after")
    def _names_unique(self) -> Team:
        seen: set[str] = set()
        for cw in self.caseworkers:
            key = cw.name.casefold()
            if key in seen:
                raise ValueError(
                    f"two caseworkers are called '{cw.name}': give each a different name or "
                    "staff code, so the plan can tell them apart"
                )
            seen.add(key)
        return self

    @property
    def cases(self) -> int:
        return sum(cw.caseload for cw in self.caseworkers)

    @classmethod
    def from_values(cls, values: Any) -> Team:
        """A team from a form or saved data; raises PlanProblem with one sentence a row."""
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            raise PlanProblem(_plain(exc, values)) from None


def _row(values: Any, index: int) -> str:
    label = f"Caseworker {index + 1}"
    try:
        name = str(values["caseworkers"][index].get("name") or "").strip()
    except (KeyError, IndexError, TypeError, AttributeError):
        name = ""
    return f"{label} ({name})" if name else label


def _plain(error: ValidationError, values: Any) -> list[str]:
    """Pydantic's errors as a supervisor would read them, naming the row."""
    lines = []
    for err in error.errors(include_url=False):
        loc, kind, given = err["loc"], err["type"], err.get("input")
        field = str(loc[-1]) if loc else ""
        who = _row(values, loc[1]) if len(loc) >= 2 and isinstance(loc[1], int) else ""
        if loc == ("supervisor",):
            lines.append(
                "Type the supervisor's name or staff code."
                if kind in {"string_too_short", "missing"}
                else f"The supervisor's name is too long: use at most {NAME_MAX} characters."
            )
        elif loc == ("caseworkers",):
            lines.append(
                "Add at least one caseworker to plan the month."
                if kind in {"too_short", "missing"}
                else f"A plan holds at most {TEAM_MAX} caseworkers: split the team."
            )
        elif field == "name":
            lines.append(
                f"{who}: type a name or staff code."
                if kind in {"string_too_short", "missing", "string_type"}
                else f"{who}: the name is too long; use at most {NAME_MAX} characters."
            )
        elif field == "caseload":
            if kind == "greater_than_equal":
                lines.append(f"{who}: the caseload cannot be negative ({given}).")
            elif kind == "less_than_equal":
                lines.append(
                    f"{who}: {given} open cases is more than any caseworker could carry; "
                    "check the number."
                )
            else:
                lines.append(f"{who}: the caseload must be a whole number of open cases.")
        elif field == "experience":
            lines.append(f"{who}: choose 'new' or 'experienced'.")
        elif kind == "value_error":
            text = str(err.get("ctx", {}).get("error", err["msg"]))
            lines.append(text[:1].upper() + text[1:] + ".")
        else:
            lines.append(f"{who or 'The team'}: '{field}' {err['msg'].lower()}.")
    return lines


def parse_month(value: Any) -> dt.date:
    """The first day of a month written mm/yyyy (03/2024) or yyyy-mm, or of a date's month."""
    if isinstance(value, dt.date):
        return value.replace(day=1)
    text = str(value or "").strip()
    match = re.fullmatch(r"(\d{1,2})/(\d{4})", text) or re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if match:
        a, b = int(match[1]), int(match[2])
        year, month = (b, a) if "/" in text else (a, b)
        if 1 <= month <= 12 and 1900 <= year <= 2200:
            return dt.date(year, month, 1)
    raise PlanProblem(
        [f"'{text}' is not a month: write it as mm/yyyy, for example 03/2024 for March 2024."]
    )


# -- the plan ------------------------------------------------------------------------------
class SessionKind(StrEnum):
    INDIVIDUAL = "Individual supervision"
    FILE_REVIEW = "Case file review"
    OBSERVATION = "Observation"
    TEAM_MEETING = "Case management meeting"
    EXTENDED_MEETING = "Extended case management meeting"


@dataclass(frozen=True)
class Session:
    day: dt.date
    kind: SessionKind
    caseworker: str | None  # None: the whole team
    minutes: int | None  # None where the seeds give no length
    rule: str  # the cadence in the SOP's words, and its source

    def label(self) -> str:
        who = f" with {self.caseworker}" if self.caseworker else " (whole team)"
        if self.kind is SessionKind.FILE_REVIEW:
            who = f": a file of {self.caseworker}"
        length = f", {self.minutes} min" if self.minutes else ""
        return f"{self.kind.value}{who}{length}"


@dataclass(frozen=True)
class Breach:
    """A rule the team breaks: which rule, what was found, what to do, where it comes from."""

    rule: str
    finding: str
    todo: str
    source: str

    def __str__(self) -> str:
        return f"{self.finding} {self.todo} (Rule: {self.rule}; {self.source}.)"


@dataclass(frozen=True)
class MonthPlan:
    team: Team
    month: dt.date  # its first day
    sop_name: str
    sessions: tuple[Session, ...]
    breaches: tuple[Breach, ...]
    notes: tuple[str, ...]  # how the cadences were read, and the choices made

    def count(self, kind: SessionKind, caseworker: str | None = None) -> int:
        return sum(
            1
            for s in self.sessions
            if s.kind is kind and (caseworker is None or s.caseworker == caseworker)
        )

    def on(self, day: dt.date) -> list[Session]:
        return [s for s in self.sessions if s.day == day]

    def totals(self) -> list[str]:
        """The supervisor's month in a few lines."""
        individual = [s for s in self.sessions if s.kind is SessionKind.INDIVIDUAL]
        meetings = [
            s
            for s in self.sessions
            if s.kind in {SessionKind.TEAM_MEETING, SessionKind.EXTENDED_MEETING}
        ]
        hours = sum(s.minutes or 0 for s in individual) / 60
        meeting_hours = sum(s.minutes or 0 for s in meetings) / 60
        return [
            f"{len(individual)} individual supervision sessions ({hours:g} hours) with "
            f"{len(self.team.caseworkers)} caseworker"
            f"{'s' * (len(self.team.caseworkers) != 1)}.",
            f"{len(meetings)} case management meetings ({meeting_hours:g} hours), "
            f"{self.count(SessionKind.EXTENDED_MEETING)} of them extended.",
            f"{self.count(SessionKind.FILE_REVIEW)} case files to review with the checklist.",
            f"{self.count(SessionKind.OBSERVATION)} observations of case management sessions.",
        ]


def _last_day(first: dt.date) -> dt.date:
    following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def week_start(working_days: Sequence[str]) -> int:
    """The weekday (0 = Monday) a working week starts on: the working day that follows a day
    off (Sunday in a Sunday to Thursday week); with no day off, Monday."""
    days = {WEEKDAYS.index(d) for d in working_days}
    return min((d for d in days if (d - 1) % 7 not in days), default=0)


class _Month:
    """The month's calendar under the SOP's working week."""

    def __init__(self, first: dt.date, working_days: Sequence[str]):
        self.first = first
        self.last = _last_day(first)
        start = week_start(working_days)
        self.working = sorted(
            (WEEKDAYS.index(d) for d in working_days), key=lambda d: (d - start) % 7
        )

    def is_working(self, day: dt.date) -> bool:
        return day.weekday() in self.working

    def snap(self, day: dt.date) -> dt.date | None:
        """The next working day in the month, else the previous one."""
        d = max(day, self.first)
        while d <= self.last and not self.is_working(d):
            d += dt.timedelta(days=1)
        if d <= self.last:
            return d
        d = min(day, self.last)
        while d >= self.first and not self.is_working(d):
            d -= dt.timedelta(days=1)
        return d if d >= self.first else None

    def before(self, day: dt.date) -> dt.date:
        """The working day before `day` in the month, or `day` itself if there is none."""
        d = day - dt.timedelta(days=1)
        while d >= self.first:
            if self.is_working(d):
                return d
            d -= dt.timedelta(days=1)
        return day

    def dates(
        self, freq: Frequency, *, phase_days: int, phase_month: int, fraction: float
    ) -> list[dt.date]:
        """Days of the month on which a cadence falls. Cadences in days or weeks run from
        EPOCH + phase_days in equal steps (a weekly one keeps its weekday); cadences in months
        fall `times` times in every n-th month, at `fraction` of each share of the month."""
        raw: list[dt.date] = []
        if freq.every.unit == "months":
            every = max(1, freq.every.amount)
            index = self.first.year * 12 + self.first.month - 1
            if (index + phase_month) % every == 0:
                share = self.last.day / freq.times
                raw = [
                    self.first + dt.timedelta(days=int(share * (j + fraction)))
                    for j in range(freq.times)
                ]
        else:
            step = max(1.0, freq.every.days / freq.times)
            start, end = (self.first - EPOCH).days, (self.last - EPOCH).days
            k = math.ceil((start - phase_days) / step)
            while (t := phase_days + k * step) <= end:
                raw.append(EPOCH + dt.timedelta(days=math.floor(t)))
                k += 1
        return sorted({s for d in raw if (s := self.snap(d)) is not None})


def _bare(freq: Frequency) -> str:
    """'once every 2 weeks', for after 'never less than'."""
    return str(freq).removeprefix("at least ")


def _rules(sop: SOP) -> dict[str, str]:
    s = sop.supervision
    lo, hi = s.file_reviews_per_caseworker_month_min, s.file_reviews_per_caseworker_month_max
    return {
        "individual": (
            f"{s.individual_supervision}, {s.individual_supervision_minutes} minutes, never "
            f"less than {_bare(s.individual_supervision_never_less_than)}; it includes the "
            f"review of the caseworker's caseload (at least every {s.caseload_review}) and "
            "the feedback on file reviews and observations (001 supervision structures; 003 "
            "individual supervision tool; 004 §2.5.1)"
        ),
        "file_review": (
            f"{lo}-{hi} files per caseworker a month, reviewed with the case file checklist; "
            "the feedback is given in individual supervision (003 case file checklist tool)"
        ),
        "observation_new": (
            f"new caseworkers: {s.observation_new_caseworker}, with the consent of the child "
            "and caregiver asked before the session (002 observation tool)"
        ),
        "observation_experienced": (
            f"experienced caseworkers: {s.observation_experienced_caseworker}, never less than "
            f"{_bare(s.observation_experienced_at_least)}, with the consent of the child and "
            "caregiver asked before the session (002 observation tool)"
        ),
        "team_meeting": (
            f"{s.team_meeting}, never less than {_bare(s.team_meeting_at_least)}, at the same "
            f"time, at least {s.team_meeting_minutes} minutes (001 supervision structures; 000 "
            "case management meeting record)"
        ),
        "extended": (
            f"{s.extended_team_meeting}: the meeting runs {s.extended_team_meeting_extra_minutes}"
            " minutes longer (up to half a day) for a topical session, a case discussion or a "
            "guest speaker (000 case management meeting record)"
        ),
    }


def _sessions(team: Team, month: _Month, sop: SOP) -> list[Session]:
    s = sop.supervision
    rules = _rules(sop)
    work, n_work = month.working, len(month.working)
    sessions: list[Session] = []

    # Case management meetings: the first working day of the week, at the same time (000).
    meetings = month.dates(s.team_meeting, phase_days=work[0], phase_month=0, fraction=0.0)
    extended = month.dates(s.extended_team_meeting, phase_days=work[0], phase_month=0, fraction=0.5)
    # An extended meeting is a case management meeting that runs longer: the last ones.
    n_extended = min(len(extended), len(meetings))
    for n, day in enumerate(meetings):
        if n >= len(meetings) - n_extended:
            minutes = s.team_meeting_minutes + s.extended_team_meeting_extra_minutes
            sessions.append(
                Session(day, SessionKind.EXTENDED_MEETING, None, minutes, rules["extended"])
            )
        else:
            sessions.append(
                Session(
                    day,
                    SessionKind.TEAM_MEETING,
                    None,
                    s.team_meeting_minutes,
                    rules["team_meeting"],
                )
            )

    for i, cw in enumerate(team.caseworkers):
        # Each caseworker keeps a weekday; beyond one a day, alternate weeks spread the load.
        individual = month.dates(
            s.individual_supervision,
            phase_days=work[i % n_work] + 7 * (i // n_work),
            phase_month=i,
            fraction=(i % n_work + 0.5) / n_work,
        )
        sessions += [
            Session(
                day,
                SessionKind.INDIVIDUAL,
                cw.name,
                s.individual_supervision_minutes,
                rules["individual"],
            )
            for day in individual
        ]

        new = cw.experience is Experience.NEW
        # 003 asks 3-5 files a month: the upper figure for a new caseworker, whose practice is
        # still being built (as 002 does for observations), the lower for an experienced one.
        files = (
            s.file_reviews_per_caseworker_month_max
            if new
            else s.file_reviews_per_caseworker_month_min
        )
        for j in range(files):
            if individual:
                # Reviewed the working day before the session where the feedback is given.
                day = month.before(individual[j * len(individual) // files])
            else:
                day = month.dates(
                    Frequency.model_validate({"times": files, "every": "1 month"}),
                    phase_days=0,
                    phase_month=0,
                    fraction=0.5,
                )[j]
            sessions.append(
                Session(day, SessionKind.FILE_REVIEW, cw.name, None, rules["file_review"])
            )

        observed = month.dates(
            s.observation_new_caseworker if new else s.observation_experienced_caseworker,
            phase_days=work[(i + 2) % n_work] + 7 * i,
            phase_month=i,
            fraction=((i % 4) + 1) / 5,
        )
        rule = rules["observation_new" if new else "observation_experienced"]
        sessions += [Session(day, SessionKind.OBSERVATION, cw.name, None, rule) for day in observed]

    order = list(SessionKind)
    names = [cw.name for cw in team.caseworkers]
    return sorted(
        sessions,
        key=lambda x: (
            x.day,
            order.index(x.kind),
            names.index(x.caseworker) if x.caseworker else -1,
        ),
    )


def breaches(team: Team, sop: SOP = DEFAULT_SOP) -> list[Breach]:
    """What the team breaks under the SOP, each with its rule and source; [] when none."""
    s = sop.supervision
    limit = s.caseload_limit
    found: list[Breach] = []
    need = staffing_for(team.cases, sop).caseworkers
    short = need - len(team.caseworkers)
    for cw in team.caseworkers:
        if cw.caseload > limit:
            todo = (
                f"Other caseworkers in the team have room: move {cw.caseload - limit} of "
                f"{cw.name}'s cases to them, and register no new case for {cw.name} meanwhile."
                if short <= 0
                else f"Register no new case for {cw.name} until the caseload is back within "
                "the limit; the team as a whole is over it too (see below)."
            )
            found.append(
                Breach(
                    rule=f"At most {limit} open cases per caseworker",
                    finding=f"{cw.name} carries {cw.caseload} open cases, "
                    f"{cw.caseload - limit} more than the SOP allows.",
                    todo=todo,
                    source="004 §2.5.1, from the CPMS",
                )
            )
    if short > 0:
        found.append(
            Breach(
                rule=f"At most {limit} open cases per caseworker",
                finding=f"The team's {team.cases} open cases need at least {need} caseworkers "
                f"at {limit} each, and the team has {len(team.caseworkers)}.",
                todo=f"Recruit {short} more caseworker{'s' * (short != 1)}, or register fewer "
                "cases by refining the vulnerability criteria.",
                source="004 §2.5.1, from the CPMS",
            )
        )
    # With no cases, only the caseworkers-per-supervisor rule can be broken: its message.
    for message in team_findings(0, len(team.caseworkers), 1, sop):
        found.append(
            Breach(
                rule=f"One supervisor for {s.caseworkers_per_supervisor_min}-"
                f"{s.caseworkers_per_supervisor_max} caseworkers",
                finding=f"{team.supervisor} supervises {len(team.caseworkers)} caseworkers: "
                f"{message}",
                todo="Share the team with another supervisor, so that every caseworker gets "
                "the supervision the SOP asks for.",
                source="001 supervision structures; 004 §2.5.1",
            )
        )
    return found


def _notes(sop: SOP, month: _Month) -> list[str]:
    s = sop.supervision
    days = ", ".join(WEEKDAYS[d] for d in month.working)
    return [
        f"Working days: {days}. A session that would fall on another day moves to the next "
        "working day in the month.",
        f"Individual supervision keeps each caseworker's weekday; case management meetings "
        f"fall on the first working day of the week. Cadences are counted from Monday "
        f"{fmt(EPOCH)}, so a fortnightly session keeps its rhythm from month to month.",
        "Case management meetings: 001 speaks of weekly meetings and 000 of every 1 to 2 "
        f"weeks; this SOP plans them {_bare(s.team_meeting)}, never less than "
        f"{_bare(s.team_meeting_at_least)}. The extended meeting is the last meeting of the "
        "month, made longer.",
        f"Case file reviews: {s.file_reviews_per_caseworker_month_min}-"
        f"{s.file_reviews_per_caseworker_month_max} files per caseworker a month (003). We plan "
        f"{s.file_reviews_per_caseworker_month_max} for new caseworkers and "
        f"{s.file_reviews_per_caseworker_month_min} for experienced ones, each on the working "
        "day before the supervision session where the feedback is given.",
        "Observations: 002 says every 2 weeks for new caseworkers and 'monthly ... (i.e., once "
        f"every two months)' for experienced ones. This plan follows the SOP: "
        f"{s.observation_new_caseworker} for new caseworkers, "
        f"{s.observation_experienced_caseworker} for experienced ones (never less than "
        f"{_bare(s.observation_experienced_at_least)}).",
    ]


def month_schedule(team: Team, month: Any, sop: SOP = DEFAULT_SOP) -> MonthPlan:
    """The month's supervision sessions for the team, and what the team breaks."""
    if not isinstance(team, Team):
        team = Team.from_values(team)
    first = parse_month(month)
    calendar = _Month(first, sop.supervision.working_days)
    return MonthPlan(
        team=team,
        month=first,
        sop_name=sop.name,
        sessions=tuple(_sessions(team, calendar, sop)),
        breaches=tuple(breaches(team, sop)),
        notes=tuple(_notes(sop, calendar)),
    )
