"""The course's interactive pieces answer from cmsim under the SOP in force."""

from __future__ import annotations

import datetime as dt

import pytest

from cmcourse.lessons.calculators import budget_widget, deadline_widget, staffing_widget
from cmsim.sop import CASE_STUDY_SOP, GUIDELINES_SOP, SOP
from cmsim.timeline import plan_ahead
from cmsim.vocab import RiskLevel


def test_plan_ahead_chains_the_case_study_sop_deadlines_for_nadia():
    rows = {
        what: by for what, by, _ in plan_ahead(RiskLevel.HIGH, dt.date(2022, 9, 5), CASE_STUDY_SOP)
    }
    assert rows["Comprehensive assessment completed"] == "05/09/2022"
    assert rows["Case plan agreed"] == "08/09/2022"
    assert rows["First case review"] == "08/10/2022"


def test_plan_ahead_under_the_guidelines_starts_and_completes_the_assessment():
    """Seed 004: initial assessment within 24 hours, the comprehensive one started within a
    week and completed within a month, the plan within 2 weeks of it, follow-up from the
    initial assessment, whatever the risk level."""
    rows = {
        what: (by, rule)
        for what, by, rule in plan_ahead(RiskLevel.HIGH, dt.date(2022, 9, 5), GUIDELINES_SOP)
    }
    assert rows["Initial assessment"][0] == "06/09/2022"
    assert rows["Comprehensive assessment started"][0] == "12/09/2022"
    assert rows["Comprehensive assessment completed"][0] == "05/10/2022"
    assert rows["Case plan agreed"][0] == "19/10/2022"
    assert rows["Follow-up"] == (
        "from 05/09/2022",
        "at least twice a week, from the initial assessment",
    )


def test_the_deadline_calculator_shows_both_sops_and_follows_the_choice():
    box = deadline_widget()
    _, which, risk, date, out = box.children
    assert "Deadlines under The Inter-Agency Guidelines" in out.value and "19/10/2022" in out.value
    which.value = CASE_STUDY_SOP
    assert "an example of a contextualised SOP" in out.value and "08/09/2022" in out.value
    risk.value = RiskLevel.LOW
    assert "12/09/2022" in out.value and "26/09/2022" in out.value
    date.value = "2022-09-05"
    assert "dd/mm/yyyy" in out.value
    strict = SOP.model_validate(
        {
            "name": "Country X",
            "case_plan_after_assessment": {"high": "1 day", "medium": "3 days", "low": "1 week"},
        }
    )
    mine = deadline_widget(strict)
    assert "Country X" in mine.children[4].value and "06/10/2022" in mine.children[4].value
    assert [name for name, _ in mine.children[1].options][1:] == [
        GUIDELINES_SOP.name,
        CASE_STUDY_SOP.name,
    ]


def test_the_staffing_calculator_names_what_a_team_breaks():
    box = staffing_widget()
    _, _cases, workers, supervisors, out = box.children
    assert "at least 6 caseworkers" in out.value and "32.5 cases per caseworker" in out.value
    workers.value = "6"
    assert "within the SOP" in out.value
    supervisors.value = "0"
    assert "No supervisor" in out.value


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("2.5", "is not a whole number"),
        ("1e3", "is not a number"),
        ("-3", "below zero"),
        ("four", "is not a number"),
        ("", "is not a number"),
    ],
)
def test_the_staffing_calculator_refuses_what_is_not_a_count_and_says_why(typed, says):
    box = staffing_widget()
    _, _cases, workers, _supervisors, out = box.children
    workers.value = typed
    assert says in out.value and "Caseworkers:" in out.value
    assert "within the SOP" not in out.value and "more than the 25" not in out.value
    workers.value = " 6 "
    assert "within the SOP" in out.value


def test_one_caseworker_reads_in_correct_english():
    box = staffing_widget()
    cases = box.children[1]
    cases.value = "20"
    assert "20 cases need at least 1 caseworker (" in box.children[-1].value
    assert "1 caseworker needs at least 1 supervisor" in box.children[-1].value


def test_the_budget_checklist_says_what_is_not_yet_budgeted():
    box = budget_widget()
    boxes, out = box.children[1:-1], box.children[-1]
    assert len(boxes) == 7 and "Emergency money" in out.value
    for b in boxes:
        b.value = True
    assert "Every item is covered" in out.value
