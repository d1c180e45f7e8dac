"""CPIMS+ programme-monitoring indicators, computed from a simulation's event log only.

Like Mesa's DataCollector, measurement is kept out of the model: everything here reads
`SimulationResult.events` (plus the run's settings and SOP for the calendar and the caseload
limit), never the simulator's internals. A hand-built log gives the same figures as a
simulated one, which is how the indicators are tested.

Rules used (DOMAIN.md, "CPIMS+ programme monitoring"; seed 003 after the feedback forms):
- Caseload: open cases assigned to each caseworker in post, taken at the end of each day.
- A task is overdue when it was done after its due day, or was not done although its due
  day passed while the case was open (before closure or transfer, or before the run ended).
- Time from case opened to closed counts closures only; transfers are reported apart.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from cmsim.caseload.simulator import Event, EventKind, SimulationResult
from cmsim.vocab import RiskLevel

__all__ = [
    "Indicators",
    "MonthlyProgress",
    "MonthlySeries",
    "OverdueTasks",
    "compute_indicators",
    "monthly_progress",
    "monthly_series",
]

_DAYS_PER_MONTH = 365.25 / 12
_OVERDUE_KINDS = ("assessment", "case_plan", "follow_up", "review", "referral_response")


class OverdueTasks(BaseModel):
    """Tasks done late, or not done by their due day while the case was open."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    assessment: int = Field(0, description="Assessments overdue")
    case_plan: int = Field(0, description="Case plans overdue")
    follow_up: int = Field(0, description="Follow-ups missed")
    review: int = Field(0, description="Case reviews overdue")
    referral_response: int = Field(0, description="Referrals answered late or not at all")

    @model_validator(mode="before")
    @classmethod
    def _total_is_derived(cls, data: Any) -> Any:
        # `total` is written out with the rest (for JSON readers) and recomputed on reading.
        if isinstance(data, dict) and "total" in data:
            data = dict(data)
            total = data.pop("total")
            parts = sum(data.get(name, 0) for name in _OVERDUE_KINDS)
            if total != parts:
                raise ValueError(f"total is {total} but the overdue tasks add up to {parts}")
        return data

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total(self) -> int:
        return (
            self.assessment + self.case_plan + self.follow_up + self.review + self.referral_response
        )


