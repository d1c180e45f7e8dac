"""Each operation enforces the guidelines: allowed when the rule is met, refused (and the file
left unchanged) when it is not, with a message written for a caseworker."""

from __future__ import annotations

import pytest
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
    referral,
    registration,
    review_ok,
    service,
)

from cmsim import Case, CaseStatus, RiskLevel, RuleViolation
from cmsim.forms import ConsentForm
from cmsim.sop import CASE_STUDY_SOP, GUIDELINES_SOP
from cmsim.vocab import AuthorisationGround, ClosureReason


def new_case() -> Case:
    return Case.identify("CM-T-1", D0, CW, sop=CASE_STUDY_SOP)


def refused(action, *args) -> RuleViolation:
    with pytest.raises(RuleViolation) as info:
        action(*args)
    return info.value


def test_registration_without_consent_is_refused_and_says_what_to_do():
    case = new_case()
    error = refused(case.register, registration(), CW)
    assert error.refusal.rule == "Consent before registration"
    assert "consent & assent form" in error.refusal.todo
    assert case.file.registration is None
    assert len(case.file.log) == 1


def test_registration_after_consent_sets_risk_and_logs_one_record():
    case = new_case()
    case.record_consent(consent(), CW)
    case.register(registration(), CW)
    assert case.status is CaseStatus.REGISTERED
    assert case.risk is RiskLevel.HIGH
    assert [e.action for e in case.file.log] == ["identify", "consent", "register"]
    assert case.file.log[-1].by == CW


def test_consent_dated_after_the_interview_does_not_count():
    case = new_case()
    case.record_consent(consent(date_signed=day(3)), CW)
    assert "dated after the interview" in str(refused(case.register, registration(), CW))


def test_consent_without_permission_to_collect_information_blocks_registration():
    case = new_case()
    case.record_consent(consent(collect_and_store=False, share_for_services=False, services=[]), CW)
    refused(case.register, registration(), CW)


def test_supervisor_authorisation_replaces_consent_only_on_the_seed_grounds():
    form = ConsentForm.model_validate(
        dict(
            date_completed=D0,
            obtained_from="Other, please specify",
            obtained_from_other="supervisor",
            participate=True,
            collect_and_store=True,
            share_for_services=False,
            caseworker=CW,
            date_signed=D0,
            supervisor_authorisation={
                "supervisor": SUP,
                "date": D0,
                "ground": AuthorisationGround.IMMINENT_DANGER,
            },
        )
    )
    case = new_case()
    case.record_consent(form, CW)
    case.register(registration(), CW)
    assert case.status is CaseStatus.REGISTERED
    with pytest.raises(ValueError, match="ground"):
        ConsentForm.model_validate(
            form.model_dump()
            | {"supervisor_authorisation": {"supervisor": SUP, "date": D0, "ground": "convenience"}}
        )


def test_an_ineligible_child_is_not_registered():
    case = new_case()
    case.record_consent(consent(), CW)
    error = refused(case.register, registration(eligible=False), CW)
    assert "refer the child" in error.refusal.todo


def test_planning_before_a_high_risk_assessment_is_approved_is_refused():
    case = new_case()
    case.record_consent(consent(), CW)
    case.register(registration(), CW)
    case.assess(assessment(), CW)
    error = refused(case.plan, plan(), CW)
    assert error.refusal.rule == "Supervisor approval of the assessment"
    assert "high-risk" in error.refusal.expected
    case.approve_assessment(review_ok(1), SUP)
    case.plan(plan(), CW)
    assert case.status is CaseStatus.PLANNED


def test_a_medium_risk_assessment_needs_no_approval_under_the_default_sop():
    case = new_case()
    case.record_consent(consent(), CW)
    case.register(registration(risk_level="Medium"), CW)
    case.assess(assessment(risk_level="Medium"), CW)
    case.plan(plan(), CW)
    assert case.status is CaseStatus.PLANNED


def test_a_sop_can_require_approval_for_medium_risk_too():
    from cmsim.sop import SOP

    sop = SOP.model_validate({"assessment_approval_required_for": ["High", "Medium"]})
    case = Case.identify("CM-T-2", D0, CW, sop=sop)
    case.record_consent(consent(), CW)
    case.register(registration(risk_level="Medium"), CW)
    case.assess(assessment(risk_level="Medium"), CW)
    refused(case.plan, plan(), CW)


