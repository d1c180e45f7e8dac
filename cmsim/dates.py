"""Day-first dates, as written on the case management forms (05/09/2022 is 5 September 2022)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from dateutil.relativedelta import relativedelta
from pydantic import BeforeValidator, PlainSerializer
from pydantic_core import PydanticCustomError

FORMAT = "%d/%m/%Y"


def parse_day_first(value: Any) -> dt.date:
    """Read a form date. Only dd/mm/yyyy is accepted: the forms' two-digit 'dd/mm/yy'
    placeholder is ambiguous across centuries for dates of birth, so we ask for four digits."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return dt.datetime.strptime(text, FORMAT).date()
        except ValueError:
            pass
    raise PydanticCustomError(
        "day_first_date",
        "'{value}' is not a date written day/month/year with a four-digit year, "
        "for example 05/09/2022 for 5 September 2022",
        {"value": value},
    )


def fmt(day: dt.date | None) -> str:
    """A date as the forms write it, or an empty string."""
    return day.strftime(FORMAT) if day else ""


DayFirstDate = Annotated[
    dt.date,
    BeforeValidator(parse_day_first),
    PlainSerializer(fmt, return_type=str, when_used="json"),
]


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months, clamped to the month's end (31/01 + 1 month = 28/02 or 29/02)."""
    return day + relativedelta(months=months)


def add_years(day: dt.date, years: int) -> dt.date:
    return day + relativedelta(years=years)


def whole_weeks(start: dt.date, end: dt.date) -> int:
    return (end - start).days // 7