class Indicators(BaseModel):
    """The dashboard a supervisor reads. Percentages are 0-100; None means 'nothing to
    measure yet' (for example no case closed)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scenario: str
    days: int
    months: float = Field(description="Length of the run in months (of 30.44 days)")
    caseload_limit: int
    caseworkers_end: int = Field(description="Caseworkers in post on the last day")
    cases_registered: int
    cases_open_end: int
    caseload_mean: float = Field(description="Open cases per caseworker, averaged over days")
    caseload_max: int = Field(description="Most open cases one caseworker had on any day")
    caseload_end_mean: float = Field(description="Open cases per caseworker on the last day")
    caseload_end_max: int = Field(description="Most open cases of one caseworker, last day")
    caseworkers_over_limit_end: int
    caseworkers_over_limit_max: int = Field(description="Most caseworkers over the limit")
    high_risk_share_end: float | None = Field(description="% of open cases high risk, end")
    high_risk_share_mean: float | None = Field(description="% high risk, averaged over days")
    cases_closed: int
    cases_transferred: int
    closures_by_reason: dict[str, int]
    days_open_to_closed_median: float | None
    days_open_to_closed_mean: float | None
    cases_closed_per_month: float
    services_provided: int
    services_per_month: float
    referrals_made: int
    referrals_accepted_pct: float | None = Field(description="% of answered referrals accepted")
    assessments_completed_pct: float | None = Field(description="% of registered cases")
    plan_actions: int
    plan_actions_completed: int
    plan_progress_pct: float | None = Field(description="% of case-plan actions completed")
    overdue: OverdueTasks

    def describe(self) -> list[str]:
        """One plain-English line per indicator, for a trainer."""

        def pct(value: float | None, none: str) -> str:
            return none if value is None else f"{value:.0f}%"

        od = self.overdue
        if self.days_open_to_closed_median is None or self.days_open_to_closed_mean is None:
            time_to_close = "Time from case opened to closed: no case was closed."
        else:
            time_to_close = (
                f"Time from case opened to closed: {self.days_open_to_closed_median:.0f} days "
                f"(median), {self.days_open_to_closed_mean:.1f} days on average, over "
                f"{self.cases_closed:,} closed cases."
            )
        return [
            f"Caseload per caseworker: {self.caseload_mean:.1f} on average, "
            f"{self.caseload_max} at most (limit {self.caseload_limit}); at the end "
            f"{self.caseload_end_mean:.1f} on average and {self.caseload_end_max} at most.",
            f"Caseworkers over the caseload limit: {self.caseworkers_over_limit_end} of "
            f"{self.caseworkers_end} at the end, {self.caseworkers_over_limit_max} at most "
            "on one day.",
            f"High-risk cases: {pct(self.high_risk_share_end, 'none')} of the "
            f"{self.cases_open_end:,} open cases at the end "
            f"({pct(self.high_risk_share_mean, 'none')} on average).",
            time_to_close,
            f"Cases closed per month: {self.cases_closed_per_month:.1f} "
            f"({self.cases_closed:,} closed in {self.months:.1f} months; "
            f"{self.cases_transferred:,} transferred).",
            f"Services provided: {self.services_provided:,} in total, "
            f"{self.services_per_month:.1f} per month "
            f"({pct(self.referrals_accepted_pct, 'no answer yet to')} of referrals accepted).",
            f"Assessments completed: {pct(self.assessments_completed_pct, 'none')} of the "
            f"{self.cases_registered:,} registered cases.",
            f"Progress towards case-plan goals: {pct(self.plan_progress_pct, 'nothing')} of "
            f"{self.plan_actions:,} case-plan actions completed.",
            f"Overdue tasks: {od.total:,} in total (assessment {od.assessment:,}, case plan "
            f"{od.case_plan:,}, follow-up {od.follow_up:,}, review {od.review:,}, referral "
            f"response {od.referral_response:,}).",
        ]


class MonthlySeries(BaseModel):
    """Per calendar month of the run, ready for a dashboard chart (one list per measure)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    months: list[str] = Field(description="Month as YYYY-MM; the last may be partial")
    registrations: list[int]
    closures: list[int]
    transfers: list[int]
    services: list[int]
    open_cases: list[int] = Field(description="Open cases at the month's last day")
    high_risk_share: list[float | None] = Field(description="% open cases high risk, month end")


NO_CASE = -1  # a caseworker's event (joined, left) is about no case


def _case(e: Event) -> int:
    return NO_CASE if e.case is None else e.case


def _worker(e: Event) -> int:
    """The caseworker of an event that has one (assigned, joined, left)."""
    if e.caseworker is None:
        raise ValueError(f"a {e.kind} event on day {e.day} names no caseworker")
    return e.caseworker


