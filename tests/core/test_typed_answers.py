"""Answers typed by hand: a date written any common way counts the same; what cannot be read
is said exactly, and is neither scored nor saved."""

from __future__ import annotations

import datetime as dt

import pytest

from cmcourse.core.answers import read_day, read_typed_day
from cmcourse.core.bank import check, find, load_bank
from cmcourse.core.render import question_view

DUE = "m3-assessment-due-low"  # registered 14/03/2023, low risk: by 21/03/2023


@pytest.mark.parametrize(
    "typed", ["21/03/2023", "21/3/23", "2023-03-21", "21.03.2023", " 21-03-2023 "]
)
def test_the_common_ways_of_writing_a_date_all_count(typed):
    assert read_typed_day(typed) == dt.date(2023, 3, 21)
    assert check(find(DUE), typed).correct
    assert read_day(typed) == dt.date(2023, 3, 21)  # nbgrader's grading reads it the same


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("31/09/2022", "30 September is the last day of September"),
        ("29/02/2023", "28 February is the last day of February"),
        ("21/13/2023", "there is no month 13"),
        ("next Tuesday", "cannot be read as a date"),
    ],
)
def test_a_date_that_cannot_be_read_is_said_exactly_and_not_counted(typed, says):
    problem = find(DUE).unreadable(typed)
    assert problem and says.lower() in problem.lower() and "not counted" in problem


def test_an_unreadable_answer_is_neither_scored_nor_saved_and_the_right_one_stays(monkeypatch):
    saved = []
    view = question_view(find(DUE), lambda q, a, r: saved.append((a, r.correct)), "21/03/2023")
    assert "cm-right" in view.feedback.value
    view.entry.value = "31/09/2022"
    view._check()
    assert saved == [] and "30 September is the last day" in view.feedback.value
    assert view.entry.value == "31/09/2022"  # what was typed stays, to mend
    view.entry.value = "2023-03-21"
    view._check()
    assert saved == [("2023-03-21", True)]


def test_a_number_that_is_not_one_is_said_plainly_and_not_counted():
    question = next(
        q for q in load_bank()["S"].questions if getattr(q, "answer_kind", "") == "number"
    )
    for typed in ("twelve", "1,2", "nan", "inf"):
        assert "is not a number" in question.unreadable(typed), typed
    assert question.unreadable(str(question.right_answer())) is None
