"""Dashboard indicators, computed from the event log only (DOMAIN.md, CPIMS+ monitoring).

The hand-built log below is small enough to work out every figure on paper; the expected
numbers in these tests were computed by hand, not by running the code.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from typing import Any

import pytest

from cmsim.caseload.indicators import Indicators, compute_indicators, monthly_series
from cmsim.caseload.simulator import Event, SimParams, SimulationResult, simulate
from cmsim.sop import SOP
from cmsim.vocab import ClosureReason, RiskLevel, ServiceType

H, M, L = RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW
MONTHS = 10 / (365.25 / 12)

# (day, kind, case, caseworker, detail). Run of 10 days from 30/01/2022, so days 0-1 are
# January and days 2-9 February. Caseload limit 1, to see caseworkers over it.
LOG: list[tuple[int, str, int | None, int | None, tuple[Any, ...]]] = [
    (0, "caseworker_joined", None, 1, ()),
    (0, "caseworker_joined", None, 2, ()),
    (0, "case_registered", 1, None, (H,)),
    (0, "assigned", 1, 1, (None,)),
    (0, "assessment_due", 1, 1, (0,)),
    (0, "case_registered", 2, None, (M,)),
    (0, "assigned", 2, 1, (None,)),
    (0, "assessment_due", 2, 1, (3,)),
    (0, "assessed", 1, 1, (H,)),  # on time
    (0, "plan_due", 1, 1, (3,)),
    (1, "case_registered", 3, None, (L,)),
    (1, "assigned", 3, 2, (None,)),
    (1, "assessment_due", 3, 2, (8,)),
    (2, "planned", 1, 1, (2,)),  # on time
    (2, "referral_made", 1, 1, (1, ServiceType.MEDICAL, 3)),
    (2, "review_due", 1, 1, (7,)),
    (4, "assessed", 2, 1, (M,)),  # late: due day 3
    (4, "plan_due", 2, 1, (11,)),  # due after the run: never overdue
    (4, "referral_rejected", 1, 1, (1, ServiceType.MEDICAL)),  # late: due day 3
    (5, "service_provided", 1, 1, (ServiceType.BASIC_PSS, 2)),
    (5, "action_completed", 1, 1, (2,)),
    (5, "follow_up_done", 1, 1, (5,)),
    (7, "follow_up_missed", 1, 1, (7,)),
    (7, "risk_changed", 1, 1, (H, M)),
    (8, "case_closed", 1, 1, (ClosureReason.GOAL_MET,)),  # review due day 7 never held
    (9, "case_transferred", 3, 2, ()),  # never assessed, due day 8
    (9, "case_registered", 4, None, (H,)),
    (9, "assigned", 4, 2, (None,)),
    (9, "assessment_due", 4, 2, (9,)),  # due on the last day, not done by its end
]


def hand_built() -> SimulationResult:
    events = [
        Event(day, seq, kind, case, worker, detail)
        for seq, (day, kind, case, worker, detail) in enumerate(LOG)
    ]
    params = SimParams(days=10, start_date=dt.date(2022, 1, 30), caseworkers=2)
    sop = SOP.model_validate({"supervision": {"caseload_limit": 1}})
    return SimulationResult(params=params, events=events, seed=None, sop=sop)


@pytest.fixture(scope="module")
def indicators() -> Indicators:
    return compute_indicators(hand_built())


def test_caseload_per_caseworker_over_time_and_at_the_end(indicators: Indicators) -> None:
    """End-of-day caseloads: (2,0) on day 0, (2,1) days 1-7, (1,1) days 8-9.
    Mean over days = (1 + 7*1.5 + 2*1) / 10 = 1.35; at most 2; at the end 1 each."""
    assert indicators.caseload_mean == pytest.approx(1.35)
    assert indicators.caseload_max == 2
    assert indicators.caseload_end_mean == 1.0
    assert indicators.caseload_end_max == 1
    assert indicators.caseload_limit == 1


def test_caseworkers_over_the_limit(indicators: Indicators) -> None:
    """Limit 1: caseworker 1 is over it on days 0-7, nobody at the end."""
    assert indicators.caseworkers_over_limit_max == 1
    assert indicators.caseworkers_over_limit_end == 0
    assert indicators.caseworkers_end == 2


def test_share_of_open_cases_that_are_high_risk(indicators: Indicators) -> None:
    """Day 0: 1 of 2; days 1-6: 1 of 3; days 7-8: none; day 9: 1 of 2 (cases 2 and 4).
    Mean = (50 + 6*33.3 + 0 + 0 + 50) / 10 = 30%; at the end 50% of 2 open cases."""
    assert indicators.high_risk_share_mean == pytest.approx(30.0)
    assert indicators.high_risk_share_end == pytest.approx(50.0)
    assert indicators.cases_open_end == 2


def test_time_from_open_to_closed_and_closures_per_month(indicators: Indicators) -> None:
    """Case 1 opened day 0, closed day 8: 8 days. Transfers are counted apart."""
    assert indicators.cases_closed == 1
    assert indicators.cases_transferred == 1
    assert indicators.days_open_to_closed_median == 8
    assert indicators.days_open_to_closed_mean == 8
    assert indicators.cases_closed_per_month == pytest.approx(1 / MONTHS)
    assert indicators.closures_by_reason == {ClosureReason.GOAL_MET.value: 1}


def test_services_and_referrals(indicators: Indicators) -> None:
    """One service in 10 days; the one referral answered was refused."""
    assert indicators.services_provided == 1
    assert indicators.services_per_month == pytest.approx(1 / MONTHS)
    assert indicators.referrals_made == 1
    assert indicators.referrals_accepted_pct == 0


def test_assessments_completed_and_progress_towards_goals(indicators: Indicators) -> None:
    """2 of 4 registered cases assessed; 1 of 2 case-plan actions completed."""
    assert indicators.cases_registered == 4
    assert indicators.assessments_completed_pct == 50
    assert indicators.plan_actions == 2
    assert indicators.plan_actions_completed == 1
    assert indicators.plan_progress_pct == 50


def test_overdue_tasks_by_type(indicators: Indicators) -> None:
    """Overdue: done after the due day, or not done though due while the case was open.
    Assessments: case 2 (late), 3 (due 8, transferred 9), 4 (due on the last day) = 3.
    Case plans: none (case 2's falls after the run). Follow-ups: 1 missed.
    Reviews: case 1's (due 7, closed 8). Referral responses: 1 (answered day 4, due 3)."""
    od = indicators.overdue
    assert od.model_dump() == {
        "assessment": 3,
        "case_plan": 0,
        "follow_up": 1,
        "review": 1,
        "referral_response": 1,
        "total": 6,
    }


def test_task_due_after_the_case_ended_is_not_overdue() -> None:
    """A review due after the case closed was never owed."""
    log = [
        (0, "caseworker_joined", None, 1, ()),
        (0, "case_registered", 1, None, (L,)),
        (0, "assigned", 1, 1, (None,)),
        (1, "review_due", 1, 1, (5,)),
        (3, "case_closed", 1, 1, (ClosureReason.NO_FURTHER_ACTION,)),
    ]
    events = [Event(d, i, k, c, w, x) for i, (d, k, c, w, x) in enumerate(log)]
    result = SimulationResult(params=SimParams(days=10), events=events)
    assert compute_indicators(result).overdue.review == 0


def test_monthly_series_by_calendar_month() -> None:
    """January (days 0-1): 3 registrations, 3 open at its end, 1 of them high risk.
    February (days 2-9): 1 registration, 1 closure, 1 transfer, 1 service, 2 open (1 high)."""
    series = monthly_series(hand_built())
    assert series.months == ["2022-01", "2022-02"]
    assert series.registrations == [3, 1]
    assert series.closures == [0, 1]
    assert series.transfers == [0, 1]
    assert series.services == [0, 1]
    assert series.open_cases == [3, 2]
    assert series.high_risk_share == pytest.approx([100 / 3, 50.0])


def test_describe_gives_one_plain_line_per_indicator(indicators: Indicators) -> None:
    """Nine lines a trainer can read, each with its figures."""
    lines = indicators.describe()
    assert len(lines) == 9
    assert lines[0] == (
        "Caseload per caseworker: 1.4 on average, 2 at most (limit 1); "
        "at the end 1.0 on average and 1 at most."
    )
    assert any(line.startswith("Time from case opened to closed: 8 days") for line in lines)
    assert any("50% of the 4 registered cases" in line for line in lines)
    assert any(
        "assessment 3, case plan 0, follow-up 1, review 1, referral response 1" in line
        for line in lines
    )


def test_indicators_of_an_empty_log_say_there_is_nothing_yet() -> None:
    """No event: no division by zero, and the lines say nothing was measured."""
    empty = compute_indicators(SimulationResult(params=SimParams(days=30), events=[]))
    assert empty.days_open_to_closed_median is None and empty.plan_progress_pct is None
    assert "no case was closed" in " ".join(empty.describe())


def test_indicators_are_json_and_round_trip(indicators: Indicators) -> None:
    """The dashboard can be saved as JSON and read back unchanged."""
    text = indicators.model_dump_json()
    assert json.loads(text)["overdue"]["total"] == 6
    assert Indicators.model_validate_json(text) == indicators


def test_indicators_depend_on_the_log_alone() -> None:
    """A copy of the log in a new result gives the same indicators as the simulated run."""
    result = simulate(SimParams(days=90, arrivals_per_day=2.0), seed=8)
    copy = SimulationResult(params=result.params, events=list(result.events), sop=result.sop)
    assert compute_indicators(copy) == compute_indicators(result)
    assert sum(monthly_series(result).registrations) == compute_indicators(result).cases_registered


def test_cmsim_never_imports_plotting_or_widgets() -> None:
    """The simulator and indicators import neither matplotlib nor ipywidgets."""
    code = (
        "import sys, cmsim.caseload.simulator, cmsim.caseload.indicators; "
        "print([m for m in ('matplotlib', 'ipywidgets') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
