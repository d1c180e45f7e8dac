"""What is due when: deadlines computed from the SOP and the risk level in force.

Nothing here is typed by hand: each deadline comes from a dated event on file and the SOP's
timeline for the risk level of the moment, so a change of risk level re-plans what is due.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from cmsim.casefile import CaseFile, CaseStatus
from cmsim.dates import add_years, fmt
from cmsim.sop import SOP, Frequency, Period
from cmsim.vocab import RiskLevel, Step

Status = Literal["met", "late", "due", "overdue", "undated"]


class DeadlineKind(StrEnum):
    """Which of the SOP's timelines a deadline follows."""

    INITIAL_ASSESSMENT = "initial assessment"
    COMPREHENSIVE_ASSESSMENT = "comprehensive assessment"
    CASE_PLAN = "case plan"
    REFERRAL_RESPONSE = "referral response"
    FOLLOW_UP = "follow-up"
    REVIEW = "review"
    POST_CLOSURE_VISIT = "visit after closure"
    FEEDBACK = "feedback"


@dataclass(frozen=True)
class Deadline:
    """One thing the SOP says must happen by a date, and whether it did."""

    what: str
    step: Step
    due: dt.date
    done_on: dt.date | None
    status: Status
    rule: str
    kind: DeadlineKind
    window: tuple[dt.date, dt.date] | None = None  # a follow-up period: its first and last day

    @property
    def days_late(self) -> int:
        end = self.done_on
        return (end - self.due).days if end and end > self.due else 0

    def describe(self) -> str:
        base = f"{self.what}: due {fmt(self.due)}"
        if self.status == "met":
            return f"{base}, done {fmt(self.done_on)} (on time)"
        if self.status == "late":
            days = self.days_late
            return f"{base}, done {fmt(self.done_on)} ({days} day{'s' * (days != 1)} late)"
        if self.status == "undated":
            return f"{base}, recorded without a date"
        return f"{base}, {'not done yet' if self.status == 'due' else 'OVERDUE, not done'}"


def _within(period: Period) -> str:
    return f"within {period}" if period.amount else "immediately, before leaving the child"


def _judge(due: dt.date, done: dt.date | None, as_of: dt.date) -> Status:
    if done is not None:
        return "met" if done <= due else "late"
    return "due" if as_of <= due else "overdue"


def implementation_start(file: CaseFile) -> dt.date | None:
    """The day the (first) approved case plan starts being implemented."""
    for plan in file.plans:
        review = plan.supervisor_review
        if review and review.approved:
            return max(review.date or plan.date_agreed, plan.date_agreed)
    return None


def case_end(file: CaseFile) -> dt.date | None:
    if file.status is CaseStatus.CLOSED and file.closures:
        return file.closures[-1].date_closed
    if file.status is CaseStatus.TRANSFERRED and file.transfers:
        return file.transfers[-1].on
    return None


def judged_on(file: CaseFile) -> dt.date:
    """The day a file is read on when no day is given: the last day anything was recorded on
    it. A supervisor opening the file then sees what was due by that day; what falls due later
    (the visit within 3 months after closure) is not yet due, not missed."""
    return max((e.on for e in file.log), default=file.identified_on)


def _first_on_or_after(days: list[dt.date], start: dt.date) -> dt.date | None:
    later = [d for d in days if d >= start]
    return min(later) if later else None


