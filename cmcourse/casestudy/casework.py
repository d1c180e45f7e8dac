"""A trainee's own copy of Nadia's case file: their decisions replayed through cmsim.

Each case study decision in the question bank `fills` a field of one of Nadia's forms. The
trainee's file is the seed's file with those fields changed, replayed through the same
operations, so cmsim's rules answer back: a referral without consent for that service, a plan
before the high-risk assessment is approved, a closure without approval are refused with the
rule's own explanation. No widgets here: the page shows what these functions return.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel

from cmcourse.core.bank import Reflection, load_bank
from cmcourse.core.paths import NADIA_CASE
from cmcourse.core.store import Attempt
from cmcourse.html.printable import Block, Document, empty, form_blocks, label, text_of
from cmsim.case import Case
from cmsim.casefile import CaseFile
from cmsim.errors import FileProblem
from cmsim.replay import ReplayRefused, replay
from cmsim.timeline import case_end

# Which forms each step of the case study fills in, as (title, form file, how to find it).
STEP_FORMS: dict[str, list[tuple[str, str]]] = {
    "1": [("1.A Consent & assent form (Nadia)", "1A_consent_child"),
          ("1.B Case registration & initial assessment form", "1B_registration")],
    "2": [("2.A Assessment form", "2A_assessment")],
    "3": [("3.A Case plan", "3A_case_plan")],
    "4": [("Referral form (specialised MHPSS)", "4A_referral_mhpss"),
          ("4.A Services provided form", "4A_services_provided")],
    "5": [("5.A Follow-up form", "5A_follow_up"), ("5.B Review form", "5B_review")],
    "6": [("6.A Case closure form", "6A_closure"),
          ("6.B Child feedback form", "6B_child_feedback"),
          ("6.C Caregiver feedback form", "6C_caregiver_feedback")],
}  # fmt: skip

FORM_IN_FILE = {
    "1A_consent_child": lambda f: f.consents[:1],
    "1B_registration": lambda f: [f.registration] if f.registration else [],
    "2A_assessment": lambda f: f.assessments[:1],
    "3A_case_plan": lambda f: f.plans[:1],
    "4A_referral_mhpss": lambda f: f.referrals[:1],
    "4A_services_provided": lambda f: f.services[:1],
    "5A_follow_up": lambda f: f.follow_ups[:1],
    "5B_review": lambda f: f.reviews[:1],
    "6A_closure": lambda f: f.closures[:1],
    "6B_child_feedback": lambda f: f.child_feedback[:1],
    "6C_caregiver_feedback": lambda f: f.caregiver_feedback[:1],
}
FORM_TITLES = {form: title for forms in STEP_FORMS.values() for title, form in forms}


def form_in(file: CaseFile, form: str) -> BaseModel | None:
    found = FORM_IN_FILE[form](file)
    return found[0] if found else None


@cache
def reference_case() -> Case:
    return replay(NADIA_CASE)


def decisions() -> list[Any]:
    """Every bank item whose answer fills in Nadia's file, in course order."""
    return [
        item
        for bank in load_bank().values()
        for item in [*bank.questions, *bank.reflections]
        if item.fills is not None
    ]


PLAN_RECORD = "nadia-plan-actions"  # the actions the trainee drafted, in priority order


def changes_from(
    attempt: Attempt, plan_actions: list[dict[str, Any]] | None = None
) -> dict[str, dict[str, Any]]:
    """The trainee's saved decisions (and drafted plan actions) as changes to the forms:
    {form: {field: value}}."""
    changes: dict[str, dict[str, Any]] = (
        {"3A_case_plan": {"actions": plan_actions}} if (plan_actions) else {}
    )
    for item in decisions():
        if isinstance(item, Reflection):
            text = attempt.reflections.get(item.id, "").strip()
            found = item.fills.changes(text) if text and item.fills else None
        else:
            saved = attempt.answers.get(item.id)
            found = item.fills.changes_for(saved["answer"]) if saved else None
        if found:
            changes.setdefault(item.fills.form, {}).update(found)
    return changes


