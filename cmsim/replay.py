"""Replay a case written as a script of operations (a YAML file) through `Case`.

A case script names the case code, when and by whom the child was identified, and the
operations in order, each with its form file (see casestudies/nadia/case.yaml). The forms stay
exactly as on paper: where a form carries the supervisor's review, the filing and the review
are replayed as two operations, as they happen in practice.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from cmsim.case import Case
from cmsim.dates import parse_day_first
from cmsim.errors import CmsimError, FileProblem, RuleViolation
from cmsim.files import load_model, read_yaml
from cmsim.forms import (
    AssessmentForm,
    CaregiverFeedbackForm,
    CasePlan,
    ChildFeedbackForm,
    ClosureForm,
    ConsentForm,
    FollowUpForm,
    ReferralForm,
    RegistrationForm,
    ReviewForm,
    ServicesProvidedForm,
    SupervisorReview,
)
from cmsim.sop import DEFAULT_SOP, SHIPPED, SOP, load_sop, shipped_sop

FORM_OF: dict[str, type[BaseModel]] = {
    "record_consent": ConsentForm,
    "register": RegistrationForm,
    "assess": AssessmentForm,
    "approve_assessment": AssessmentForm,
    "plan": CasePlan,
    "approve_plan": CasePlan,
    "refer": ReferralForm,
    "follow_up": FollowUpForm,
    "review": ReviewForm,
    "provide_service": ServicesProvidedForm,
    "close": ClosureForm,
}
ARGUMENT_OPS = {"transfer", "reopen"}


class ReplayRefused(CmsimError):
    """A step of the script breaks a rule; `case` holds the file up to the step before."""

    def __init__(self, path: Path, number: int, op: str, violation: RuleViolation, case: Case):
        self.case = case
        self.refusal = violation.refusal
        self.step = number
        super().__init__(f"{path}: step {number} ({op}) was refused. {violation}")


def load_form(
    path: Path,
    model: type[BaseModel],
    sop: SOP = DEFAULT_SOP,
    changes: Mapping[str, Any] | None = None,
) -> Any:
    """Read one form file (with some fields changed); problems name the file and the field."""
    return load_model(path, model, "form file", context={"sop": sop}, changes=changes)


def _feedback_model(path: Path) -> type[BaseModel]:
    data = read_yaml(path)
    return (
        ChildFeedbackForm
        if isinstance(data, dict) and "child_consent_name" in data
        else (CaregiverFeedbackForm)
    )


def _need(step: dict, key: str, script: Path, number: int) -> Any:
    if key not in step:
        raise FileProblem(script, [f"step {number} ({step.get('op')}) needs '{key}'"])
    return step[key]


def _date(value: Any, script: Path, where: str) -> Any:
    try:
        return parse_day_first(value)
    except Exception:
        raise FileProblem(
            script, [f"{where}: '{value}' is not a date written dd/mm/yyyy"]
        ) from None


def replay(
    script: str | Path,
    sop: SOP | None = None,
    until: int | None = None,
    changes: Mapping[str, Mapping[str, Any]] | None = None,
) -> Case:
    """Run a case script; `until` stops after that many steps (for step-by-step teaching).

    `changes` fills in forms differently, keyed by the form file's name without .yaml (a
    trainee's own decisions in a case study); an approval whose review was removed is then
    not given, so the rules see a file without it."""
    script = Path(script)
    data = read_yaml(script, "case script")
    if not isinstance(data, dict):
        raise FileProblem(script, ["a case script must have 'code', 'identified' and 'steps'"])
    if sop is None:
        named = str(data.get("sop") or "")
        if not named:
            sop = DEFAULT_SOP
        elif named in SHIPPED:  # 'guidelines' or 'case-study'
            sop = shipped_sop(named)
        else:
            sop = load_sop(script.parent / named)
    identified = _need(data, "identified", script, 0)
    case = Case.identify(
        code=str(_need(data, "code", script, 0)),
        on=_date(identified.get("date"), script, "identified.date"),
        by=str(identified.get("by", "unknown")),
        how=str(identified.get("how", "")),
        sop=sop,
    )
    steps = data.get("steps") or []
    for number, step in enumerate(steps[:until] if until is not None else steps, start=1):
        op = step.get("op") if isinstance(step, dict) else None
        if op not in FORM_OF and op not in ARGUMENT_OPS and op != "record_feedback":
            known = ", ".join([*FORM_OF, *ARGUMENT_OPS, "record_feedback"])
            raise FileProblem(script, [f"step {number}: '{op}' is not an operation ({known})"])
        by = str(_need(step, "by", script, number))
        try:
            _run(case, script, number, op, step, by, sop, changes or {})
        except RuleViolation as violation:
            raise ReplayRefused(script, number, op, violation, case) from None
    return case


def _run(
    case: Case,
    script: Path,
    number: int,
    op: str,
    step: dict,
    by: str,
    sop: SOP,
    changes: Mapping[str, Mapping[str, Any]],
) -> None:
    if op in ARGUMENT_OPS:
        on = _date(_need(step, "date", script, number), script, f"step {number}.date")
        if op == "reopen":
            case.reopen(on, str(_need(step, "reason", script, number)), by)
        else:
            case.transfer(
                on,
                to_agency=str(_need(step, "to_agency", script, number)),
                reason=str(_need(step, "reason", script, number)),
                by=by,
                to_caseworker=step.get("to_caseworker"),
                handover=step.get("handover"),
            )
        return
    form_path = script.parent / str(_need(step, "form", script, number))
    model = _feedback_model(form_path) if op == "record_feedback" else FORM_OF[op]
    changed = changes.get(form_path.stem)
    form = load_form(form_path, model, sop, changed)
    if op in {"approve_assessment", "approve_plan"}:
        review: SupervisorReview | None = form.supervisor_review
        if review is None and changed and "supervisor_review" in changed:
            return
        if review is None:
            raise FileProblem(form_path, ["the supervisor review section is empty"])
        getattr(case, op)(review, by)
    elif op in {"assess", "plan"}:
        getattr(case, op)(form.model_copy(update={"supervisor_review": None}), by)
    else:
        getattr(case, op)(form, by)
