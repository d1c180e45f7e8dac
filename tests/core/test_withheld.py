"""A computed question does not give its answer away on a wrong try: a hint first (too early
or too late), the value and why only at the third wrong try. Checking the same answer twice
(a double click) is one try, not two."""

from __future__ import annotations

from cmcourse.core.bank import REVEAL_AFTER, check, find, load_bank
from cmcourse.core.render import question_view

DUE = "m3-assessment-due-low"  # registered 14/03/2023, low risk, the Guidelines: by 21/03/2023


def test_a_wrong_date_gets_a_hint_not_the_date_until_the_third_try():
    question = find(DUE)
    late = check(question, "28/03/2023", tries=0)
    assert not late.correct and late.points == 0
    text = " ".join(late.messages)
    assert "21/03/2023" not in text and "your date is later than the rule gives" in text
    assert "shown after 2 more tries" in text
    early = " ".join(check(question, "15/03/2023", tries=1).messages)
    assert "earlier than the rule gives" in early and "after 1 more try" in early
    third = " ".join(check(question, "15/03/2023", tries=REVEAL_AFTER - 1).messages)
    assert "the answer is 21/03/2023" in third  # then the value, with the rule
    assert check(question, "21/03/2023", tries=0).correct  # a right answer is said at once


def test_a_wrong_number_gets_more_or_fewer():
    question = next(q for q in load_bank()["S"].questions if q.type == "computed")
    right = question.expected()
    text = " ".join(check(question, str(right + 5)).messages)
    assert "more than the rule gives" in text and str(right) not in text.split("after")[0]
    assert "fewer than the rule gives" in " ".join(check(question, str(right - 1)).messages)


def test_checking_the_same_answer_twice_is_one_try_and_the_hint_counts_tries():
    saved = []
    view = question_view(find(DUE), lambda q, a, r: saved.append(a))
    view.entry.value = "28/03/2023"
    view._check()
    view._check()  # the second click of a double click
    assert saved == ["28/03/2023"]
    assert "after 2 more tries" in view.feedback.value
    view.entry.value = "27/03/2023"
    view._check()
    assert "after 1 more try" in view.feedback.value
    view.entry.value = "26/03/2023"
    view._check()
    assert "the answer is 21/03/2023" in view.feedback.value and len(saved) == 3


def test_a_page_opened_again_shows_the_feedback_the_trainee_last_saw():
    view = question_view(find(DUE), lambda q, a, r: None, previous="28/03/2023", tries=1)
    assert "21/03/2023" not in view.feedback.value and "after 2 more tries" in view.feedback.value
    again = question_view(find(DUE), lambda q, a, r: None, previous="28/03/2023", tries=3)
    assert "the answer is 21/03/2023" in again.feedback.value
