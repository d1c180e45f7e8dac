"""Staffing under the SOP: how many caseworkers and supervisors a caseload needs, and what
a team breaks (004 §2.5.1: at most 25 cases per caseworker, caseload review at least every
2 weeks; 001: one supervisor for 5-6 caseworkers)."""

from __future__ import annotations

from dataclasses import dataclass

from cmsim.sop import DEFAULT_SOP, SOP


@dataclass(frozen=True)
class Staffing:
    cases: int
    caseworkers: int
    supervisors: int
    caseload_reviews_per_month: int
    supervision_hours_per_month: int

    def lines(self, sop: SOP = DEFAULT_SOP) -> list[str]:
        s = sop.supervision
        return [
            f"{_count(self.cases, 'case')} {'needs' if self.cases == 1 else 'need'} at least "
            f"{_count(self.caseworkers, 'caseworker')} (at most {s.caseload_limit} cases each).",
            f"{_count(self.caseworkers, 'caseworker')} "
            f"{'needs' if self.caseworkers == 1 else 'need'} at least "
            f"{_count(self.supervisors, 'supervisor')} (one supervisor for "
            f"{s.caseworkers_per_supervisor_min}-{s.caseworkers_per_supervisor_max} caseworkers).",
            f"Caseload reviews: about {self.caseload_reviews_per_month} a month (each "
            f"caseworker's caseload at least every {s.caseload_review}).",
            f"Individual supervision: about {self.supervision_hours_per_month} hours a month "
            f"({s.individual_supervision_minutes} minutes {s.individual_supervision.__str__()} "
            "per caseworker).",
        ]


def _count(n: int, thing: str) -> str:
    """'1 caseworker', '2 caseworkers'."""
    return f"{n} {thing}{'s' * (n != 1)}"


def _per_month(every_days: int, times: int = 1) -> float:
    """How often a month (30 days) something done every `every_days` days, `times` times,
    comes round: every two weeks is 30/14, about 2.1 a month (not 3)."""
    return 30 * times / every_days


def staffing_for(cases: int, sop: SOP = DEFAULT_SOP) -> Staffing:
    """The smallest team that can carry `cases` under the SOP."""
    if cases < 0:
        raise ValueError("the number of cases cannot be negative")
    s = sop.supervision
    caseworkers = -(-cases // s.caseload_limit)
    supervisors = -(-caseworkers // s.caseworkers_per_supervisor_max)
    reviews = round(caseworkers * _per_month(s.caseload_review.days))
    sessions = _per_month(s.individual_supervision.every.days, s.individual_supervision.times)
    hours = round(caseworkers * sessions * s.individual_supervision_minutes / 60)
    return Staffing(cases, caseworkers, supervisors, reviews, hours)


def team_findings(
    cases: int, caseworkers: int, supervisors: int, sop: SOP = DEFAULT_SOP
) -> list[str]:
    """What a team breaks, in plain words; an empty list when it is within the SOP."""
    s = sop.supervision
    findings = []
    if caseworkers <= 0:
        return [f"{cases} cases and no caseworker: every case needs a caseworker."]
    per = cases / caseworkers
    if per > s.caseload_limit:
        findings.append(
            f"{per:.1f} cases per caseworker is more than the {s.caseload_limit} allowed: "
            f"{_count(-(-cases // s.caseload_limit) - caseworkers, 'more caseworker')} needed, or "
            "fewer cases registered (refine the vulnerability criteria)."
        )
    if supervisors <= 0:
        findings.append("No supervisor: caseworkers must have regular supervision.")
    else:
        ratio = caseworkers / supervisors
        if ratio > s.caseworkers_per_supervisor_max:
            short = -(-caseworkers // s.caseworkers_per_supervisor_max) - supervisors
            findings.append(
                f"{ratio:.1f} caseworkers per supervisor is more than "
                f"{s.caseworkers_per_supervisor_max}: {_count(short, 'more supervisor')} needed."
            )
    return findings
