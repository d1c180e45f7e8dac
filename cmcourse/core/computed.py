"""Answers computed with cmsim, named in the question bank's `compute` field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from cmsim.dates import add_years, parse_day_first
from cmsim.errors import CmsimError
from cmsim.sop import DEFAULT_SOP, SOP
from cmsim.vocab import RiskLevel


def _sop(sop: SOP | None) -> SOP:
    return sop or DEFAULT_SOP


def case_plan_due(risk: str, assessment: str, sop: SOP | None = None) -> dt.date:
    """Last day to agree the case plan after an assessment completed on a date."""
    return _sop(sop).case_plan_after_assessment[RiskLevel(risk)].after(parse_day_first(assessment))


def assessment_due(risk: str, registration: str, sop: SOP | None = None) -> dt.date:
    return (
        _sop(sop)
        .assessment_after_registration[RiskLevel(risk)]
        .after(parse_day_first(registration))
    )


def review_due(risk: str, start: str, sop: SOP | None = None) -> dt.date:
    return _sop(sop).review[RiskLevel(risk)].after(parse_day_first(start))


def file_kept_until(closed: str, sop: SOP | None = None) -> dt.date:
    years = _sop(sop).file_retention_years
    if years is None:
        raise CmsimError(
            f"{_sop(sop).name} set no period for keeping closed files: it is the agency's data "
            "protection protocol or national law that sets it."
        )
    return add_years(parse_day_first(closed), years)


def caseworkers_needed(cases: int, sop: SOP | None = None) -> int:
    limit = _sop(sop).supervision.caseload_limit
    return -(-int(cases) // limit)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    f.__name__: f
    for f in (case_plan_due, assessment_due, review_due, file_kept_until, caseworkers_needed)
}
