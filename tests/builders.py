"""Small valid forms for tests, each overridable field by field."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from cmsim import Case
from cmsim.forms import (
    AssessmentForm,
    CasePlan,
    ClosureForm,
    ConsentForm,
    FollowUpForm,
    ReferralForm,
    RegistrationForm,
    ReviewForm,
    ServicesProvidedForm,
    SupervisorReview,
)
from cmsim.sop import CASE_STUDY_SOP, SOP

D0 = dt.date(2022, 9, 5)
CW = "caseworker"
SUP = "supervisor"


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


def consent(**kw: Any) -> ConsentForm:
    data = dict(
        date_completed=D0,
        obtained_from="Child",
        person_name="A child",
        participate=True,
        collect_and_store=True,
        share_for_services=True,
        services=["Mental health", "Cash assistance"],
        caseworker=CW,
        date_signed=D0,
    )
    return ConsentForm.model_validate(data | kw)


def registration(**kw: Any) -> RegistrationForm:
    data = dict(
        date_identified=D0,
        date_of_interview=D0,
        date_completed=D0,
        caseworker=CW,
        eligible=True,
        consent_form_completed=True,
        child={"first_name": "Amal", "sex": "Female", "dob": "01/01/2010"},
        care_arrangement="Parent(s)",
        address="Block 4, camp",
        protection_concerns=["Neglect"],
        risk_level="High",
        risk_reasons="reasons",
        mother={"first_name": "Huda", "child_consents_to_contact": True},
    )
    return RegistrationForm.model_validate(data | kw)


def assessment(n: int = 1, **kw: Any) -> AssessmentForm:
    areas = {a: "described" for a in AssessmentForm.NEEDS_AREAS}
    data = dict(
        start_date=day(n),
        completion_date=day(n),
        home_visit=True,
        seen_alone=True,
        views_child="views",
        summary="summary",
        protection_concerns=["Neglect"],
        risk_level="High",
        risk_reasons="reasons",
        **areas,
    )
    return AssessmentForm.model_validate(data | kw)


def review_ok(n: int, approved: bool = True, **kw: Any) -> SupervisorReview:
    return SupervisorReview(date=day(n), approved=approved, supervisor=SUP, **kw)


def plan(n: int = 2, **kw: Any) -> CasePlan:
    data = dict(
        date_agreed=day(n),
        overall_goal="goal",
        child_involved=True,
        caregiver_involved=True,
        actions=[
            {
                "action": "Refer the child to MHPSS",
                "need": "Specialized MHPSS services",
                "responsible": CW,
                "due_date": day(n + 7),
            },
            {"action": "Home visits", "need": "Neglect", "responsible": CW, "due_date": day(n + 7)},
        ],
    )
    return CasePlan.model_validate(data | kw)


def referral(n: int = 3, **kw: Any) -> ReferralForm:
    data = dict(
        consent_given=True,
        date=day(n),
        referral_type="External",
        priority="Medium",
        channel="Email as password protected document",
        referred_by={"name": CW},
        referred_to={"name": "Dr P", "agency": "Clinic"},
        reason="nightmares",
        services=["Specialized MHPSS services"],
        contact_route="Contact via caseworker",
        person={"first_name": "Amal", "address": "Block 4", "contact": "123", "sex": "Female"},
    )
    return ReferralForm.model_validate(data | kw)


def service(n: int = 4, **kw: Any) -> ServicesProvidedForm:
    data = dict(
        date_completed=day(n), service_types=["Basic psychosocial support"], date_started=day(n)
    )
    return ServicesProvidedForm.model_validate(data | kw)


def follow_up(n: int, **kw: Any) -> FollowUpForm:
    data = dict(
        date_completed=day(n),
        date=day(n),
        with_whom=["Child"],
        channels=["Scheduled home visit (child/family)"],
        on_plan_action=False,
        further_follow_up=False,
    )
    return FollowUpForm.model_validate(data | kw)


def case_review(n: int, **kw: Any) -> ReviewForm:
    data = dict(
        date_completed=day(n),
        date=day(n),
        child_present=True,
        caregiver_present=True,
        situation="s",
        plan_implementation="p",
        progress_towards_goal="g",
        new_assessment_needed=False,
        plan_adjustments_needed=False,
        risk_changed=False,
        recommend_closure=False,
        next_review_needed=False,
    )
    return ReviewForm.model_validate(data | kw)


def closure(n: int, **kw: Any) -> ClosureForm:
    closed = day(n)
    data = dict(
        date_closed=closed,
        reason="Overall goal of the case plan has been met, child is safe from harm, child's "
        "care and wellbeing is supported and there are no additional concerns",
        reason_details="met",
        situation_summary="well",
        process_description="agreed",
        agreed_with_child=True,
        agreed_with_caregiver=True,
        child_feedback_gathered=True,
        caregiver_feedback_gathered=True,
        final_follow_up_planned=True,
        file_complete=True,
        storage="Both",
        stored_until=closed.replace(year=closed.year + 5),
        told_who_to_contact=True,
        contact_person=CW,
        supervisor_approval={"approved": True, "supervisor": SUP, "date": closed},
    )
    return ClosureForm.model_validate(data | kw)


def implementing_case(sop: SOP = CASE_STUDY_SOP, **plan_fields: Any) -> Case:
    """A high-risk case with an approved plan, implementation started on day 2, under a
    risk-graded SOP (the case study's unless another is given)."""
    case = Case.identify("CM-T-1", D0, CW, sop=sop)
    case.record_consent(consent(), CW)
    case.register(registration(), CW)
    case.assess(assessment(), CW)
    case.approve_assessment(review_ok(1), SUP)
    case.plan(plan(**plan_fields), CW)
    case.approve_plan(review_ok(2), SUP)
    return case


def write_notebook(path: Path, *cells: tuple[str, str]) -> Path:
    """A notebook of ('markdown' | 'code', source) cells, as the course's pages are written."""
    path.write_text(
        json.dumps(
            {
                "cells": [
                    {"cell_type": kind, "metadata": {}, "source": source}
                    | ({"outputs": [], "execution_count": None} if kind == "code" else {})
                    for kind, source in cells
                ],
                "metadata": {},
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        ),
        encoding="utf-8",
    )
    return path


def signed_in(folder, name: str, pin: str = "4821") -> tuple[str, str]:
    """A trainee registered in `folder` and signed in, as the course server does it: (their
    id, the Cookie header a browser would send)."""
    from cmcourse.core.accounts import registered_session

    trainee, token = registered_session(folder, name, pin)
    return trainee, f"cm101_session={token}"
