"""What counts as the right answer, per kind of answer: defined once, for the course's checks
(`cmcourse.core.bank.check`) and for nbgrader's hidden tests (`cmcourse.assignments.kernel`).

Standard library only: every grading kernel imports it, and what it costs is paid once per
submission (bench/bench_autograde.py). Values arrive already of the right form (the course's
checks and the kernel's `record` refuse the others first).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

KINDS = ("single", "multiple", "true_false", "matching", "ordering", "date", "number")


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


def is_right(kind: str, value: Any, expected: Any) -> bool:
    """Whether `value` is the answer `expected`, for an answer of this kind."""
    if kind == "single":
        return str(value).strip() == expected
    if kind == "multiple":
        return {str(v).strip() for v in value} == set(expected)
    if kind == "true_false":
        return bool(value == expected)
    if kind == "matching":
        return {str(k): str(v) for k, v in dict(value).items()} == expected
    if kind == "ordering":
        return [str(v) for v in value] == list(expected)
    if kind == "date":
        return read_day(value) is not None and read_day(value) == read_day(expected)
    if kind == "number":
        return read_number(value) is not None and read_number(value) == read_number(expected)
    raise ValueError(f"no such kind of answer: {kind!r}; the kinds are {', '.join(KINDS)}")
