"""The course's interactive pieces answer from cmsim under the SOP in force."""

from __future__ import annotations

import datetime as dt

from cmcourse.lessons.calculators import budget_widget, deadline_widget, staffing_widget
from cmsim.sop import DEFAULT_SOP, SOP
from cmsim.timeline import plan_ahead
from cmsim.vocab import RiskLevel


def test_plan_ahead_chains_the_sop_deadlines_for_nadia():
    rows = {
        what: by for what, by, _ in plan_ahead(RiskLevel.HIGH, dt.date(2022, 9, 5), DEFAULT_SOP)
    }
    assert rows["Comprehensive assessment"] == "05/09/2022"
    assert rows["Case plan agreed"] == "08/09/2022"
    assert rows["First case review"] == "08/10/2022"


def test_the_deadline_calculator_follows_the_risk_level_and_the_sop():
    box = deadline_widget()
    _, risk, date, out = box.children
    assert "08/09/2022" in out.value
    risk.value = RiskLevel.LOW
    assert "12/09/2022" in out.value and "26/09/2022" in out.value
    date.value = "2022-09-05"
    assert "dd/mm/yyyy" in out.value
    strict = SOP.model_validate(
        {"case_plan_after_assessment": {"high": "1 day", "medium": "3 days", "low": "1 week"}}
    )
    assert "06/09/2022" in deadline_widget(strict).children[3].value


def test_the_staffing_calculator_names_what_a_team_breaks():
    box = staffing_widget()
    _, _cases, workers, supervisors, out = box.children
    assert "at least 6 caseworkers" in out.value and "32.5 cases per caseworker" in out.value
    workers.value = 6
    assert "within the SOP" in out.value
    supervisors.value = 0
    assert "No supervisor" in out.value


def test_the_budget_checklist_says_what_is_not_yet_budgeted():
    box = budget_widget()
    boxes, out = box.children[1:-1], box.children[-1]
    assert len(boxes) == 7 and "Emergency money" in out.value
    for b in boxes:
        b.value = True
    assert "Every item is covered" in out.value
