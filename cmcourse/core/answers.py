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


MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def read_typed_day(text: str) -> dt.date:
    """A date as people type it: day first (05/09/2022, 5/9/22, 5.9.2022, 05-09-2022) or ISO
    (2022-09-05). A two-digit year is read as 20yy (the dates of this course's cases and
    questions are all this century). Raises ValueError saying exactly what is wrong."""
    cleaned = re.sub(r"\s+", "", str(text))
    iso = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", cleaned)
    dmy = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})", cleaned)
    if iso:
        year, month, day = map(int, iso.groups())
    elif dmy:
        day, month, year = map(int, dmy.groups())
        year += 2000 if year < 100 else 0
    else:
        raise ValueError(
            f"“{str(text).strip()}” cannot be read as a date: write the day, month and year, "
            "for example 05/09/2022 for 5 September 2022"
        )
    if not 1 <= month <= 12:
        raise ValueError(f"there is no month {month}: the months go from 1 to 12 (day first)")
    try:
        return dt.date(year, month, day)
    except ValueError:
        last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
        name = MONTHS[month - 1]
        raise ValueError(
            f"{name} {year} has no day {day}: {last} {name} is the last day of {name}"
        ) from None


def read_day(value: Any) -> dt.date | None:
    """A date: a date object, or text a trainee typed (`read_typed_day`); None if it is
    neither or not on the calendar (31/02)."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return read_typed_day(value)
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
    how = 'give a date as text written dd/mm/yyyy, e.g. "05/09/2022"'
    if not isinstance(value, str):
        return how
    try:
        read_typed_day(value)
    except ValueError as exc:
        return f"{exc}; {how}"
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