@dataclass(frozen=True)
class Outcome:
    """The trainee's file as far as the rules let it go, and what stopped it, if anything."""

    case: Case
    problem: str | None = None  # in plain language
    form: str | None = None  # the form the problem is in

    @property
    def complete(self) -> bool:
        return self.problem is None


# How far into case.yaml's operations each step of the case study goes (the services
# provided form of step 4 is dated after the review, so steps 4 and 5 end together).
STEP_UNTIL: dict[str, int | None] = {"1": 2, "2": 4, "3": 6, "4": 10, "5": 10, "6": None}


def trainee_case(changes: dict[str, dict[str, Any]], step: str = "6") -> Outcome:
    """Replay Nadia's case with the trainee's decisions; a refusal or an answer that does not
    fit the form stops the file there, and says why."""
    try:
        return Outcome(replay(NADIA_CASE, changes=changes, until=STEP_UNTIL[step]))
    except ReplayRefused as refused:
        return Outcome(refused.case, f"The case management rules refuse this. {refused.refusal}")
    except FileProblem as problem:
        form = problem.path.rsplit("/", 1)[-1].removesuffix(".yaml")
        title = FORM_TITLES.get(form, form)
        partial = _replay_until_problem(changes, form, step)
        return Outcome(
            partial, f"Your answers do not fit the {title}: {'; '.join(problem.problems)}.", form
        )


def _replay_until_problem(changes: dict[str, dict[str, Any]], form: str, step: str) -> Case:
    """The file up to the form that could not be filled in (the reference from there on)."""
    kept = {k: v for k, v in changes.items() if k != form}
    try:
        return replay(NADIA_CASE, changes=kept, until=STEP_UNTIL[step])
    except ReplayRefused as refused:
        return refused.case
    except FileProblem:
        return reference_case()


# -- drafting the plan's actions ---------------------------------------------------------
def seed_actions() -> list[dict[str, Any]]:
    """The seed plan's actions as editable rows (its due dates are blank on the form)."""
    return [a.model_dump(mode="json") for a in reference_case().file.plans[0].actions]


def action_problems(rows: list[dict[str, Any]], agreed: dt.date) -> list[str]:
    """What is wrong with drafted actions, row by row, in plain words (empty when none)."""
    from pydantic import ValidationError

    from cmsim.errors import plain_problems
    from cmsim.forms.plan import PlanAction

    if not rows:
        return ["A case plan needs at least one action."]
    problems = []
    for number, row in enumerate(rows, start=1):
        text = {k: (v.strip() if isinstance(v, str) else v) for k, v in row.items()}
        text = {k: v for k, v in text.items() if v not in ("", None)}
        missing = [n for n in ("action", "need", "responsible") if n not in text]
        if missing:
            problems.append(f"Action {number}: write the {' and the '.join(missing)}.")
            continue
        try:
            action = PlanAction.model_validate(text)
        except ValidationError as error:
            problems += [f"Action {number}: {p}" for p in plain_problems(error)]
            continue
        if action.due_date and action.due_date < agreed:
            problems.append(
                f"Action {number} is due {action.due_date:%d/%m/%Y}, before the plan was agreed "
                f"on {agreed:%d/%m/%Y}: a due date falls on or after the day the plan is agreed."
            )
    return problems