def test_a_supervisor_who_sends_back_an_assessment_must_say_what_to_amend():
    case = new_case()
    case.record_consent(consent(), CW)
    case.register(registration(), CW)
    case.assess(assessment(), CW)
    refused(case.approve_assessment, review_ok(1, approved=False), SUP)
    case.approve_assessment(review_ok(1, approved=False, amendments="describe the family"), SUP)
    assert "Supervisor approval" in str(refused(case.plan, plan(), CW))


def test_planning_without_an_assessment_is_refused():
    case = new_case()
    case.record_consent(consent(), CW)
    case.register(registration(), CW)
    assert "Assessment before case planning" in str(refused(case.plan, plan(), CW))


def test_a_plan_dated_before_the_assessment_is_refused():
    case = new_case()
    case.record_consent(consent(), CW)
    case.register(registration(), CW)
    case.assess(assessment(n=3), CW)
    case.approve_assessment(review_ok(3), SUP)
    assert "cannot be dated before" in str(refused(case.plan, plan(n=2), CW))


def test_services_before_the_plan_is_approved_are_refused():
    case = new_case()
    case.record_consent(consent(), CW)
    case.register(registration(), CW)
    case.assess(assessment(), CW)
    case.approve_assessment(review_ok(1), SUP)
    case.plan(plan(), CW)
    error = refused(case.provide_service, service(), CW)
    assert error.refusal.rule == "Supervisor approval of the case plan"
    case.approve_plan(review_ok(2), SUP)
    case.provide_service(service(), CW)
    assert case.file.services


def test_referral_without_consent_for_that_service_is_refused():
    case = implementing_case()
    error = refused(case.refer, referral(services=["Legal support"]), CW)
    assert "does not cover: Legal support" in error.refusal.happened
    assert "Mental health" in error.refusal.happened  # says what the consent does cover
    assert case.file.referrals == []


def test_referral_with_consent_for_that_service_is_recorded():
    case = implementing_case()
    case.refer(referral(), CW)
    assert case.file.log[-1].action == "refer"
    assert "respond within 3 days" in case.file.log[-1].summary


def test_referral_the_child_refused_is_not_sent():
    case = implementing_case()
    form = referral(consent_given=False, consent_not_given_why="child declined")
    assert "Consent for this referral" in str(refused(case.refer, form, CW))


def test_phone_referrals_are_for_high_risk_cases_only():
    case = implementing_case()
    case.refer(referral(channel="Phone (high risk cases only)"), CW)
    case.review(case_review(20, risk_changed=True, new_risk_level="Low"), CW)
    error = refused(case.refer, referral(n=21, channel="Phone (high risk cases only)"), CW)
    assert "low risk" in error.refusal.happened


def test_a_service_through_referral_needs_the_referral_on_file():
    case = implementing_case()
    form = service(
        service_types=["Specialized MHPSS services"],
        external_referral=True,
        external_referral_date=day(3),
    )
    refused(case.provide_service, form, CW)
    case.refer(referral(), CW)
    case.provide_service(form, CW)


def test_review_can_change_risk_and_send_the_case_back_to_assessment():
    case = implementing_case()
    case.review(
        case_review(10, new_assessment_needed=True, risk_changed=True, new_risk_level="Medium"), CW
    )
    assert case.risk is RiskLevel.MEDIUM
    assert case.status is CaseStatus.REGISTERED
    assert "back to assessment" in case.file.log[-1].summary
    error = refused(case.plan, plan(n=11), CW)
    assert "asked for a new assessment" in error.refusal.happened
    case.assess(assessment(n=11, risk_level="Medium"), CW)
    case.plan(plan(n=12), CW)


def test_review_can_send_the_case_back_to_planning():
    case = implementing_case()
    case.review(case_review(10, plan_adjustments_needed=True), CW)
    refused(case.provide_service, service(n=11), CW)
    case.plan(plan(n=11), CW)
    case.approve_plan(review_ok(11), SUP)
    case.provide_service(service(n=12), CW)


def test_closure_without_supervisor_approval_is_refused():
    case = implementing_case()
    error = refused(case.close, closure(30, supervisor_approval=None), CW)
    assert error.refusal.rule == "Supervisor approval of case closure"
    assert case.status is CaseStatus.IMPLEMENTATION
    case.close(closure(30), CW)
    assert case.status is CaseStatus.CLOSED