def deadlines(file: CaseFile, sop: SOP, as_of: dt.date) -> list[Deadline]:
    """Every deadline of the case up to `as_of`, in date order. Once the case has ended, only
    the rules for after its end fall due: the visit after closure and the feedback; follow-ups
    and reviews stop with the case."""
    items: list[Deadline] = []
    reg = file.registration
    end = case_end(file)
    ended = end if end and end <= as_of else None  # the case had ended by `as_of`
    horizon = min(as_of, end) if end else as_of

    if reg:
        due = sop.initial_assessment_at_most.after(reg.date_identified)
        items.append(
            Deadline(
                "Registration and initial assessment",
                Step.IDENTIFICATION_REGISTRATION,
                due,
                reg.date_of_interview,
                _judge(due, reg.date_of_interview, as_of),
                f"within {sop.initial_assessment} of identification, "
                f"{sop.initial_assessment_at_most} at most",
                kind=DeadlineKind.INITIAL_ASSESSMENT,
            )
        )
        # Each request for an assessment: registration, a review, a reopening.
        starts: list[tuple[dt.date, RiskLevel | None, str]] = [
            (reg.date_of_interview, reg.risk_level, "registration")
        ]
        starts += [(r.date, None, "the review") for r in file.reviews if r.new_assessment_needed]
        starts += [(r.on, None, "reopening") for r in file.reopenings]
        done_dates = [a.completion_date for a in file.assessments]
        for start, given, why in starts:
            level = given or file.risk_on(start)
            if not level or level is RiskLevel.NONE:
                continue
            period = sop.assessment_completed_within[level]  # the form is dated when done
            due = period.after(start)
            done = _first_on_or_after(done_dates, start)
            items.append(
                Deadline(
                    f"Comprehensive assessment after {why} of {fmt(start)}",
                    Step.ASSESSMENT,
                    due,
                    done,
                    _judge(due, done, as_of),
                    f"{level.value.lower()} risk: {_within(period)}",
                    kind=DeadlineKind.COMPREHENSIVE_ASSESSMENT,
                )
            )

    plan_dates = [p.date_agreed for p in file.plans]
    for form in file.assessments:
        if form.risk_level is RiskLevel.NONE:
            continue
        period = sop.case_plan_after_assessment[form.risk_level]
        due = period.after(form.completion_date)
        done = _first_on_or_after(plan_dates, form.completion_date)
        items.append(
            Deadline(
                f"Case plan after the assessment of {fmt(form.completion_date)}",
                Step.CASE_PLANNING,
                due,
                done,
                _judge(due, done, as_of),
                f"{form.risk_level.value.lower()} risk: within {period} of the assessment",
                kind=DeadlineKind.CASE_PLAN,
            )
        )

    begun = implementation_start(file)
    follow_from = begun
    if sop.follow_up_from == "initial assessment" and reg:
        follow_from = reg.date_of_interview  # the registration form holds the initial assessment
    if follow_from:
        items += _follow_up_deadlines(file, sop, follow_from, horizon, as_of, ended)
    if begun:
        items += _review_deadlines(file, sop, begun, horizon, as_of, ended)

    for referral in file.referrals:
        period = sop.referral_response[referral.priority]
        due = period.after(referral.date)
        # The referral form records whether the provider accepted, not when.
        status: Status = "undated" if referral.accepted is not None else _judge(due, None, as_of)
        items.append(
            Deadline(
                f"Response to the referral of {fmt(referral.date)} "
                f"({', '.join(map(str, referral.services))})",
                Step.IMPLEMENTATION,
                due,
                None,
                status,
                f"{referral.priority.value.lower()} priority: respond within {period}",
                kind=DeadlineKind.REFERRAL_RESPONSE,
            )
        )

    if file.status is CaseStatus.CLOSED and file.closures:
        closed = file.closures[-1].date_closed
        due = sop.post_closure_visit_within.after(closed)
        done = _first_on_or_after([f.date for f in file.follow_ups], closed + dt.timedelta(1))
        items.append(
            Deadline(
                "Follow-up visit after closure",
                Step.CLOSURE,
                due,
                done,
                _judge(due, done, as_of),
                f"within {sop.post_closure_visit_within} after closure",
                kind=DeadlineKind.POST_CLOSURE_VISIT,
            )
        )
    if reg and end:
        # "At the end of the case management process, or after 3 months (whichever is the
        # shortest period)" (003 §6.B/6.C), read as: gathered as the case ends, within 3
        # months of its end at the latest (Nadia's forms of 15/12, three days after closure,
        # are on time).
        due = sop.feedback_within.after(end)
        for label, forms in (
            ("child", file.child_feedback),
            ("caregiver", file.caregiver_feedback),
        ):
            done = min((f.date_completed for f in forms), default=None)
            items.append(
                Deadline(
                    f"Feedback from the {label}",
                    Step.CLOSURE,
                    due,
                    done,
                    _judge(due, done, as_of),
                    f"at the end of case management, within {sop.feedback_within} of it",
                    kind=DeadlineKind.FEEDBACK,
                )
            )
    return sorted(items, key=lambda d: d.due)


