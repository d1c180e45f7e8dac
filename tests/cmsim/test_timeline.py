"""Deadlines follow from the SOP and the risk level in force; a change of risk re-plans."""

from __future__ import annotations

import datetime as dt

from builders import (
    CW,
    D0,
    SUP,
    assessment,
    case_review,
    closure,
    consent,
    day,
    follow_up,
    implementing_case,
    plan,
    registration,
    review_ok,
)
from hypothesis import given
from hypothesis import strategies as st

from cmcourse.core.paths import nadia_case
from cmsim import Case, RiskLevel
from cmsim.dates import add_months
from cmsim.sop import CASE_STUDY_SOP, Period
from cmsim.timeline import DeadlineKind, deadlines, judged_on, overdue, upcoming

LEVELS = st.sampled_from([RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW])
DATES = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31))


@given(DATES, st.integers(0, 400), st.sampled_from(["hours", "days", "weeks"]))
def test_a_period_ends_never_before_it_starts_and_by_whole_days(start, amount, unit):
    period = Period(amount=amount, unit=unit)
    end = period.after(start)
    assert end >= start
    assert (end - start).days == period.days
    if unit == "hours":
        assert period.days * 24 >= amount > (period.days - 1) * 24


@given(DATES, st.integers(1, 24))
def test_months_are_calendar_months_clamped_to_the_month_end(start, months):
    end = add_months(start, months)
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == months
    assert end.day == start.day or end.day < start.day


@given(LEVELS, st.integers(0, 20))
def test_the_assessment_deadline_is_registration_plus_the_sop_period(level, late):
    case = Case.identify("CM-H", D0, CW, sop=CASE_STUDY_SOP)
    case.record_consent(consent(), CW)
    case.register(registration(risk_level=level.value), CW)
    due = CASE_STUDY_SOP.assessment_after_registration[level].after(D0)
    case.assess(assessment(n=(due - D0).days + late, risk_level=level.value), CW)
    (item,) = [d for d in deadlines(case.file, case.sop, day(60)) if "Comprehensive" in d.what]
    assert item.due == due
    assert item.status == ("met" if late == 0 else "late")
    assert item.days_late == late


def test_a_deadline_not_met_is_due_before_its_date_and_overdue_after():
    case = Case.identify("CM-H", D0, CW, sop=CASE_STUDY_SOP)
    case.record_consent(consent(), CW)
    case.register(registration(risk_level="Medium"), CW)
    assert [d.what for d in upcoming(case.file, case.sop, day(2))] == [
        "Comprehensive assessment after registration of 05/09/2022"
    ]
    assert overdue(case.file, case.sop, day(2)) == []
    assert overdue(case.file, case.sop, day(4))[0].due == day(3)


def test_follow_ups_are_counted_per_week_at_twice_a_week_for_high_risk():
    case = implementing_case()  # implementation starts day 2
    case.follow_up(follow_up(3), CW)
    case.follow_up(follow_up(5), CW)
    case.follow_up(follow_up(10), CW)
    windows = [
        d for d in deadlines(case.file, case.sop, day(16)) if d.kind is DeadlineKind.FOLLOW_UP
    ]
    # Two weeks judged, and the current week still open.
    assert [(d.due, d.status) for d in windows] == [
        (day(8), "met"),
        (day(15), "overdue"),
        (day(22), "due"),
    ]
    assert "(1 done)" in windows[1].what


def test_a_change_of_risk_level_re_plans_follow_ups_and_the_next_review():
    case = implementing_case()
    case.review(case_review(9, risk_changed=True, new_risk_level="Low"), CW)
    items = deadlines(case.file, case.sop, day(120))
    follow = [d for d in items if d.kind is DeadlineKind.FOLLOW_UP and d.due > day(9)]
    assert all(d.rule == "low risk: at least once every 2 weeks" for d in follow)
    assert follow[0].due == day(9 + 13)
    reviews = [d for d in items if d.kind is DeadlineKind.REVIEW]
    assert reviews[0].due == add_months(day(2), 1) and reviews[0].status == "met"
    assert reviews[1].due == add_months(day(9), 3)


