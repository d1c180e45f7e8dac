"""The question bank: valid data, right answers right, wrong answers explained, clear errors."""

from __future__ import annotations

import pytest

from cmcourse.core.bank import BANK_DIR, check, load_bank, load_module_bank
from cmcourse.core.render import VIEWS
from cmsim import FileProblem
from cmsim.dates import fmt

ALL = [q for bank in load_bank().values() for q in bank.questions]


def right_answer(q):
    return {
        "single": lambda: q.answer,
        "multiple": lambda: q.answer,
        "true_false": lambda: q.answer,
        "matching": lambda: {p.id: p.match_id for p in q.pairs},
        "ordering": lambda: [i.id for i in q.items],
        "computed": lambda: fmt(q.expected()) if q.answer_kind == "date" else q.expected(),
    }[q.type]()


def test_every_question_type_has_one_renderer():
    from typing import get_args

    from cmcourse.core.bank import Question

    types = {m.model_fields["type"].annotation.__args__[0] for m in get_args(get_args(Question)[0])}
    assert types == set(VIEWS)


@pytest.mark.parametrize("q", ALL, ids=lambda q: q.id)
def test_the_right_answer_scores_full_points(q):
    result = check(q, right_answer(q))
    assert result.correct and result.points == q.points
    assert result.messages and all(m.strip() for m in result.messages)


@pytest.mark.parametrize("q", [q for q in ALL if q.type == "single"], ids=lambda q: q.id)
def test_every_wrong_option_scores_zero_and_explains_itself(q):
    for option in q.options:
        if option.id != q.answer:
            result = check(q, option.id)
            assert not result.correct and result.points == 0
            assert result.messages == [option.feedback]
    assert len({o.feedback for o in q.options}) == len(q.options)  # no copied feedback


def test_an_unreadable_answer_scores_zero_and_says_how_to_answer():
    q = next(q for q in ALL if q.type == "single")
    result = check(q, "zz")
    assert result.points == 0 and "letter of one option" in result.messages[0]
    computed = next(q for q in ALL if q.type == "computed")
    assert "dd/mm/yyyy" in check(computed, "next week").messages[0]


def test_an_ordering_answer_says_which_positions_are_wrong():
    q = next(q for q in ALL if q.type == "ordering")
    order = [i.id for i in q.items]
    order[0], order[1] = order[1], order[0]
    assert "Positions not yet right: 1, 2." in check(q, order).messages


def test_a_computed_answer_follows_the_sop_in_force():
    from cmcourse.core.computed import case_plan_due
    from cmsim.sop import CASE_STUDY_SOP, SOP

    sop = SOP.model_validate(
        {"case_plan_after_assessment": {"high": "1 day", "medium": "1 week", "low": "2 weeks"}}
    )
    assert fmt(case_plan_due("High", "06/09/2022")) == "20/09/2022"  # the Guidelines: 2 weeks
    assert fmt(case_plan_due("High", "06/09/2022", sop=CASE_STUDY_SOP)) == "09/09/2022"  # 3 days
    assert fmt(case_plan_due("High", "06/09/2022", sop=sop)) == "07/09/2022"


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (("answer: g", "answer: z"), ["question 'm1-key-messages'", "answer z is not one of"]),
        (
            (
                '    type: single\n    prompt: "Check your understanding: identify',
                '    type: singel\n    prompt: "Check your understanding: identify',
            ),
            ["question 'm1-key-messages'", "type"],
        ),
        (("    feedback_true:", "    feedback_yes:"), ["question 'm1-imminent-harm'", "feedback"]),
        (("- id: m1-six-steps", "- id: m1-key-messages"), ["used twice"]),
    ],
)
def test_a_question_file_with_a_typo_names_the_file_the_question_and_the_field(
    tmp_path, edit, expected
):
    text = (BANK_DIR / "module1.yaml").read_text()
    assert edit[0] in text
    bad = tmp_path / "module1.yaml"
    bad.write_text(text.replace(edit[0], edit[1], 1))
    with pytest.raises(FileProblem) as info:
        load_module_bank(bad)
    message = str(info.value)
    assert message.startswith(str(bad))
    for part in expected:
        assert part in message


def test_broken_yaml_gives_the_line(tmp_path):
    bad = tmp_path / "m.yaml"
    bad.write_text("module: '1'\nquestions: [\n")
    with pytest.raises(FileProblem, match="not valid YAML near line"):
        load_module_bank(bad)


@pytest.mark.parametrize("q", ALL, ids=lambda q: q.id)
def test_the_right_answer_has_the_form_an_assignment_accepts(q):
    """The form `record` checks in nbgrader takes the course's right answer, and judges it
    right with the same rule as the course."""
    from cmcourse.core.answers import is_right, problem

    form = q.answer_form()
    assert problem(form, q.right_answer()) is None
    assert is_right(form["kind"], q.right_answer(), q.right_answer())
    ids = [v for key, values in form.items() if key != "kind" for v in values]
    assert all(f'"{i}"' in q.assignment_help() for i in ids) and q.how_to_answer


def test_a_file_closed_on_a_leap_day_is_kept_to_the_last_day_of_february():
    from cmcourse.core.computed import file_kept_until
    from cmsim.sop import CASE_STUDY_SOP

    assert fmt(file_kept_until("29/02/2024", sop=CASE_STUDY_SOP)) == "28/02/2029"


def test_the_guidelines_set_no_retention_period_and_say_who_does():
    from cmcourse.core.computed import file_kept_until
    from cmsim.errors import CmsimError

    with pytest.raises(CmsimError, match="protocol or national law"):
        file_kept_until("15/11/2023")
