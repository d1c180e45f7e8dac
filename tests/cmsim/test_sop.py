"""The SOPs: the Guidelines' (the default) and the Nadia case study's, both shipped as data; a
trainer's own loadable from YAML, with plain errors."""

from __future__ import annotations

import datetime as dt

import pytest

from cmsim import DEFAULT_SOP, FileProblem, RiskLevel, load_sop
from cmsim.sop import CASE_STUDY_SOP, GUIDELINES_SOP, SOP, shipped_sop, sop_as_yaml

H, M, L = RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW
DAY = dt.date(2022, 9, 5)


def test_the_case_study_sop_is_the_nadia_form_overviews():
    """Seed 003's overviews, graded by risk level: Nadia's agency's SOP, an example."""
    s = CASE_STUDY_SOP
    assert [s.assessment_after_registration[r].days for r in (H, M, L)] == [0, 3, 7]
    assert [s.case_plan_after_assessment[r].days for r in (H, M, L)] == [3, 7, 14]
    assert [(s.follow_up[r].times, s.follow_up[r].every.days) for r in (H, M, L)] == [
        (2, 7),
        (1, 7),
        (1, 14),
    ]
    assert [s.review[r].after(DAY) for r in (H, M, L)] == [
        dt.date(2022, 10, 5),
        dt.date(2022, 11, 5),
        dt.date(2022, 12, 5),
    ]
    assert [s.referral_response[r].days for r in (H, M, L)] == [1, 3, 7]
    assert s.follow_up_from == "implementation" and s.file_retention_years == 5


def test_the_default_sop_is_the_guidelines_own_rules():
    """Seed 004: the initial assessment within 24 hours (48 at most); the comprehensive one
    started within a week and completed within a month, the plan within 2 weeks of it, whatever
    the risk level; follow-up from the initial assessment; a review at least every 3 months;
    no retention period of the Guidelines' own."""
    s = DEFAULT_SOP
    assert s == GUIDELINES_SOP == SOP()  # the shipped file says what the class's defaults say
    assert (s.initial_assessment.days, s.initial_assessment_at_most.days) == (1, 2)
    assert {s.assessment_after_registration[r].days for r in (H, M, L)} == {7}
    assert {s.assessment_completed_within[r].after(DAY) for r in (H, M, L)} == {
        dt.date(2022, 10, 5)
    }
    assert {s.case_plan_after_assessment[r].days for r in (H, M, L)} == {14}
    assert [(s.follow_up[r].times, s.follow_up[r].every.days) for r in (H, M, L)] == [
        (2, 7),
        (1, 7),
        (1, 14),
    ]
    assert s.follow_up_from == "initial assessment"
    assert {s.review[r].after(DAY) for r in (H, M, L)} == {dt.date(2022, 12, 5)}
    assert s.file_retention_years is None


def test_a_shipped_sop_is_named_and_an_unknown_name_is_refused():
    assert shipped_sop("case-study") == CASE_STUDY_SOP
    with pytest.raises(KeyError, match="guidelines, case-study"):
        shipped_sop("nadia")


def test_default_staffing_and_closure_numbers():
    s = DEFAULT_SOP
    assert s.supervision.caseload_limit == 25
    assert (
        s.supervision.caseworkers_per_supervisor_min,
        s.supervision.caseworkers_per_supervisor_max,
    ) == (5, 6)
    assert s.supervision.caseload_review.days == 14
    assert s.supervision.individual_supervision_minutes == 60
    assert (
        s.supervision.file_reviews_per_caseworker_month_min,
        s.supervision.file_reviews_per_caseworker_month_max,
    ) == (3, 5)
    assert s.post_closure_visit_within.after(dt.date(2022, 12, 12)) == dt.date(2023, 3, 12)
    assert s.file_retention_years is None


def test_a_risk_level_of_none_has_no_timeline():
    with pytest.raises(KeyError, match="may be closed"):
        DEFAULT_SOP.review[RiskLevel.NONE]


def test_a_trainer_file_changes_only_what_it_names(tmp_path):
    path = tmp_path / "sop.yaml"
    path.write_text(
        "name: Country X\nassessment_after_registration:\n  high: 1 day\n"
        "  medium: 5 days\n  low: 2 weeks\nfollow_up:\n  high: 3 times a week\n"
        "  medium: once a week\n  low: once every 2 weeks\n"
    )
    sop = load_sop(path)
    assert sop.name == "Country X"
    assert sop.assessment_after_registration[H].days == 1
    assert sop.follow_up[H].times == 3
    assert sop.case_plan_after_assessment == DEFAULT_SOP.case_plan_after_assessment


def test_the_written_defaults_load_back_identical(tmp_path):
    path = tmp_path / "sop.yaml"
    path.write_text(sop_as_yaml())
    assert load_sop(path) == DEFAULT_SOP


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "review:\n  high: three weeks\n  medium: 2 months\n  low: 3 months\n",
            ["review.high", "'three weeks' is not a period", "'3 days'"],
        ),
        (
            "follow_up:\n  high: often\n  medium: once a week\n  low: once a week\n",
            ["follow_up.high", "twice a week"],
        ),
        ("caseload_limt: 20\n", ["caseload_limt", "not a field"]),
        ("supervision:\n  caseload_limit: -3\n", ["supervision.caseload_limit", "greater than"]),
        (
            "assessment_approval_required_for: [Urgent]\n",
            ["assessment_approval_required_for[1]", "'Urgent' is not on the list", "'High'"],
        ),
        ("review: [1, 2\n", ["not valid YAML", "line"]),
        ("- a\n- b\n", ["field: value"]),
    ],
)
def test_a_bad_sop_file_names_the_file_the_field_and_what_is_allowed(tmp_path, text, expected):
    path = tmp_path / "my_sop.yaml"
    path.write_text(text)
    with pytest.raises(FileProblem) as info:
        load_sop(path)
    message = str(info.value)
    assert message.startswith(str(path))
    for part in expected:
        assert part in message
    assert "Traceback" not in message and "pydantic" not in message


def test_a_missing_sop_file_says_so(tmp_path):
    with pytest.raises(FileProblem, match="does not exist"):
        load_sop(tmp_path / "nope.yaml")


def test_contextualised_items_extend_the_form_lists():
    from builders import registration

    from cmsim.forms import RegistrationForm
    from cmsim.sop import SOP

    data = registration().model_dump(mode="json") | {
        "protection_concerns": ["Child recruited for street vending"]
    }
    with pytest.raises(ValueError, match="not on the form's list"):
        RegistrationForm.model_validate(data)
    sop = SOP.model_validate(
        {"contextualise": {"protection_concerns": ["Child recruited for street vending"]}}
    )
    form = RegistrationForm.model_validate(data, context={"sop": sop})
    assert form.protection_concerns == ["Child recruited for street vending"]


def test_a_contextualised_item_cannot_duplicate_the_form_list():
    from cmsim.sop import SOP

    with pytest.raises(ValueError, match="already on the form's list"):
        SOP.model_validate({"contextualise": {"service_types": ["Food"]}})