def clean_actions(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows as the form takes them: blank cells left out."""
    return [
        {k: v.strip() if isinstance(v, str) else v for k, v in row.items() if v not in ("", None)}
        for row in rows
    ]


# -- comparing with the reference ---------------------------------------------------------
@dataclass(frozen=True)
class Difference:
    form: str
    field: str
    yours: str
    reference: str
    why: str  # why the reference is what it is, in the guidelines' terms


def _flat(model: BaseModel | None) -> dict[str, Any]:
    if model is None:
        return {}
    out: dict[str, Any] = {}
    for name, value in model:
        if isinstance(value, BaseModel):
            out.update({f"{name}.{k}": v for k, v in _flat(value).items()})
        else:
            out[name] = value
    return out


# Why fields that no question fills matter, for the comparison with the seed's forms.
FIELD_WHY = {
    ("3A_case_plan", "actions"): "The plan lists its actions in priority order, from the "
    "most urgent down, each responding to a need identified in the assessment, with who is "
    "responsible, a due date and a status (3.A Case plan). The supervisor checks them before "
    "approving the plan, and the follow-ups and reviews measure progress against them.",
}


def _why(form: str, field: str) -> str:
    if (form, field) in FIELD_WHY:
        return FIELD_WHY[form, field]
    for item in decisions():
        fills = item.fills
        if fills.form != form:
            continue
        fields = {fills.field} if fills.field else {k for v in fills.values.values() for k in v}
        if field in fields or field.split(".")[0] in fields:
            return _reason(item)
    return ""


def _reason(item: Any) -> str:
    """Why the seed's answer is what it is (the right option's feedback, without "Right.")."""
    return re.sub(r"^(Right|Correct|Yes)[.!:]\s*", "", _right_feedback(item))


def _right_feedback(item: Any) -> str:
    if isinstance(item, Reflection):
        return item.guidance
    if item.type == "single":
        return next(o.feedback for o in item.options if o.id == item.answer)
    if item.type == "multiple":
        return " ".join(o.feedback for o in item.options if o.id in item.answer)
    if item.type == "true_false":
        return item.feedback_true if item.answer else item.feedback_false
    return item.explanation.replace("{answer}", "the date computed under the SOP")


def compare(step: str, outcome: Outcome) -> tuple[list[str], list[Difference]]:
    """This step's forms in the trainee's file against the seed's: (what matches, what
    differs and why it matters)."""
    same: list[str] = []
    differ: list[Difference] = []
    for title, form in STEP_FORMS[step]:
        yours = form_in(outcome.case.file, form)
        reference = form_in(reference_case().file, form)
        if yours is None:
            differ.append(
                Difference(
                    title,
                    "(the whole form)",
                    "not in your file",
                    "filled in",
                    "Your file stopped before this form: the message above says which rule "
                    "and what to change."
                    if outcome.problem
                    else "",
                )
            )
            continue
        mine, theirs = _flat(yours), _flat(reference)
        changed = [k for k in theirs if mine.get(k) != theirs[k]]
        for key in changed:
            differ.append(
                Difference(
                    title,
                    _label(key),
                    text_of(mine.get(key)) if not empty(mine.get(key)) else "(blank)",
                    text_of(theirs[key]) if not empty(theirs[key]) else "(blank)",
                    _why(form, key),
                )
            )
        if not changed:
            same.append(title)
    return same, differ


def _label(dotted: str) -> str:
    return ": ".join(label(part) for part in dotted.split("."))


# -- the whole file -----------------------------------------------------------------------
def as_of(case: Case) -> dt.date:
    """The day the file is judged on: its end (closure) or the last thing recorded."""
    end = case_end(case.file)
    return end or max((e.on for e in case.file.log), default=case.file.identified_on)


def printable_file(case: Case, who: str) -> Document:
    """Every form in the trainee's file, laid out like the paper forms, step by step."""
    blocks: list[Block] = [
        Block(
            heading="Case",
            rows=[
                ("Case code", case.file.code),
                ("Identified on", text_of(case.file.identified_on)),
                ("Status", text_of(case.file.status)),
            ],
        )
    ]
    for forms in STEP_FORMS.values():
        for title, form in forms:
            found = form_in(case.file, form)
            if found is not None:
                blocks += form_blocks(found, title)
    return Document(
        title=f"Nadia's case file ({case.file.code}), as completed by {who}",
        blocks=blocks,
        note="Strictly confidential: a training case from the CM 101 case study. Printed "
        f"{dt.date.today():%d/%m/%Y}.",
    )