def test_a_stricter_sop_moves_the_deadlines():
    from cmsim.sop import SOP

    sop = SOP.model_validate(
        {"case_plan_after_assessment": {"high": "1 day", "medium": "3 days", "low": "1 week"}}
    )
    case = Case.identify("CM-H", D0, CW, sop=sop)
    case.record_consent(consent(), CW)
    case.register(registration(), CW)
    case.assess(assessment(), CW)
    case.approve_assessment(review_ok(1), SUP)
    case.plan(plan(n=3), CW)
    (item,) = [d for d in deadlines(case.file, sop, day(30)) if d.kind is DeadlineKind.CASE_PLAN]
    assert (item.due, item.status) == (day(2), "late")


def _follow_up_windows(case: Case, as_of: dt.date) -> list[tuple[dt.date, int, str]]:
    return [
        (d.window[0], int(d.what.split("x")[0].split()[-1]), d.rule)
        for d in deadlines(case.file, case.sop, as_of)
        if d.kind is DeadlineKind.FOLLOW_UP
    ]


def test_the_plans_own_follow_up_schedule_counts_where_it_asks_for_more():
    """High risk asks twice a week; a plan asking three times a week for its first fortnight
    sets the count until then, and the SOP's floor takes over after."""
    case = implementing_case(follow_up_frequency="3 times a week", follow_up_until=day(15))
    windows = _follow_up_windows(case, day(40))
    assert windows[0] == (day(2), 3, f"the case plan of {day(2):%d/%m/%Y}: at least 3 times a week")
    assert {times for start, times, _ in windows if start < day(16)} == {3}
    assert {(times, rule) for start, times, rule in windows if start >= day(16)} == {
        (2, "high risk: at least twice a week")
    }


def test_a_plan_asking_for_fewer_visits_does_not_lower_the_sops_floor():
    case = implementing_case(follow_up_frequency="once every 2 weeks")
    assert {(t, r) for _, t, r in _follow_up_windows(case, day(40))} == {
        (2, "high risk: at least twice a week")
    }


def test_after_nadias_review_lowered_her_risk_the_visits_it_asked_for_still_count():
    """The 03/10 review lowered the risk to medium (once a week under the case study's SOP)
    but asked for more home visits: twice a week goes on until the next review."""
    case = nadia_case()
    after = [
        w for w in _follow_up_windows(case, dt.date(2022, 12, 31)) if w[0] >= dt.date(2022, 10, 3)
    ]
    assert after and {(t, r) for _, t, r in after} == {
        (2, "the review of 03/10/2022: at least twice a week")
    }


@given(st.integers(0, 40), st.integers(0, 200))
def test_once_a_case_is_closed_only_the_visit_and_the_feedback_fall_due(closed_on, later):
    """Follow-ups and reviews stop with the case: a follow-up period cut short by the closure
    is not judged and not shown as due, and no review falls due after the closure, whatever
    day the file is read on (the day of the closure included)."""
    case = implementing_case()
    case.follow_up(follow_up(3), CW)
    case.close(closure(3 + closed_on), CW)
    end = day(3 + closed_on)
    items = deadlines(case.file, case.sop, end + dt.timedelta(later))
    open_after = {d.kind for d in items if d.due > end and d.status not in {"met", "late"}}
    assert open_after <= {
        DeadlineKind.POST_CLOSURE_VISIT,
        DeadlineKind.FEEDBACK,
    }
    assert all(d.window[1] <= end for d in items if d.window)


def test_a_file_is_read_on_the_last_day_anything_was_recorded_on_it():
    case = nadia_case()
    assert judged_on(case.file) == dt.date(2022, 12, 15)  # the feedback forms, after closure
    (visit,) = [
        d
        for d in deadlines(case.file, case.sop, judged_on(case.file))
        if d.kind is DeadlineKind.POST_CLOSURE_VISIT
    ]
    assert (visit.due, visit.status) == (dt.date(2023, 3, 12), "due")
