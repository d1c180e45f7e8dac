"""What trainees call in nbgrader assignments: `record(question_id, value)`.

The value is passed explicitly (no kernel globals are read); `record` checks its type and
shape and says how to fix it, without ever revealing whether it is right. The hidden tests
of the assignment call `assert_right`, which checks the recorded value against the bank.
"""

from __future__ import annotations

import re
from typing import Any

from .bank import check, find

_answers: dict[str, Any] = {}


def _problem(question: Any, value: Any) -> str | None:
    """Why this value cannot be an answer to this question, or None."""
    kind = question.type
    if kind == "single":
        ids = [o.id for o in question.options]
        if not isinstance(value, str) or value.strip() not in ids:
            return f'give one letter as text, one of {", ".join(map(repr, ids))}, e.g. "{ids[0]}"'
    elif kind == "multiple":
        ids = [o.id for o in question.options]
        if not isinstance(value, list | tuple | set) or not value:
            return f'give a list of letters, e.g. ["{ids[0]}", "{ids[1]}"]'
        unknown = [v for v in value if v not in ids]
        if unknown:
            return f"{', '.join(map(repr, unknown))} is not an option; options: {', '.join(ids)}"
    elif kind == "true_false":
        if not isinstance(value, bool):
            return "give True or False (without quotes)"
    elif kind == "matching":
        terms = [p.id for p in question.pairs]
        labels = sorted(p.match_id for p in question.pairs)
        if not isinstance(value, dict) or sorted(value) != sorted(terms):
            return f"give a dictionary with one entry per term: {', '.join(map(repr, terms))}"
        if any(v not in labels for v in value.values()):
            return f"each term needs one of the definition labels {', '.join(labels)}"
    elif kind == "ordering":
        ids = [i.id for i in question.items]
        if not isinstance(value, list | tuple) or sorted(value) != sorted(ids):
            return f"give a list with every item once, in order: {', '.join(map(repr, ids))}"
    elif kind == "computed":
        if question.answer_kind == "date":
            if not isinstance(value, str) or not re.fullmatch(r"\d{2}/\d{2}/\d{4}", value.strip()):
                return 'give a date as text written dd/mm/yyyy, e.g. "05/09/2022"'
        elif not isinstance(value, int | float):
            return "give a number"
    return None


def record(question_id: str, value: Any) -> None:
    """Record your answer to one question. It is checked only for its form here."""
    question = find(question_id)
    problem = _problem(question, value)
    if problem:
        print(f"Not recorded yet for {question_id}: {problem}.")
        _answers.pop(question_id, None)
        return
    _answers[question_id] = list(value) if isinstance(value, tuple | set) else value
    print(f"Answer to {question_id} recorded.")


def recorded(question_id: str) -> Any:
    return _answers.get(question_id)


def assert_right(question_id: str) -> None:
    """For the assignment's hidden tests: fail unless the recorded answer is right."""
    value = _answers.get(question_id)
    assert value is not None, f"No answer was recorded for {question_id}."
    assert check(find(question_id), value).correct, f"The answer to {question_id} is not right."