def _own_schedules(file: CaseFile, start: dt.date) -> list[tuple[dt.date, dt.date, Frequency, str]]:
    """Follow-up frequencies the case plans and reviews set themselves: [from, to), the
    frequency, and whose it is. A plan's runs from implementation (or its agreement) until its
    `follow_up_until` or the next plan; a review's until its own end or the next review."""
    never = dt.date.max
    own: list[tuple[dt.date, dt.date, Frequency, str]] = []
    plans = sorted(file.plans, key=lambda p: p.date_agreed)
    for plan, after in itertools.zip_longest(plans, plans[1:]):
        if plan.follow_up_frequency:
            begin = max(plan.date_agreed, start)
            end = plan.follow_up_until + dt.timedelta(1) if plan.follow_up_until else never
            end = min(end, after.date_agreed if after else never)
            own.append(
                (begin, end, plan.follow_up_frequency, f"the case plan of {fmt(plan.date_agreed)}")
            )
    reviews = sorted(file.reviews, key=lambda r: r.date)
    for review, after in itertools.zip_longest(reviews, reviews[1:]):
        if review.follow_up_frequency:
            end = review.follow_up_until + dt.timedelta(1) if review.follow_up_until else never
            end = min(end, after.date if after else never)
            own.append(
                (review.date, end, review.follow_up_frequency, f"the review of {fmt(review.date)}")
            )
    return own


def _visits_a_day(freq: Frequency) -> float:
    return freq.times / freq.every.days


def _follow_up_periods(
    file: CaseFile, sop: SOP, start: dt.date, end: dt.date
) -> list[tuple[dt.date, dt.date, Frequency, str]]:
    """Stretches [from, to) of one follow-up frequency: the SOP's floor for the risk level in
    force, or the case plan's or a review's own where it asks for more visits (a tie goes to
    the plan or review: it is what the caseworker follows)."""
    own = _own_schedules(file, start)
    cuts = {d for a, b, *_ in own for d in (a, b) if start < d < end}
    # Each (re)rating of risk starts the count afresh, even at the same level.
    rated = {c.on for c in file.risk_history if start < c.on < end}
    bounds = sorted({start, end, *cuts, *rated})
    periods: list[tuple[dt.date, dt.date, Frequency, str]] = []
    for a, b in itertools.pairwise(bounds):
        level = file.risk_on(a)
        choices = [(f, f"{whose}: {f}") for lo, hi, f, whose in own if lo <= a < hi]
        if level and level is not RiskLevel.NONE:
            floor = sop.follow_up[level]
            choices.append((floor, f"{level.value.lower()} risk: {floor}"))
        if not choices:
            continue
        freq, why = max(choices, key=lambda c: _visits_a_day(c[0]))  # first of equals: own
        if periods and periods[-1][1] == a and a not in rated and periods[-1][2:] == (freq, why):
            periods[-1] = (periods[-1][0], b, freq, why)  # the same rule goes on
        else:
            periods.append((a, b, freq, why))
    return periods


def _follow_up_deadlines(
    file: CaseFile,
    sop: SOP,
    start: dt.date,
    horizon: dt.date,
    as_of: dt.date,
    ended: dt.date | None,
) -> list[Deadline]:
    """Follow-ups counted window by window, at the frequency in force (`_follow_up_periods`).

    A window cut short by a change of frequency or by the end of the case is not judged and
    not shown: only the window running on `as_of` of a case still open is (not yet due)."""
    visits = sorted(f.date for f in file.follow_ups)
    items = []
    stop = horizon + dt.timedelta(1)
    for a, b, freq, rule in _follow_up_periods(file, sop, start, stop):
        window_start = a
        while True:
            window_end = freq.every.after(window_start)  # exclusive
            complete = window_end <= b
            running = b == stop and ended is None  # the window the case is in on `as_of`
            if window_start >= b or (not complete and not running):
                break
            inside = [v for v in visits if window_start <= v < min(window_end, b)]
            last_day = window_end - dt.timedelta(1)
            if len(inside) >= freq.times:
                status: Status = "met"
                done = inside[freq.times - 1]
            else:
                status, done = ("due" if as_of <= last_day else "overdue"), None
            items.append(
                Deadline(
                    f"Follow-up {freq.times}x between {fmt(window_start)} and {fmt(last_day)} "
                    f"({len(inside)} done)",
                    Step.FOLLOW_UP_REVIEW,
                    last_day,
                    done,
                    status,
                    rule,
                    kind=DeadlineKind.FOLLOW_UP,
                    window=(window_start, last_day),
                )
            )
            if not complete:
                break
            window_start = window_end
    return items


