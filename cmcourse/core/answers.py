"""The kinds of answer, each defined once: what form an answer of the kind takes (`problem`)
and what counts as right (`is_right`). The course's checks (`cmcourse.core.bank`) and
nbgrader's `record` and hidden tests (`cmcourse.assignments.kernel`) use the same functions.

Standard library only: every grading kernel imports it, and what it costs is paid once per
submission (bench/bench_autograde.py). A question type of the bank names its kind and the ids
the kind needs (its `answer_form`); adding a kind means adding one `Kind` to `KINDS`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, NamedTuple

Form = dict[str, Any]  # {"kind": ..., and the ids the kind needs: options, terms, labels, items}


def read_day(value: Any) -> dt.date | None:
    """A date: a date object, or text written day/month/year with a four-digit year (as the
    assignments take it); None if it is neither or not on the calendar (31/02)."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", value.strip()):
        day, month, year = map(int, value.strip().split("/"))
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    return None


def read_number(value: Any) -> float | None:
    """A number, or the text of one (the course saves what was typed); never a bool."""
    if isinstance(value, bool):
        return None
    try:
        return float(value) if isinstance(value, int | float | str) else None
    except ValueError:
        return None


def _ids(values: list[str]) -> str:
    return ", ".join(map(repr, values))


# -- one pair of functions per kind: why a value is not of the form, and whether it is right --


def _single_problem(form: Form, value: Any) -> str | None:
    ids = form["options"]
    if not isinstance(value, str) or value.strip() not in ids:
        return f'give one letter as text, one of {_ids(ids)}, e.g. "{ids[0]}"'
    return None


def _multiple_problem(form: Form, value: Any) -> str | None:
    ids = form["options"]
    if not isinstance(value, list | tuple | set) or not value:
        return f'give a list of letters, e.g. ["{ids[0]}", "{ids[1]}"]'
    unknown = [v for v in value if not isinstance(v, str) or v.strip() not in ids]
    if unknown:
        return f"{_ids(unknown)} is not an option; options: {', '.join(ids)}"
    return None


def _true_false_problem(form: Form, value: Any) -> str | None:
    return None if isinstance(value, bool) else "give True or False (without quotes)"


def _matching_problem(form: Form, value: Any) -> str | None:
    terms, labels = form["terms"], form["labels"]
    if not isinstance(value, dict) or sorted(map(str, value)) != sorted(terms):
        return f"give a dictionary with one entry per term: {_ids(terms)}"
    if any(v not in labels for v in value.values()):
        return f"each term needs one of the definition labels {', '.join(labels)}"
    return None


def _ordering_problem(form: Form, value: Any) -> str | None:
    ids = form["items"]  # in the order the prompt shows them, never the right one
    if not isinstance(value, list | tuple) or sorted(map(str, value)) != sorted(ids):
        return f"give a list with every item once, in order: {_ids(ids)}"
    return None


def _date_problem(form: Form, value: Any) -> str | None:
    if not isinstance(value, str) or read_day(value) is None:
        return 'give a date as text written dd/mm/yyyy, e.g. "05/09/2022"'
    return None


def _number_problem(form: Form, value: Any) -> str | None:
    return None if read_number(value) is not None else "give a number"


class Kind(NamedTuple):
    problem: Callable[[Form, Any], str | None]
    is_right: Callable[[Any, Any], bool]


KINDS: dict[str, Kind] = {
    "single": Kind(_single_problem, lambda value, expected: str(value).strip() == expected),
    "multiple": Kind(
        _multiple_problem, lambda value, expected: {str(v).strip() for v in value} == set(expected)
    ),
    "true_false": Kind(_true_false_problem, lambda value, expected: bool(value == expected)),
    "matching": Kind(
        _matching_problem,
        lambda value, expected: {str(k): str(v) for k, v in dict(value).items()} == expected,
    ),
    "ordering": Kind(
        _ordering_problem, lambda value, expected: [str(v) for v in value] == list(expected)
    ),
    "date": Kind(
        _date_problem,
        lambda value, expected: (
            read_day(value) is not None and read_day(value) == read_day(expected)
        ),
    ),
    "number": Kind(
        _number_problem,
        lambda value, expected: (
            read_number(value) is not None and read_number(value) == read_number(expected)
        ),
    ),
}


def _kind(name: str) -> Kind:
    if name not in KINDS:
        raise ValueError(f"no such kind of answer: {name!r}; the kinds are {', '.join(KINDS)}")
    return KINDS[name]


def is_right(kind: str, value: Any, expected: Any) -> bool:
    """Whether `value` is the answer `expected`, for an answer of this kind."""
    return _kind(kind).is_right(value, expected)


def problem(form: Form, value: Any) -> str | None:
    """Why `value` cannot be an answer of this form (said as how to write one), or None."""
    return _kind(form["kind"]).problem(form, value)
