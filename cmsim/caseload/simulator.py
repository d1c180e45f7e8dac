"""A caseload simulator for programme monitoring, as a CPIMS+ dashboard would show it.

The model follows SimPy and Mesa practice: all state lives in one simulation object (two
runs can go side by side), the model owns its `random.Random`, simultaneous events are
ordered by a counter so a seed always gives the same run, and the simulator only *emits an
event log*: the indicators are computed from the log in `cmsim.caseload.indicators`, never from the
model's internals.

Timelines come from the SOP passed in (`sop=`), so a trainer's own SOP changes the run.
Days are counted from `SimParams.start_date` (day 0); the run covers days 0 to `days - 1`.

Event kinds and their `detail` tuple (see `EVENT_DETAIL`):

caseworker_joined / caseworker_left ()       case_registered (risk, protection concerns)
assigned (previous caseworker or None,)      assessment_due / plan_due (due_day,)
assessed (risk,)                             planned (number of new case-plan actions,)
action_completed (action number,)
referral_made (referral id, service, due_day, priority)
referral_accepted / referral_rejected (referral id, service)
service_provided (service, action number)    follow_up_done / follow_up_missed (due_day,)
review_due / review_held (due_day,)          risk_changed (old risk, new risk)
case_closed (closure reason,)                case_transferred ()
"""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import math
import random
import secrets
from bisect import bisect
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cmsim.caseload.needs import Needs, load_needs
from cmsim.dates import DayFirstDate
from cmsim.errors import CmsimError
from cmsim.sop import CASE_STUDY_SOP, SOP, Period
from cmsim.vocab import ClosureReason, RiskLevel, ServiceType

__all__ = [
    "EVENT_DETAIL",
    "EVENT_KINDS",
    "Event",
    "ParamsProblem",
    "RiskMix",
    "Scenario",
    "SimParams",
    "SimulationMisuse",
    "SimulationResult",
    "simulate",
]


class Scenario(StrEnum):
    """What changes in the programme at `scenario_day`: one interpretation example of the
    CPIMS+ dashboard guidance (seed 003, "Examples: ..." after the feedback forms) each."""

    BASELINE = "baseline", "Nothing changes: the programme runs as set up."
    POPULATION_ARRIVAL = (
        "population_arrival",
        "Three times as many new cases a day from scenario_day. Seed 003, 'Examples: Higher "
        "Caseload': 'Population arrival'.",
    )
    FEWER_STAFF = (
        "fewer_staff",
        "Half the caseworkers leave at scenario_day; their cases are reassigned. Seed 003, "
        "'Examples: Lower Caseload': 'Decreased staff'; 'Example: Short time from case open to "
        "case closed': 'Resource change in organization (fewer staff going forward)'.",
    )
    PRESSURE_TO_CLOSE = (
        "pressure_to_close",
        "From scenario_day cases are closed early as 'goal met' and reviews are skipped. Seed "
        "003, 'Example: Short time from case open to case closed': 'Existence of pressure to "
        "close cases' and 'Belief that success means closing cases quickly'.",
    )
    BROKEN_REFERRAL_PATHWAY = (
        "broken_referral_pathway",
        "From scenario_day most referrals are refused and services start much later. Seed 003, "
        "'Examples: Lower Caseload': 'Decreased referrals/ referral pathway'; 'Examples: Low "
        "number of services provided'.",
    )
    PROGRAMME_CLOSING = (
        "programme_closing",
        "No new cases from scenario_day; open cases are closed or transferred before the end. "
        "Seed 003, 'Example: Short time from case open to case closed': 'Impending program "
        "closure'.",
    )

    def __new__(cls, value: str, doc: str = "") -> Scenario:
        # A docstring per member, so a UI can show what each scenario means and cites.
        member = str.__new__(cls, value)
        member._value_ = value
        member.__doc__ = doc
        return member

    @property
    def description(self) -> str:
        return self.__doc__ or ""