def _review_deadlines(
    file: CaseFile,
    sop: SOP,
    start: dt.date,
    horizon: dt.date,
    as_of: dt.date,
    ended: dt.date | None,
) -> list[Deadline]:
    """Reviews: the first within the period of the risk level in force after implementation
    starts, each next one within the period of the risk level at the previous review; none
    falls due after the case ended."""
    items = []
    anchor = start
    for review in [*sorted(file.reviews, key=lambda r: r.date), None]:
        # The level in force just before the review (a review's own change applies next).
        before = review.date - dt.timedelta(1) if review else horizon
        level = file.risk_on(max(before, anchor)) or RiskLevel.NONE
        if level is RiskLevel.NONE:
            break
        period = sop.review[level]
        due = period.after(anchor)
        done = review.date if review else None
        if review is None and ended and due > ended:
            break  # the case ended before the next review fell due
        items.append(
            Deadline(
                f"Case review (after {fmt(anchor)})",
                Step.FOLLOW_UP_REVIEW,
                due,
                done,
                _judge(due, done, as_of),
                f"{level.value.lower()} risk: at least once every {period}",
                kind=DeadlineKind.REVIEW,
            )
        )
        if review is None:
            break
        anchor = review.date
    return items


def overdue(file: CaseFile, sop: SOP, as_of: dt.date) -> list[Deadline]:
    return [d for d in deadlines(file, sop, as_of) if d.status == "overdue"]


def upcoming(file: CaseFile, sop: SOP, as_of: dt.date) -> list[Deadline]:
    return [d for d in deadlines(file, sop, as_of) if d.status == "due"]


def retention_date(file: CaseFile, sop: SOP) -> dt.date | None:
    end = case_end(file)
    years = sop.file_retention_years
    return add_years(end, years) if end and years is not None else None


def plan_ahead(level: RiskLevel, registered_on: dt.date, sop: SOP) -> list[tuple[str, str, str]]:
    """The latest dates of a new case at this risk level, if each step takes all the time the
    SOP allows: (what, by when, rule)."""
    if level is RiskLevel.NONE:
        return [("Case closure", fmt(registered_on), "no risk: the case may be closed")]
    started = sop.assessment_after_registration[level]
    complete = sop.assessment_completed_within[level]
    assessed = complete.after(registered_on)
    plan = sop.case_plan_after_assessment[level]
    planned = plan.after(assessed)
    review = sop.review[level]
    follow = sop.follow_up[level]
    of_registration = " of registration"
    return [
        (
            "Initial assessment",
            fmt(sop.initial_assessment.after(registered_on)),
            f"within {sop.initial_assessment} of identification and registration, "
            f"{sop.initial_assessment_at_most} at most",
        ),
        (
            "Comprehensive assessment started",
            fmt(started.after(registered_on)),
            _within(started) + (of_registration if started.amount else ""),
        ),
        (
            "Comprehensive assessment completed",
            fmt(assessed),
            _within(complete) + (of_registration if complete.amount else ""),
        ),
        ("Case plan agreed", fmt(planned), f"within {plan} of the assessment being completed"),
        (
            ("Follow-up", f"from {fmt(registered_on)}", f"{follow}, from the initial assessment")
            if sop.follow_up_from == "initial assessment"
            else ("Follow-up", f"from {fmt(planned)}", f"{follow}, once implementation starts")
        ),
        (
            "First case review",
            fmt(review.after(planned)),
            f"at least once every {review} from the start of implementation",
        ),
        (
            "Response to a referral of the same priority",
            f"{sop.referral_response[level]}",
            "after the referral is sent",
        ),
    ]