def _pct(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


def _overdue(
    due: dict[object, tuple[int, int]], done: dict[object, int], ended: dict[int, int], days: int
) -> int:
    """Count tasks done after their due day, or undone though due while the case was open."""
    late = 0
    for key, (case, due_day) in due.items():
        day = done.get(key)
        if day is None:
            late += due_day < ended.get(case, days)
        else:
            late += day > due_day
    return late


def _assign(owner: dict[int, int], loads: Counter[int], case: int, worker: int) -> None:
    """Give an open case to a caseworker, off the load of the one who had it."""
    old = owner.get(case)
    if old is not None:
        loads[old] -= 1
    owner[case] = worker
    loads[worker] += 1


def _release(owner: dict[int, int], loads: Counter[int], case: int) -> None:
    """A case ends (closed or transferred): off its caseworker's load."""
    worker = owner.pop(case, None)
    if worker is not None:
        loads[worker] -= 1


def compute_indicators(result: SimulationResult) -> Indicators:
    """The dashboard indicators of a run, from its event log."""
    days = result.params.days
    limit = result.sop.supervision.caseload_limit
    high = RiskLevel.HIGH

    active: dict[int, None] = {}  # caseworkers in post (ordered, for reproducible output)
    loads: Counter[int] = Counter()
    owner: dict[int, int] = {}
    risk: dict[int, str] = {}  # open cases only
    registered: dict[int, int] = {}
    ended: dict[int, int] = {}
    assessed: set[int] = set()
    durations: list[int] = []
    reasons: Counter[str] = Counter()
    transferred = services = referrals = accepted = rejected = 0
    actions = actions_done = 0
    assess_due: dict[object, tuple[int, int]] = {}
    assess_done: dict[object, int] = {}
    plan_due: dict[object, tuple[int, int]] = {}
    plan_done: dict[object, int] = {}
    review_due: dict[object, tuple[int, int]] = {}
    review_done: dict[object, int] = {}
    ref_due: dict[object, tuple[int, int]] = {}
    ref_done: dict[object, int] = {}
    follow_ups_missed = 0

    # Daily snapshots, taken when the log moves past a day (a day without events repeats
    # the previous state, so it is weighed by the number of days it lasted).
    load_sum = 0.0
    load_max = over_max = 0
    high_sum = 0.0
    high_days = 0
    current = 0

    def snapshot(until: int) -> None:
        nonlocal load_sum, load_max, over_max, high_sum, high_days, current
        span = until - current
        if span <= 0:
            return
        current = until
        if active:
            counts = [loads[w] for w in active]
            load_sum += span * sum(counts) / len(counts)
            load_max = max(load_max, *counts)
            over_max = max(over_max, sum(1 for n in counts if n > limit))
        if risk:
            high_sum += span * 100 * sum(1 for r in risk.values() if r == high) / len(risk)
            high_days += span

    for e in result.events:
        if e.day > current:
            snapshot(e.day)
        kind, case = e.kind, _case(e)
        if kind == EventKind.FOLLOW_UP_MISSED:
            follow_ups_missed += 1
        elif kind == EventKind.FOLLOW_UP_DONE:
            pass
        elif kind == EventKind.CASE_REGISTERED:
            registered[case] = e.day
            risk[case] = e.detail[0]
        elif kind == EventKind.ASSIGNED:
            _assign(owner, loads, case, _worker(e))
        elif kind == EventKind.ASSESSMENT_DUE:
            assess_due[case] = (case, e.detail[0])
        elif kind == EventKind.ASSESSED:
            assess_done.setdefault(case, e.day)
            assessed.add(case)
            if case in risk:
                risk[case] = e.detail[0]
        elif kind == EventKind.PLAN_DUE:
            plan_due[case] = (case, e.detail[0])
        elif kind == EventKind.PLANNED:
            plan_done.setdefault(case, e.day)
            actions += e.detail[0]
        elif kind == EventKind.ACTION_COMPLETED:
            actions_done += 1
        elif kind == EventKind.SERVICE_PROVIDED:
            services += 1
        elif kind == EventKind.REFERRAL_MADE:
            referrals += 1
            ref_due[e.detail[0]] = (case, e.detail[2])
        elif kind in (EventKind.REFERRAL_ACCEPTED, EventKind.REFERRAL_REJECTED):
            ref_done.setdefault(e.detail[0], e.day)
            if kind == EventKind.REFERRAL_ACCEPTED:
                accepted += 1
            else:
                rejected += 1
        elif kind == EventKind.REVIEW_DUE:
            review_due[(case, e.detail[0])] = (case, e.detail[0])
        elif kind == EventKind.REVIEW_HELD:
            review_done.setdefault((case, e.detail[0]), e.day)
        elif kind == EventKind.RISK_CHANGED:
            if case in risk:
                risk[case] = e.detail[1]
        elif kind in (EventKind.CASE_CLOSED, EventKind.CASE_TRANSFERRED):
            ended[case] = e.day
            risk.pop(case, None)
            _release(owner, loads, case)
            if kind == EventKind.CASE_CLOSED:
                reasons[str(e.detail[0])] += 1
                if case in registered:
                    durations.append(e.day - registered[case])
            else:
                transferred += 1
        elif kind == EventKind.CASEWORKER_JOINED:
            active[_worker(e)] = None
        elif kind == EventKind.CASEWORKER_LEFT:
            active.pop(_worker(e), None)
    snapshot(days)

    end_counts = [loads[w] for w in active]
    months = days / _DAYS_PER_MONTH
    open_end = len(risk)
    return Indicators(
        scenario=str(result.params.scenario),
        days=days,
        months=round(months, 2),
        caseload_limit=limit,
        caseworkers_end=len(active),
        cases_registered=len(registered),
        cases_open_end=open_end,
        caseload_mean=load_sum / days,
        caseload_max=load_max,
        caseload_end_mean=sum(end_counts) / len(end_counts) if end_counts else 0.0,
        caseload_end_max=max(end_counts, default=0),
        caseworkers_over_limit_end=sum(1 for n in end_counts if n > limit),
        caseworkers_over_limit_max=over_max,
        high_risk_share_end=_pct(sum(1 for r in risk.values() if r == high), open_end),
        high_risk_share_mean=high_sum / high_days if high_days else None,
        cases_closed=sum(reasons.values()),
        cases_transferred=transferred,
        closures_by_reason=dict(sorted(reasons.items())),
        days_open_to_closed_median=float(statistics.median(durations)) if durations else None,
        days_open_to_closed_mean=statistics.fmean(durations) if durations else None,
        cases_closed_per_month=sum(reasons.values()) / months,
        services_provided=services,
        services_per_month=services / months,
        referrals_made=referrals,
        referrals_accepted_pct=_pct(accepted, accepted + rejected),
        assessments_completed_pct=_pct(len(assessed & registered.keys()), len(registered)),
        plan_actions=actions,
        plan_actions_completed=actions_done,
        plan_progress_pct=_pct(actions_done, actions),
        overdue=OverdueTasks(
            assessment=_overdue(assess_due, assess_done, ended, days),
            case_plan=_overdue(plan_due, plan_done, ended, days),
            follow_up=follow_ups_missed,
            review=_overdue(review_due, review_done, ended, days),
            referral_response=_overdue(ref_due, ref_done, ended, days),
        ),
    )


def _by_month(result: SimulationResult) -> tuple[list[str], list[list[Event]]]:
    """The run's calendar months ('2023-05') and its events month by month (a month without
    events has an empty list)."""
    start = result.params.start_date
    labels: list[str] = []
    month_of: list[int] = []  # each day of the run -> its month's index
    for d in range(result.params.days):
        date = start + dt.timedelta(days=d)
        label = f"{date.year:04d}-{date.month:02d}"
        if not labels or labels[-1] != label:
            labels.append(label)
        month_of.append(len(labels) - 1)
    months: list[list[Event]] = [[] for _ in labels]
    for e in result.events:
        months[month_of[e.day]].append(e)
    return labels, months


def monthly_series(result: SimulationResult) -> MonthlySeries:
    """Registrations, closures, transfers, services, and open cases and high-risk share at
    each month's end, per calendar month counted from the run's start date."""
    labels, by_month = _by_month(result)
    n = len(labels)
    registrations, closures, transfers, services = [0] * n, [0] * n, [0] * n, [0] * n
    open_cases: list[int] = [0] * n
    high_share: list[float | None] = [None] * n
    risk: dict[int, str] = {}
    for month, events in enumerate(by_month):
        for e in events:
            kind, case = e.kind, _case(e)
            if kind == EventKind.CASE_REGISTERED:
                registrations[month] += 1
                risk[case] = e.detail[0]
            elif kind == EventKind.SERVICE_PROVIDED:
                services[month] += 1
            elif kind in (EventKind.ASSESSED, EventKind.RISK_CHANGED):
                if case in risk:
                    risk[case] = e.detail[-1]
            elif kind == EventKind.CASE_CLOSED:
                closures[month] += 1
                risk.pop(case, None)
            elif kind == EventKind.CASE_TRANSFERRED:
                transfers[month] += 1
                risk.pop(case, None)
        open_cases[month] = len(risk)
        high_share[month] = _pct(sum(1 for r in risk.values() if r == RiskLevel.HIGH), len(risk))
    return MonthlySeries(
        months=labels,
        registrations=registrations,
        closures=closures,
        transfers=transfers,
        services=services,
        open_cases=open_cases,
        high_risk_share=high_share,
    )


class MonthlyProgress(BaseModel):
    """Per calendar month, the dashboard measures that need each case's state at the month's
    end: caseworkers and their caseloads, high-risk cases, time to closure, assessments
    completed and progress towards case-plan goals (for a monthly CPIMS+-style dashboard)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    months: list[str] = Field(description="Month as YYYY-MM; the last may be partial")
    caseworkers: list[int] = Field(description="Caseworkers in post at the month's end")
    caseload_mean: list[float | None] = Field(
        description="Open cases per caseworker in post, at the month's end"
    )
    caseload_max: list[int] = Field(description="Most open cases of one caseworker, month end")
    high_risk_open: list[int] = Field(description="Open high-risk cases at the month's end")
    days_to_close_median: list[float | None] = Field(
        description="Median days from registration to closure of the cases closed that month"
    )
    assessed_pct: list[float | None] = Field(
        description="% of the cases registered in the month whose assessment is completed by "
        "the month's end"
    )
    plan_progress_pct: list[float | None] = Field(
        description="% of the case-plan actions of the cases open at the month's end completed"
    )


def monthly_progress(result: SimulationResult) -> MonthlyProgress:
    """Month-end states and closures per calendar month, from the event log only."""
    labels, by_month = _by_month(result)
    n = len(labels)
    active: dict[int, None] = {}
    owner: dict[int, int] = {}  # open cases only
    loads: Counter[int] = Counter()
    risk: dict[int, str] = {}
    registered: dict[int, int] = {}
    assessed: set[int] = set()
    planned: Counter[int] = Counter()
    completed: Counter[int] = Counter()
    closed_days: list[list[int]] = [[] for _ in range(n)]
    caseworkers, load_max, high_open = [0] * n, [0] * n, [0] * n
    load_mean: list[float | None] = [None] * n
    assessed_pct: list[float | None] = [None] * n
    progress: list[float | None] = [None] * n

    for month, events in enumerate(by_month):
        new: list[int] = []
        for e in events:
            kind, case = e.kind, _case(e)
            if kind == EventKind.CASE_REGISTERED:
                registered[case] = e.day
                risk[case] = e.detail[0]
                new.append(case)
            elif kind == EventKind.ASSIGNED:
                _assign(owner, loads, case, _worker(e))
            elif kind == EventKind.ASSESSED:
                assessed.add(case)
                risk[case] = e.detail[0]
            elif kind == EventKind.RISK_CHANGED:
                risk[case] = e.detail[1]
            elif kind == EventKind.PLANNED:
                planned[case] += e.detail[0]
            elif kind == EventKind.ACTION_COMPLETED:
                completed[case] += 1
            elif kind in (EventKind.CASE_CLOSED, EventKind.CASE_TRANSFERRED):
                _release(owner, loads, case)
                if kind == EventKind.CASE_CLOSED and case in registered:
                    closed_days[month].append(e.day - registered[case])
            elif kind == EventKind.CASEWORKER_JOINED:
                active[_worker(e)] = None
            elif kind == EventKind.CASEWORKER_LEFT:
                active.pop(_worker(e), None)
        counts = [loads[w] for w in active]
        open_cases = list(owner)
        caseworkers[month], load_max[month] = len(active), max(counts, default=0)
        load_mean[month] = sum(counts) / len(counts) if counts else None
        high_open[month] = sum(1 for c in open_cases if risk.get(c) == RiskLevel.HIGH)
        # Of the month's new cases: a backlog shows here at once, where among all open cases
        # (mostly assessed long ago) it would hardly move the figure.
        assessed_pct[month] = _pct(sum(1 for c in new if c in assessed), len(new))
        progress[month] = _pct(
            sum(completed[c] for c in open_cases), sum(planned[c] for c in open_cases)
        )
    return MonthlyProgress(
        months=labels,
        caseworkers=caseworkers,
        caseload_mean=load_mean,
        caseload_max=load_max,
        high_risk_open=high_open,
        days_to_close_median=[float(statistics.median(d)) if d else None for d in closed_days],
        assessed_pct=assessed_pct,
        plan_progress_pct=progress,
    )