class ParamsProblem(CmsimError):
    """Simulation settings that cannot be used; `problems` holds one sentence each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("The simulation settings need changing: " + "; ".join(problems))


class SimulationMisuse(CmsimError, TypeError):
    """`simulate` was called in a way that cannot work; the message says what to do."""


class RiskMix(BaseModel):
    """Shares of new cases registered at each risk level; they add up to 1.

    The default (20% high, 50% medium, 30% low) is the course's assumption: the seeds give no
    intake mix. High-risk cases step down as they are worked, so the open caseload holds a
    smaller high-risk share than the intake (`Indicators.high_risk_share_mean` reports it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    high: float = Field(0.2, ge=0, le=1, description="Share of new cases that are high risk.")
    medium: float = Field(0.5, ge=0, le=1, description="Share of new cases that are medium risk.")
    low: float = Field(0.3, ge=0, le=1, description="Share of new cases that are low risk.")

    @model_validator(mode="after")
    def _adds_up_to_one(self) -> RiskMix:
        total = self.high + self.medium + self.low
        if abs(total - 1) > 1e-6:
            raise ValueError(
                "the shares of high, medium and low risk new cases must add up to 1 (100%), "
                f"but they add up to {total:.2f}; change one of them"
            )
        return self


class SimParams(BaseModel):
    """Settings of one caseload simulation. Each field's description is written for a
    trainer, and the bounds are the ones a form built from this model should enforce."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    days: int = Field(365, ge=7, le=3650, description="How many days the simulation covers.")
    start_date: DayFirstDate = Field(
        dt.date(2022, 1, 1),
        description="Calendar date of the first day (monthly figures count from it).",
    )
    caseworkers: int = Field(8, ge=1, le=500, description="Caseworkers at the start.")
    supervisors: int = Field(
        2,
        ge=1,
        le=100,
        description="Supervisors. More caseworkers each than the SOP allows slows plan approval.",
    )
    arrivals_per_day: float = Field(
        1.0, ge=0, le=100, description="Average number of new cases registered each day."
    )
    risk_mix: RiskMix = Field(
        default_factory=RiskMix,
        description="Shares of new cases that are high, medium and low risk at registration "
        "(adding up to 1); the default 20/50/30 is an assumption, the seeds give none.",
    )
    service_delay_days: float = Field(
        7.0,
        ge=0,
        le=180,
        description="Average number of days between a referral being accepted and the service "
        "starting.",
    )
    referral_acceptance: float = Field(
        0.85, ge=0, le=1, description="Chance that a service provider accepts a referral."
    )
    follow_up_compliance: float = Field(
        0.9,
        ge=0,
        le=1,
        description="Chance that a follow-up takes place when it is due, for a caseworker who "
        "is not over the caseload limit.",
    )
    scenario: Scenario = Field(
        Scenario.BASELINE, description="What changes in the programme during the run."
    )
    scenario_day: int | None = Field(
        None,
        ge=0,
        le=3650,
        description="Day the scenario's change begins (left empty: a third of the way "
        "through the run).",
    )

    @model_validator(mode="before")
    @classmethod
    def _default_scenario_day(cls, data: Any) -> Any:
        # The default depends on `days`, so it is filled in before field validation.
        if isinstance(data, Mapping) and data.get("scenario_day") is None:
            days = data.get("days", 365)
            if isinstance(days, int) and not isinstance(days, bool):
                return {**data, "scenario_day": days // 3}
        return data

    @model_validator(mode="after")
    def _scenario_day_within_run(self) -> SimParams:
        if self.scenario_day is not None and self.scenario_day >= self.days:
            raise ValueError(
                f"the scenario's change must begin before the last day: scenario_day is "
                f"{self.scenario_day} but the simulation covers only {self.days} days "
                f"(days 0 to {self.days - 1})"
            )
        return self

    @property
    def change_day(self) -> int:
        """The day the scenario begins, with the default filled in."""
        return self.scenario_day if self.scenario_day is not None else self.days // 3

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> SimParams:
        """Settings from a form or a file. Raises ParamsProblem with plain sentences."""
        try:
            return cls.model_validate(dict(values))
        except ValidationError as exc:
            raise ParamsProblem(_plain_param_problems(exc)) from None


def _field_label(loc: tuple[int | str, ...]) -> str:
    names = [str(p) for p in loc]
    model: type[BaseModel] = SimParams
    info = None
    for name in names:
        info = model.model_fields.get(name)
        if info is None:
            break
        if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel):
            model = info.annotation
    dotted = ".".join(names) or "the settings"
    if info is not None and info.description:
        return f"'{dotted}' ({info.description.rstrip('.').lower()})"
    return f"'{dotted}'"


def _plain_param_problems(error: ValidationError) -> list[str]:
    """Pydantic's messages rewritten as a trainer would say them."""
    lines = []
    for err in error.errors(include_url=False):
        label = _field_label(err["loc"])
        kind, ctx, given = err["type"], err.get("ctx", {}), err.get("input")
        if kind in {"greater_than_equal", "greater_than"}:
            bound = ctx.get("ge", ctx.get("gt"))
            lines.append(f"{label} must be at least {bound:g}, not {given}")
        elif kind in {"less_than_equal", "less_than"}:
            bound = ctx.get("le", ctx.get("lt"))
            lines.append(f"{label} must be at most {bound:g}, not {given}")
        elif kind in {"int_parsing", "int_from_float", "float_parsing"}:
            lines.append(f"{label} must be a number, not '{given}'")
        elif kind == "enum":
            lines.append(f"{label}: '{given}' is not one of {ctx.get('expected', '')}")
        elif kind == "extra_forbidden":
            lines.append(f"{label} is not a setting of the simulation (check the spelling)")
        elif kind == "value_error":
            lines.append(str(ctx.get("error", err["msg"])))
        else:
            lines.append(f"{label}: {err['msg']}")
    return lines


class EventKind(StrEnum):
    """What an event of the log records; EVENT_DETAIL says what its `detail` holds."""

    CASEWORKER_JOINED = "caseworker_joined"
    CASEWORKER_LEFT = "caseworker_left"
    CASE_REGISTERED = "case_registered"
    ASSIGNED = "assigned"
    ASSESSMENT_DUE = "assessment_due"
    ASSESSED = "assessed"
    PLAN_DUE = "plan_due"
    PLANNED = "planned"
    ACTION_COMPLETED = "action_completed"
    REFERRAL_MADE = "referral_made"
    REFERRAL_ACCEPTED = "referral_accepted"
    REFERRAL_REJECTED = "referral_rejected"
    SERVICE_PROVIDED = "service_provided"
    FOLLOW_UP_DONE = "follow_up_done"
    FOLLOW_UP_MISSED = "follow_up_missed"
    REVIEW_DUE = "review_due"
    REVIEW_HELD = "review_held"
    RISK_CHANGED = "risk_changed"
    CASE_CLOSED = "case_closed"
    CASE_TRANSFERRED = "case_transferred"


@dataclass(frozen=True, slots=True)
class Event:
    """One line of the event log. `day` counts from the start date; `seq` is the event's
    position in the log; `detail` holds the kind's values (see EVENT_DETAIL)."""

    day: int
    seq: int
    kind: EventKind
    case: int | None = None
    caseworker: int | None = None
    detail: tuple[Any, ...] = ()


# What each kind's `detail` tuple holds: the contract between simulator and indicators.
EVENT_DETAIL: dict[EventKind, tuple[str, ...]] = {
    EventKind.CASEWORKER_JOINED: (),
    EventKind.CASEWORKER_LEFT: (),
    EventKind.CASE_REGISTERED: ("risk", "concerns"),
    EventKind.ASSIGNED: ("previous_caseworker",),
    EventKind.ASSESSMENT_DUE: ("due_day",),
    EventKind.ASSESSED: ("risk",),
    EventKind.PLAN_DUE: ("due_day",),
    EventKind.PLANNED: ("actions",),
    EventKind.ACTION_COMPLETED: ("action",),
    EventKind.REFERRAL_MADE: ("referral", "service", "due_day", "priority"),
    EventKind.REFERRAL_ACCEPTED: ("referral", "service"),
    EventKind.REFERRAL_REJECTED: ("referral", "service"),
    EventKind.SERVICE_PROVIDED: ("service", "action"),
    EventKind.FOLLOW_UP_DONE: ("due_day",),
    EventKind.FOLLOW_UP_MISSED: ("due_day",),
    EventKind.REVIEW_DUE: ("due_day",),
    EventKind.REVIEW_HELD: ("due_day",),
    EventKind.RISK_CHANGED: ("old_risk", "new_risk"),
    EventKind.CASE_CLOSED: ("reason",),
    EventKind.CASE_TRANSFERRED: (),
}
EVENT_KINDS: tuple[str, ...] = tuple(EVENT_DETAIL)


@dataclass(frozen=True, repr=False)
class SimulationResult:
    """What a run produced: its inputs (params, SOP, seed) and the event log."""

    params: SimParams
    events: list[Event]
    seed: int | None = None
    sop: SOP = field(default=CASE_STUDY_SOP)  # risk-graded: the case study's SOP

    def __repr__(self) -> str:
        # The log can hold hundreds of thousands of events: never print them all.
        return (
            f"SimulationResult(scenario={self.params.scenario.value!r}, days={self.params.days}, "
            f"seed={self.seed}, events={len(self.events)})"
        )


# Behaviour of cases and services. These are the model's assumptions, not settings a trainer
# tunes; the SOP and SimParams carry everything that is.
_RISKS = (RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW, RiskLevel.NONE)
_NO_RISK = 3
# Each referral has its own priority (seed 003's referral form): the seed gives no rule, and
# Nadia's high-risk case made a medium-priority referral. The chance a referral takes its case's
# risk level; otherwise it is one level lower.
_REFERRAL_AT_CASE_LEVEL = 0.6
_DIRECT_SERVICE_DAYS = 3.0  # mean days before the caseworker delivers a direct service
# Work takes time whatever the SOP says: mean days a task needs at the least. A tighter
# deadline is therefore missed more often, even by a caseworker within the caseload limit.
_ASSESSMENT_NEEDS_DAYS = 0.5
_PLAN_NEEDS_DAYS = 1.0
_RESPONSE_NEEDS_DAYS = 1.0  # a service provider answering a referral
_RERATE_AT_ASSESSMENT = 0.1  # chance each way that assessment changes the risk level
# Once all actions are done and the situation has held: the chance, at a review, that the
# plan's goals are met and the case is closed at the level it has reached (high, medium, low).
# A high-risk case is not closed: its risk must come down first.
_GOAL_MET_AT_REVIEW = (0.0, 0.6, 0.8)
_LOWER_AT_REVIEW = 0.8  # otherwise, the chance risk goes down a level
_STABLE_DAYS = 28  # neither happens until this long after the last change of risk level
# Nor while the caseworker has missed more than this share of the follow-ups since the last
# review: without the visits nobody can tell the child is safe (seed 003, 'Low number of cases
# closed per month': 'Failure to follow-up').
_MISSED_FOLLOW_UPS_BLOCK = 0.5
_NEW_NEED_AT_REVIEW = 0.2  # chance a review finds a new need (one more action)
_WORSE_AT_REVIEW = 0.05  # chance the situation declined while actions are pending
# Endings other than the goal being met, checked at each review (chance, reason or transfer).
_OTHER_ENDINGS: tuple[tuple[float, ClosureReason | None], ...] = (
    (0.02, None),  # transferred to another agency
    (0.01, ClosureReason.NO_LONGER_WANT_SUPPORT),
    (0.01, ClosureReason.NOT_CONTACTABLE),
    (0.008, ClosureReason.TURNED_18),
    (0.005, ClosureReason.RELOCATION),
    (0.002, ClosureReason.DURABLE_SOLUTION),
)
# Scenario effects, as each Scenario member's docstring describes them.
_ARRIVAL_SURGE = 3.0
_STAFF_LEAVING = 0.5
_PRESSURE_CLOSE_AT_FOLLOW_UP = 0.35
_BROKEN_ACCEPTANCE = 0.2  # acceptance multiplied by this
_BROKEN_DELAY = 4.0  # service delay multiplied by this
_BROKEN_RESPONSE_NEEDS_DAYS = 6.0
_CLOSING_HANDOVER_MARGIN = 7  # last week of the run kept free of handovers

# Agenda entry codes, most frequent first (the dispatch tests them in this order).
_FOLLOW_UP, _SERVICE, _RESPONSE, _REVIEW, _ASSESS, _PLAN, _EXIT = range(7)


def _due_table(period: Period, start: dt.date, days: int) -> list[int]:
    """Day of the deadline for a task arising on each day of the run. Calendar months are
    counted with `Period.after`; other units are a fixed number of days."""
    if period.unit != "months":
        step = period.days
        return [d + step for d in range(days)]
    return [(period.after(start + dt.timedelta(days=d)) - start).days for d in range(days)]


class _Simulation:
    """One run: all of its state, its random generator and its event queue."""

    def __init__(self, params: SimParams, sop: SOP, rng: random.Random):
        self.params = params
        self.sop = sop
        self.rng = rng
        days, start = params.days, params.start_date
        cache: dict[Period, list[int]] = {}

        def table(period: Period) -> list[int]:
            if period not in cache:
                cache[period] = _due_table(period, start, days)
            return cache[period]

        risks = _RISKS[:3]
        self.assess_due = [table(sop.assessment_completed_within[r]) for r in risks]
        self.plan_due = [table(sop.case_plan_after_assessment[r]) for r in risks]
        self.review_due = [table(sop.review[r]) for r in risks]
        self.response_due = [table(sop.referral_response[r]) for r in risks]
        # "At least N times every period": the largest whole-day step that meets it.
        self.follow_up_step = [
            max(1, sop.follow_up[r].every.days // sop.follow_up[r].times) for r in risks
        ]
        needs: Needs = load_needs()
        self.concerns = tuple(needs.concerns)
        self.concern_services = tuple(n.services for n in needs.concerns.values())
        self.concern_cum_weights = tuple(
            itertools.accumulate(n.weight for n in needs.concerns.values())
        )
        self.another_concern = needs.another_concern
        self.most_concerns = needs.most_concerns
        self.given_by_caseworker = needs.given_by_caseworker

    def run(self) -> list[Event]:
        p, sop = self.params, self.sop
        rnd = self.rng.random
        expo = self.rng.expovariate
        days = p.days
        sday = p.change_day
        scenario = p.scenario
        limit = sop.supervision.caseload_limit
        sup_max = sop.supervision.caseworkers_per_supervisor_max
        mix_high = p.risk_mix.high
        mix_medium = mix_high + p.risk_mix.medium
        assess_due, plan_due = self.assess_due, self.plan_due
        review_due, response_due = self.review_due, self.response_due
        fu_step = self.follow_up_step
        compliance = p.follow_up_compliance
        pressure = scenario is Scenario.PRESSURE_TO_CLOSE
        broken = scenario is Scenario.BROKEN_REFERRAL_PATHWAY
        concerns, concern_services = self.concerns, self.concern_services
        cum_weights, total_weight = self.concern_cum_weights, self.concern_cum_weights[-1]
        another, most = self.another_concern, self.most_concerns
        direct = self.given_by_caseworker
        at_case_level = _REFERRAL_AT_CASE_LEVEL
        goal_met_at = _GOAL_MET_AT_REVIEW
        risks = _RISKS
        goal_met = ClosureReason.GOAL_MET

        events: list[Event] = []
        emit = events.append
        n_events = len
        # What is due each day, in the order it was scheduled (work scheduled for today while
        # today runs joins the end of today's list): a list per day, where a heap would spend
        # a fifth of the run ordering entries whose day alone orders them.
        agenda: list[list[tuple[int, int, Any]]] = [[] for _ in range(days)]

        # Per-case state in plain lists; index 0 is unused so ids count from 1 as on forms.
        risk: list[int] = [0]
        owner: list[int] = [0]
        is_open: list[bool] = [False]
        pending: list[int] = [0]
        found: list[list[int]] = [[]]  # the case's protection concerns (indexes)
        next_action: list[int] = [0]
        since: list[int] = [0]  # day of the last change of risk level
        reviewed: list[int] = [0]  # day of the last review held (or of the plan)
        missed: list[int] = [0]  # follow-ups missed since then
        rejected: dict[int, list[tuple[int, ServiceType]]] = {}
        loads = [0] * (p.caseworkers + 1)
        active = list(range(1, p.caseworkers + 1))
        referral_ids = itertools.count(1).__next__

        def ev(
            day: int, kind: EventKind, case: int | None, worker: int | None, detail: tuple
        ) -> None:
            emit(Event(day, n_events(events), kind, case, worker, detail))

        def delay(mean: float) -> int:
            return int(expo(1.0 / mean)) if mean > 0 else 0

        def slip(w: int) -> int:
            # Overloaded caseworkers fall behind more the further they are over the limit.
            return 1 + int(expo(1.0 / (2.0 + 14.0 * (loads[w] / limit - 1.0))))

        def work_day(start: int, due: int, w: int, needs: float) -> int:
            # Within the limit: a day chosen before the deadline, unless the work needs
            # longer. Over the limit: after the deadline.
            if loads[w] <= limit:
                return start + max(int(rnd() * (due - start + 1)), int(expo(1.0 / needs)))
            return due + slip(w)

        def end_case(d: int, c: int, reason: ClosureReason | None) -> None:
            is_open[c] = False
            w = owner[c]
            loads[w] -= 1
            if reason is None:
                ev(d, EventKind.CASE_TRANSFERRED, c, w, ())
            else:
                ev(d, EventKind.CASE_CLOSED, c, w, (reason,))

        def draw_concern(have: list[int]) -> int:
            # A concern the case does not have yet, in proportion to the concerns' weights.
            while True:
                k = bisect(cum_weights, rnd() * total_weight)
                if k not in have:
                    return k

        def refer(d: int, c: int, w: int, action: int, svc: ServiceType) -> None:
            rid = referral_ids()
            r = risk[c]
            priority = r if r == 2 or rnd() < at_case_level else r + 1
            due = response_due[priority][d]
            ev(d, EventKind.REFERRAL_MADE, c, w, (rid, svc, due, risks[priority]))
            needs = _BROKEN_RESPONSE_NEEDS_DAYS if broken and d >= sday else _RESPONSE_NEEDS_DAYS
            when = d + max(int(rnd() * (due - d + 1)), int(expo(1.0 / needs)))
            if when < days:
                agenda[when].append((_RESPONSE, c, (rid, action, svc)))

        def add_actions(d: int, c: int, w: int, plan: tuple[ServiceType, ...]) -> None:
            ev(d, EventKind.PLANNED, c, w, (len(plan),))
            for svc in plan:
                action = next_action[c]
                next_action[c] = action + 1
                pending[c] += 1
                if svc not in direct:
                    refer(d, c, w, action, svc)
                else:
                    when = d + (delay(_DIRECT_SERVICE_DAYS) if loads[w] <= limit else slip(w))
                    if when < days:
                        agenda[when].append((_SERVICE, c, (action, svc)))

        def first_follow_up(d: int, c: int) -> None:
            # A follow-up is logged once, on its due day, as done or missed: logging it also
            # when scheduled would double the largest part of the log for no extra indicator.
            due = d + fu_step[risk[c]]
            if due < days:
                agenda[due].append((_FOLLOW_UP, c, due))

        def next_review(d: int, c: int, w: int) -> None:
            due = review_due[risk[c]][d]
            if due < days:
                ev(d, EventKind.REVIEW_DUE, c, w, (due,))
                agenda[due].append((_REVIEW, c, due))

        def register(d: int) -> None:
            c = len(risk)
            u = rnd()
            r = 0 if u < mix_high else (1 if u < mix_medium else 2)
            w = min(active, key=loads.__getitem__)  # fewest open cases, lowest id on ties
            loads[w] += 1
            have = [draw_concern([])]
            while len(have) < most and rnd() < another:
                have.append(draw_concern(have))
            risk.append(r)
            owner.append(w)
            found.append(have)
            is_open.append(True)
            pending.append(0)
            next_action.append(1)
            since.append(d)
            reviewed.append(d)
            missed.append(0)
            ev(d, EventKind.CASE_REGISTERED, c, None, (risks[r], tuple(concerns[k] for k in have)))
            ev(d, EventKind.ASSIGNED, c, w, (None,))
            due = assess_due[r][d]
            ev(d, EventKind.ASSESSMENT_DUE, c, w, (due,))
            when = work_day(d, due, w, _ASSESSMENT_NEEDS_DAYS)
            if when < days:
                agenda[when].append((_ASSESS, c, None))

        def assess(d: int, c: int) -> None:
            w, r = owner[c], risk[c]
            u = rnd()
            # Gathering and verifying information can change the picture either way.
            if u < _RERATE_AT_ASSESSMENT and r > 0:
                new = r - 1
            elif u < 2 * _RERATE_AT_ASSESSMENT and r < 2:
                new = r + 1
            else:
                new = r
            if new != r:
                ev(d, EventKind.RISK_CHANGED, c, w, (risks[r], risks[new]))
                risk[c] = r = new
                since[c] = d
            ev(d, EventKind.ASSESSED, c, w, (risks[r],))
            due = plan_due[r][d]
            ev(d, EventKind.PLAN_DUE, c, w, (due,))
            when = work_day(d, due, w, _PLAN_NEEDS_DAYS)
            ratio = len(active) / p.supervisors
            if ratio > sup_max:
                # The supervisor approves every plan; too many caseworkers each slows that.
                when += 1 + int(rnd() * 2 * (ratio - sup_max))
            if when < days:
                agenda[when].append((_PLAN, c, None))

        def review(d: int, c: int, due: int) -> None:
            w = owner[c]
            if pressure and d >= sday:
                # Review skipped; the case is closed as if its goal were met.
                end_case(d, c, goal_met)
                return
            if d == due and loads[w] > limit:
                when = due + slip(w)
                if when < days:
                    agenda[when].append((_REVIEW, c, due))
                return
            ev(d, EventKind.REVIEW_HELD, c, w, (due,))
            u = rnd()
            for chance, reason in _OTHER_ENDINGS:
                if u < chance:
                    end_case(d, c, reason)
                    return
                u -= chance
            r = risk[c]
            visits = (d - reviewed[c]) // fu_step[r]  # follow-ups due since (about)
            kept_up = missed[c] <= _MISSED_FOLLOW_UPS_BLOCK * visits
            reviewed[c], missed[c] = d, 0
            if pending[c] == 0:
                held = d - since[c] >= _STABLE_DAYS and kept_up
                if held and rnd() < goal_met_at[r]:
                    end_case(d, c, goal_met)  # closed at the level the case has reached
                    return
                if held and rnd() < _LOWER_AT_REVIEW:
                    ev(d, EventKind.RISK_CHANGED, c, w, (risks[r], risks[r + 1]))
                    if r + 1 == _NO_RISK:
                        risk[c] = _NO_RISK
                        end_case(d, c, goal_met)
                        return
                    risk[c] = r + 1
                    since[c] = d
                elif rnd() < _NEW_NEED_AT_REVIEW:
                    # A concern not found before, answered by its first service.
                    k = draw_concern(found[c])
                    found[c].append(k)
                    add_actions(d, c, w, concern_services[k][:1])
            else:
                if r > 0 and rnd() < _WORSE_AT_REVIEW:
                    ev(d, EventKind.RISK_CHANGED, c, w, (risks[r], risks[r - 1]))
                    risk[c] = r - 1
                    since[c] = d
                # Refused referrals are made again (to the same kind of service).
                for action, svc in rejected.pop(c, ()):
                    refer(d, c, w, action, svc)
            next_review(d, c, w)

        def apply_scenario(d: int) -> None:
            if scenario is Scenario.FEWER_STAFF:
                n_leave = min(len(active) - 1, round(len(active) * _STAFF_LEAVING))
                leaving = active[len(active) - n_leave :]
                del active[len(active) - n_leave :]
                gone = set(leaving)
                for w in leaving:
                    ev(d, EventKind.CASEWORKER_LEFT, None, w, ())
                for c in range(1, len(risk)):
                    if is_open[c] and owner[c] in gone:
                        old = owner[c]
                        w = min(active, key=loads.__getitem__)
                        loads[old] -= 1
                        loads[w] += 1
                        owner[c] = w
                        ev(d, EventKind.ASSIGNED, c, w, (old,))
            elif scenario is Scenario.PROGRAMME_CLOSING:
                # Every open case is handed over on a day before the last week.
                span = max(0, days - 1 - _CLOSING_HANDOVER_MARGIN - d)
                for c in range(1, len(risk)):
                    if is_open[c]:
                        agenda[d + int(rnd() * (span + 1))].append((_EXIT, c, None))

        def poisson(lam: float) -> int:
            # Knuth's method, in chunks so exp(-lam) never underflows; a sum of Poisson
            # draws is a Poisson draw.
            n = 0
            while lam > 0:
                chunk = min(lam, 30.0)
                lam -= chunk
                floor = math.exp(-chunk)
                prod = rnd()
                while prod > floor:
                    n += 1
                    prod *= rnd()
            return n

        for w in active:
            ev(0, EventKind.CASEWORKER_JOINED, None, w, ())
        # The hot path's kinds as locals: a name lookup, not an attribute, per event.
        fu_done, fu_missed = EventKind.FOLLOW_UP_DONE, EventKind.FOLLOW_UP_MISSED
        provided, completed = EventKind.SERVICE_PROVIDED, EventKind.ACTION_COMPLETED
        accepted, rejected_kind = EventKind.REFERRAL_ACCEPTED, EventKind.REFERRAL_REJECTED
        rate = p.arrivals_per_day
        for d in range(days):
            if d == sday and scenario is not Scenario.BASELINE:
                apply_scenario(d)
                if scenario is Scenario.POPULATION_ARRIVAL:
                    rate = p.arrivals_per_day * _ARRIVAL_SURGE
                elif scenario is Scenario.PROGRAMME_CLOSING:
                    rate = 0.0
            for _ in range(poisson(rate)):
                register(d)
            today = agenda[d]
            i = 0
            while i < len(today):  # today's list may grow while it runs
                code, c, arg = today[i]
                i += 1
                if not is_open[c]:
                    continue  # the case ended: what was scheduled for it falls away
                if code == _FOLLOW_UP:
                    w = owner[c]
                    if pressure and d >= sday and rnd() < _PRESSURE_CLOSE_AT_FOLLOW_UP:
                        end_case(d, c, goal_met)
                        continue
                    load = loads[w]
                    chance = compliance if load <= limit else compliance * limit / load
                    # Inlined: follow-ups are half the log, and this is the hottest path.
                    if rnd() < chance:
                        emit(Event(d, n_events(events), fu_done, c, w, (arg,)))
                    else:
                        emit(Event(d, n_events(events), fu_missed, c, w, (arg,)))
                        missed[c] += 1
                    due = d + fu_step[risk[c]]
                    if due < days:
                        agenda[due].append((_FOLLOW_UP, c, due))
                elif code == _SERVICE:
                    action, svc = arg
                    w = owner[c]
                    emit(Event(d, n_events(events), provided, c, w, (svc, action)))
                    emit(Event(d, n_events(events), completed, c, w, (action,)))
                    pending[c] -= 1
                elif code == _RESPONSE:
                    rid, action, svc = arg
                    w = owner[c]
                    accept = p.referral_acceptance
                    mean = p.service_delay_days
                    if broken and d >= sday:
                        accept *= _BROKEN_ACCEPTANCE
                        mean *= _BROKEN_DELAY
                    if rnd() < accept:
                        emit(Event(d, n_events(events), accepted, c, w, (rid, svc)))
                        when = d + delay(mean)
                        if when < days:
                            agenda[when].append((_SERVICE, c, (action, svc)))
                    else:
                        emit(Event(d, n_events(events), rejected_kind, c, w, (rid, svc)))
                        rejected.setdefault(c, []).append((action, svc))
                elif code == _REVIEW:
                    review(d, c, arg)
                elif code == _ASSESS:
                    assess(d, c)
                elif code == _PLAN:
                    w = owner[c]
                    # One action for each service the case's concerns call for.
                    plan: list[ServiceType] = []
                    for k in found[c]:
                        plan += (svc for svc in concern_services[k] if svc not in plan)
                    add_actions(d, c, w, tuple(plan))
                    # Implementation starts: follow-ups and reviews run from today.
                    reviewed[c] = d
                    first_follow_up(d, c)
                    next_review(d, c, w)
                else:  # _EXIT: the programme is closing
                    planned = next_action[c] > 1
                    end_case(d, c, goal_met if planned and pending[c] == 0 else None)
            agenda[d] = []  # done: its memory goes back
        return events


def simulate(
    params: SimParams,
    *,
    sop: SOP = CASE_STUDY_SOP,
    seed: int | None = None,
    rng: random.Random | None = None,
) -> SimulationResult:
    """Run the caseload simulation and return its event log.

    Give `seed` for a run that can be repeated, or `rng` to share a generator you own. With
    neither, a seed is drawn and recorded in the result so the run can still be repeated.
    """
    if not isinstance(params, SimParams):
        raise SimulationMisuse(
            "simulate() needs the settings as SimParams, for example "
            "simulate(SimParams(days=365, caseworkers=8), seed=1); "
            "use SimParams.from_values(...) to build them from a form or a file"
        )
    if not isinstance(sop, SOP):
        raise SimulationMisuse(
            "sop= must be an SOP; load a trainer's file with cmsim.sop.load_sop(path)"
        )
    if seed is not None and rng is not None:
        raise SimulationMisuse(
            "give either seed= (a number) or rng= (a random.Random you own), not both"
        )
    if rng is None:
        if seed is None:
            seed = secrets.randbits(32)
        rng = random.Random(seed)
    model = _Simulation(params, sop, rng)
    # The log is hundreds of thousands of small objects that the cyclic garbage collector
    # would scan again and again while it grows (over half the run time), yet the run
    # creates no reference cycles. So the collector pauses during the run, as in `timeit`.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        events = model.run()
    finally:
        if was_enabled:
            gc.enable()
    return SimulationResult(params=params, events=events, seed=seed, sop=sop)
