"""A case's key facts: what a supervisor reads first."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from cmsim.casefile import CaseFile
from cmsim.dates import fmt, whole_weeks
from cmsim.sop import SOP
from cmsim.timeline import case_end, retention_date
from cmsim.vocab import Step


@dataclass(frozen=True)
class Summary:
    code: str
    status: str
    identified_on: str
    steps: dict[str, str] = field(default_factory=dict)  # step -> first date reached
    risk_history: list[dict[str, str]] = field(default_factory=list)
    current_risk: str | None = None
    plan_actions: int = 0
    referrals: int = 0
    follow_ups: int = 0
    reviews: int = 0
    weeks_open: int = 0
    closure_reason: str | None = None
    closed_on: str | None = None
    file_kept_until: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    def lines(self) -> list[str]:
        out = [f"Case {self.code}: {self.status}", f"Identified: {self.identified_on}"]
        out += [f"  {step}: {day}" for step, day in self.steps.items()]
        out.append(
            "Risk level: "
            + " -> ".join(f"{r['level']} ({r['date']}, {r['source']})" for r in self.risk_history)
        )
        out.append(
            f"Case plan actions: {self.plan_actions}; referrals: {self.referrals}; "
            f"follow-ups: {self.follow_ups}; reviews: {self.reviews}"
        )
        out.append(f"Weeks open: {self.weeks_open}")
        if self.closure_reason:
            out.append(f"Closed {self.closed_on}: {self.closure_reason}")
        if self.file_kept_until:
            out.append(f"File kept until: {self.file_kept_until}")
        return out


def summarise(file: CaseFile, sop: SOP, as_of: dt.date | None = None) -> Summary:
    steps: dict[str, str] = {}
    for step in Step:
        days = [e.on for e in file.log if e.step is step and e.action != "identify"]
        if days:
            steps[step.value] = fmt(min(days))
    opened = file.registration.date_of_interview if file.registration else file.identified_on
    end = case_end(file) or as_of or dt.date.today()
    closure = file.closures[-1] if file.closures else None
    kept = retention_date(file, sop)
    return Summary(
        code=file.code,
        status=file.status.value,
        identified_on=fmt(file.identified_on),
        steps=steps,
        risk_history=[
            {"date": fmt(r.on), "level": r.level.value, "source": r.source}
            for r in file.risk_history
        ],
        current_risk=file.risk.value if file.risk else None,
        plan_actions=len(file.plans[-1].actions) if file.plans else 0,
        referrals=len(file.referrals),
        follow_ups=len(file.follow_ups),
        reviews=len(file.reviews),
        weeks_open=whole_weeks(opened, end),
        closure_reason=closure.reason.value if closure else None,
        closed_on=fmt(closure.date_closed) if closure else None,
        file_kept_until=fmt(closure.stored_until) if closure else (fmt(kept) if kept else None),
    )