def test_closure_reason_must_come_from_the_list():
    with pytest.raises(ValueError, match="reason"):
        closure(30, reason="Caseworker is busy")


def test_closing_an_uncontactable_child_waits_three_months():
    case = implementing_case()
    reason = "Child no longer contactable (wait at least 3 months before closing the case)"
    error = refused(case.close, closure(40, reason=reason), CW)
    assert "earliest 05/12/2022" in error.refusal.happened
    case.close(closure(92, reason=reason), CW)


def test_a_closed_file_is_kept_for_the_sop_period():
    """Nadia's agency keeps closed files five years: a shorter keep is refused under its SOP."""
    case = implementing_case()
    form = closure(30)
    short = form.model_copy(update={"stored_until": form.date_closed.replace(year=2024)})
    assert "5 years" in str(refused(case.close, short, CW))


def test_the_guidelines_set_no_retention_period_so_closure_is_not_refused_for_it():
    """No period is the Guidelines' own (004 §3.6): the agency's protocol or the law sets it."""
    case = implementing_case(GUIDELINES_SOP)
    form = closure(30)
    short = form.model_copy(update={"stored_until": form.date_closed.replace(year=2024)})
    case.close(short, CW)
    assert case.status is CaseStatus.CLOSED


def test_reopening_keeps_the_whole_history_and_asks_for_a_new_assessment():
    case = implementing_case()
    case.close(closure(30), CW)
    before = len(case.file.log)
    refused(case.refer, referral(n=31), CW)
    case.reopen(day(40), "new risk of marriage", CW)
    assert case.status is CaseStatus.REGISTERED
    assert len(case.file.closures) == 1 and len(case.file.log) == before + 1
    refused(case.plan, plan(n=41), CW)
    case.assess(assessment(n=41), CW)
    assert len(case.file.assessments) == 2


def test_only_a_closed_case_can_be_reopened():
    case = implementing_case()
    refused(case.reopen, day(5), "why", CW)


def test_transfer_needs_consent_for_case_transfer():
    case = implementing_case()
    error = refused(case.transfer, day(10), "Agency B", "family moved", CW)
    assert "Case Transfer" in error.refusal.happened
    case.record_consent(consent(date_signed=day(9), services=["Case Transfer"]), CW)
    case.transfer(day(10), "Agency B", "family moved", CW)
    assert case.status is CaseStatus.TRANSFERRED
    assert "receiving agency" in str(refused(case.follow_up, follow_up(11), CW))


def test_follow_up_after_closure_is_the_visit_within_three_months():
    case = implementing_case()
    case.close(closure(30), CW)
    case.follow_up(follow_up(60), CW)
    assert "after closure" in case.file.log[-1].summary
    assert "reopen" in str(refused(case.follow_up, follow_up(200), CW))


def test_every_operation_appends_exactly_one_record():
    case = implementing_case()
    counts = []
    for action, form in (
        (case.refer, referral()),
        (case.follow_up, follow_up(5)),
        (case.review, case_review(20)),
        (case.close, closure(30)),
    ):
        before = len(case.file.log)
        action(form, CW)
        counts.append(len(case.file.log) - before)
    assert counts == [1, 1, 1, 1]


def test_a_refused_operation_changes_nothing():
    case = implementing_case()
    snapshot = case.file.model_dump()
    refused(case.refer, referral(services=["Shelter"]), CW)
    refused(case.close, closure(30, supervisor_approval=None), CW)
    assert case.file.model_dump() == snapshot


def test_refusal_messages_carry_rule_expectation_fact_and_advice():
    case = new_case()
    text = str(refused(case.register, registration(), CW))
    assert text.startswith("Consent before registration: ")
    assert " But " in text and "What to do:" in text
    assert "Traceback" not in text and "None" not in text


def test_a_turned_18_closure_is_checked_against_the_date_of_birth():
    """Amal, born 01/01/2010, is 12 in 2022: 'turned 18' is refused with her dates; the goal
    met is not."""
    case = implementing_case()
    turned_18 = next(r for r in ClosureReason if r.name == "TURNED_18")
    refusal = str(refused(case.close, closure(30, reason=turned_18.value), CW))
    assert "01/01/2010" in refusal and "01/01/2028" in refusal
    case.close(closure(30), CW)
    assert case.status is CaseStatus.CLOSED
