"""Nadia's case (seed 003) replayed through every operation comes out as the seed tells it."""

from __future__ import annotations

import datetime as dt

import pytest

from cmcourse.core.paths import NADIA_CASE
from cmsim import CaseStatus, RiskLevel
from cmsim.checklist import evaluate
from cmsim.replay import ReplayRefused, replay
from cmsim.summary import summarise
from cmsim.timeline import deadlines
from cmsim.vocab import ClosureReason, ReferralPriority, ServiceType

D = dt.date


@pytest.fixture(scope="module")
def nadia():
    return replay(NADIA_CASE)


def test_nadia_is_high_risk_at_registration_and_assessment_then_medium(nadia):
    f = nadia.file
    assert f.registration.risk_level is RiskLevel.HIGH
    assert f.assessments[0].risk_level is RiskLevel.HIGH
    assert f.risk_on(D(2022, 10, 2)) is RiskLevel.HIGH
    assert f.risk_on(D(2022, 10, 3)) is RiskLevel.MEDIUM
    assert nadia.risk is RiskLevel.MEDIUM


def test_nadia_plan_has_seven_actions_approved_by_the_supervisor(nadia):
    plan = nadia.file.plans[0]
    assert len(plan.actions) == 7
    assert plan.date_agreed == D(2022, 9, 8)
    assert plan.supervisor_review.supervisor == "Somaia Shakir"


def test_nadia_referral_is_specialised_mhpss_of_14_september_medium_priority(nadia):
    (referral,) = nadia.file.referrals
    assert referral.date == D(2022, 9, 14)
    assert referral.services == [ServiceType.SPECIALIZED_MHPSS]
    assert referral.priority is ReferralPriority.MEDIUM


def test_nadia_closed_on_12_december_goal_met_file_kept_five_years(nadia):
    f = nadia.file
    assert f.status is CaseStatus.CLOSED
    assert f.closures[0].date_closed == D(2022, 12, 12)
    assert f.closures[0].reason is ClosureReason.GOAL_MET
    s = summarise(f, nadia.sop)
    assert s.file_kept_until == "12/12/2027"
    assert s.weeks_open == 14
    assert len(f.child_feedback) == len(f.caregiver_feedback) == 1


def test_every_operation_of_nadia_left_one_record(nadia):
    assert [e.action for e in nadia.file.log] == [
        "identify",
        "consent",
        "register",
        "assess",
        "approve_assessment",
        "plan",
        "approve_plan",
        "refer",
        "follow_up",
        "review",
        "provide_service",
        "close",
        "feedback",
        "feedback",
    ]


def test_the_seed_dates_that_break_a_default_timeline_are_said_plainly(nadia):
    items = {d.what: d for d in deadlines(nadia.file, nadia.sop, D(2023, 6, 1))}
    assessment = items["Comprehensive assessment after registration of 05/09/2022"]
    assert (assessment.status, assessment.days_late) == ("late", 1)
    assert items["Case plan after the assessment of 06/09/2022"].status == "met"
    assert items["Case review (after 08/09/2022)"].status == "met"
    assert items["Case review (after 03/10/2022)"].status == "overdue"
    checklist = {(i.section, i.number): i for i in evaluate(nadia.file, nadia.sop, D(2023, 6, 1))}
    item = checklist[("Assessment", 1)]
    assert item.answer == "N" and "immediately, before leaving the child" in item.reason
    assert checklist[("Case Planning", 1)].answer == "Y"
    assert checklist[("Follow up and Review", 1)].answer == "N"


def test_replaying_part_of_the_case_stops_at_that_step():
    case = replay(NADIA_CASE, until=4)
    assert case.status is CaseStatus.ASSESSED
    assert case.file.plans == []


def test_a_script_that_breaks_a_rule_says_which_step(tmp_path):
    lines = NADIA_CASE.read_text().splitlines(keepends=True)
    script = "".join(line for line in lines if "op: approve_assessment" not in line)
    path = NADIA_CASE.parent / "tmp_broken_case.yaml"
    path.write_text(script)
    try:
        with pytest.raises(ReplayRefused) as info:
            replay(path)
    finally:
        path.unlink()
    assert "step 4 (plan)" in str(info.value)
    assert info.value.refusal.rule == "Supervisor approval of the assessment"


def test_each_step_shows_the_overviews_of_its_forms_as_the_case_study_gives_them():
    """Seed 003 opens each of its 11 forms with an overview: step, core or supplementary, when
    to complete, who completes, purpose."""
    from cmcourse.casestudy.nadia import form_overviews, overviews_html

    assert len(form_overviews()) == 11
    assert {o.page for o in form_overviews()} == {"1", "2", "3", "4", "5", "6"}
    first = overviews_html("1")
    assert "1.A Consent &amp; assent form: overview" in first
    assert "A separate form should be completed for the child and the parent/guardian." in first
    closing = overviews_html("6")
    assert closing.count("Supplementary form") == 2 and "through an interview" in closing
