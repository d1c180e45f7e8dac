"""Forms: day-first dates, the seed's tick-lists exactly, and plain validation messages."""

from __future__ import annotations

import datetime as dt

import pytest
from builders import case_review, plan, registration
from pydantic import ValidationError

from cmsim import vocab
from cmsim.errors import plain_problems
from cmsim.forms import CaregiverFeedbackForm, CasePlan, ChildFeedbackForm


def test_dates_are_day_first_like_the_forms():
    form = registration(
        date_identified="05/09/2022", date_of_interview="05/09/2022", date_completed="06/09/2022"
    )
    assert form.date_identified == dt.date(2022, 9, 5)
    assert form.model_dump(mode="json")["date_completed"] == "06/09/2022"


@pytest.mark.parametrize("bad", ["2022-09-05", "5/9/22", "31/02/2022", "tomorrow"])
def test_a_date_in_the_wrong_format_gets_a_plain_message(bad):
    with pytest.raises(ValidationError) as info:
        registration(date_completed=bad)
    (line,) = plain_problems(info.value)
    assert "date_completed" in line and "day/month/year" in line and "05/09/2022" in line


def test_tick_lists_have_exactly_the_seed_items():
    assert len(vocab.ProtectionConcern) == 35
    assert len(vocab.ServiceType) == 23
    assert len(vocab.ConsentService) == 21
    assert len(vocab.CareArrangement) == 13
    assert len(vocab.PopulationGroup) == 10
    assert len(vocab.FollowUpChannel) == 12
    assert len(vocab.ClosureReason) == 10
    assert vocab.ReferralChannel.labels() == [
        "Phone (high risk cases only)",
        "Email as password protected document",
        "In person in sealed envelope",
        "Digital case management system",
    ]
    assert vocab.ClosureReason("Death of child") is vocab.ClosureReason.DEATH


def test_the_two_spellings_of_sexual_exploitation_are_one_concern():
    assert vocab.ProtectionConcern(
        "Sexual exploitation and abuse (SEA)"
    ) is vocab.ProtectionConcern("sexual  exploitation")


def test_every_service_type_maps_to_consent_items():
    assert set(vocab.CONSENT_COVERING) == set(vocab.ServiceType)


def test_a_due_date_before_the_plan_was_agreed_is_refused_with_the_action_named():
    with pytest.raises(ValidationError) as info:
        plan(
            n=5,
            actions=[
                {
                    "action": "Enrol in evening classes",
                    "need": "Non-formal education",
                    "responsible": "Caseworker",
                    "due_date": "01/09/2022",
                }
            ],
        )
    message = plain_problems(info.value)[0]
    assert "action 1" in message and "01/09/2022" in message and "before the plan" in message


def test_a_case_plan_needs_at_least_one_action():
    with pytest.raises(ValidationError):
        CasePlan.model_validate(plan().model_dump() | {"actions": []})


def test_a_review_that_changes_risk_says_to_what():
    with pytest.raises(ValidationError, match="new level"):
        case_review(28, risk_changed=True)
    assert case_review(28, risk_changed=True, new_risk_level="Medium").new_risk_level


def test_feedback_needs_every_rating_from_1_to_10_and_reverses_negative_items():
    base = dict(
        date_completed="15/12/2022",
        consent_date="15/12/2022",
        child_consent_name="N",
        heard_from="Parents",
        asked_before_helping="Yes",
        got_expected_support="Yes",
        plan_made_together="Yes",
        connected_to_services="Yes",
        asked_before_sharing="Yes",
        decided_to_stop_together="No",
        other_feedback="No",
    )
    ratings = {q: 8 for q in range(9, 17)}
    form = ChildFeedbackForm.model_validate(base | {"ratings": ratings | {9: 1}})
    assert form.agreement(9) == 10 and form.agreement(10) == 8
    with pytest.raises(ValidationError, match="missing: 16"):
        ChildFeedbackForm.model_validate(base | {"ratings": {q: 5 for q in range(9, 16)}})
    with pytest.raises(ValidationError):
        ChildFeedbackForm.model_validate(base | {"ratings": ratings | {12: 11}})
    # "Parents" is on the child's list only; the caregiver's says "My child".
    with pytest.raises(ValidationError):
        CaregiverFeedbackForm.model_validate(
            {k: v for k, v in base.items() if k != "child_consent_name"}
            | {"ratings": ratings, "relationship": "Primary caregiver", "consent_name": "M"}
        )


def test_unknown_fields_are_refused_so_typos_never_pass():
    with pytest.raises(ValidationError) as info:
        registration(risk_lvl="High")
    assert "risk_lvl" in plain_problems(info.value)[0]
