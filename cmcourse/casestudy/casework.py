"""A trainee's own copy of Nadia's case file: their decisions replayed through cmsim.

Each case study decision in the question bank `fills` a field of one of Nadia's forms. The
trainee's file is the case study's file with those fields changed, replayed through the same
operations, so cmsim's rules answer back: a referral without consent for that service, a plan
before the high-risk assessment is approved, a closure without approval are refused with the
rule's own explanation. A refusal names the decisions it comes from (each decision taken back
in turn: those whose answer, put back as the case study's, lift it) and what in them the rule
misses, so the step where the decision was made can say so. No widgets here: the pages show
what these functions return.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from cmcourse.core.bank import REVEAL_AFTER, Reflection, is_attempt, load_bank
from cmcourse.core.paths import NADIA_CASE
from cmcourse.core.store import Attempt
from cmcourse.html.printable import Block, Document, empty, form_blocks, label, text_of
from cmsim.case import Case
from cmsim.casefile import CaseFile
from cmsim.errors import FileProblem, Refusal
from cmsim.files import read_yaml
from cmsim.replay import ReplayRefused, replay
from cmsim.timeline import judged_on

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
STEPS = list(STEP_FORMS)  # "1" to "6"
FORM_STEP = {form: step for step, forms in STEP_FORMS.items() for _, form in forms}


def step_of(item: Any) -> str:
    """The step page a bank item is on ("nadia-3" -> "3")."""
    return str(item.section).removeprefix("nadia-")


Changes = dict[str, dict[str, Any]]  # {form: {field: value}}
Made = dict[str, tuple[str, dict[str, Any]]]  # {decision: (form, {field: value})}


def decision_changes(attempt: Attempt, plan_actions: list[dict[str, Any]] | None = None) -> Made:
    """Each saved decision (and the drafted plan actions) as the change it makes to one form:
    {decision id: (form, {field: value})}."""
    made: Made = {}
    for item in decisions():
        if isinstance(item, Reflection):
            text = attempt.reflections.get(item.id, "").strip()
            found = item.fills.changes(text) if text and item.fills else None
        else:
            saved = attempt.answers.get(item.id)
            found = item.fills.changes_for(saved["answer"]) if saved else None
        if found:
            made[item.id] = (item.fills.form, found)
    if plan_actions:
        made[PLAN_RECORD] = ("3A_case_plan", {"actions": plan_actions})
    return made


def _merged(made: Made) -> Changes:
    changes: Changes = {}
    for form, fields in made.values():
        changes.setdefault(form, {}).update(fields)
    return changes


def changes_from(
    attempt: Attempt, plan_actions: list[dict[str, Any]] | None = None
) -> dict[str, dict[str, Any]]:
    """The trainee's saved decisions (and drafted plan actions) as changes to the forms:
    {form: {field: value}}."""
    return _merged(decision_changes(attempt, plan_actions))


@dataclass(frozen=True)
class Cause:
    """A decision a refusal comes from, and what in it the rule misses, in plain words."""

    decision: str  # the bank id (or PLAN_RECORD), also the anchor of its question: q-<id>
    step: str  # the step page it is on
    prompt: str
    what: str  # e.g. "You did not tick Mental health on the 1.A Consent & assent form (Nadia)."


@dataclass(frozen=True)
class Stop:
    """Where the case management rules stop the trainee's file, and why."""

    problem: str  # in plain language
    step: str  # the step of the case study where the file stops
    form: str | None  # the form refused, or the one the answers do not fit
    refusal: Refusal | None
    causes: tuple[Cause, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """The trainee's file as far as the rules let it go, and what stopped it, if anything;
    `ahead`: a refusal further on in the file than the page reaches, which one of the page's
    own decisions causes (the step where the trainee made it says so)."""

    case: Case
    stop: Stop | None = None
    ahead: Stop | None = None

    @property
    def problem(self) -> str | None:
        return self.stop.problem if self.stop else None

    @property
    def form(self) -> str | None:
        return self.stop.form if self.stop else None

    @property
    def complete(self) -> bool:
        return self.stop is None


# How far into case.yaml's operations each step of the case study goes (the services
# provided form of step 4 is dated after the review, so steps 4 and 5 end together).
STEP_UNTIL: dict[str, int | None] = {"1": 2, "2": 4, "3": 6, "4": 10, "5": 10, "6": None}


@cache
def _operation_forms() -> tuple[str, ...]:
    """The form each operation of Nadia's script files, in order (file name, no .yaml)."""
    return tuple(Path(str(op["form"])).stem for op in read_yaml(NADIA_CASE)["steps"])


def _plain_problem(form: str, problems: list[str]) -> str:
    """A form's problems with its fields named as the paper names them."""

    def field(match: re.Match[str]) -> str:
        return _label(match.group(1).replace("[", ".").replace("]", ""))

    said = [re.sub(r"field '([^']+)'", field, p) for p in problems]
    said = [p.replace("List should have at least 1 item after validation, not 0", "needs at "
                      "least one ticked box") for p in said]  # fmt: skip
    return f"Your answers do not fit the {FORM_TITLES.get(form, form)}: {'; '.join(said)}."


def _run(changes: Changes, until: int | None = None) -> tuple[Case, Stop | None, int]:
    """Replay Nadia's case with these changes: the file, what stopped it, and at which
    operation (0 when nothing did)."""
    try:
        return replay(NADIA_CASE, changes=changes, until=until), None, 0
    except ReplayRefused as refused:
        form = _operation_forms()[refused.step - 1]
        problem = f"The case management rules refuse this. {refused.refusal}"
        return refused.case, Stop(problem, FORM_STEP[form], form, refused.refusal), refused.step
    except FileProblem as problem:
        form = problem.path.rsplit("/", 1)[-1].removesuffix(".yaml")
        kept = {k: v for k, v in changes.items() if k != form}
        try:
            partial = replay(NADIA_CASE, changes=kept, until=until)
        except ReplayRefused as refused:
            partial = refused.case
        except FileProblem:
            partial = reference_case()
        number = _operation_forms().index(form) + 1 if form in _operation_forms() else 0
        stop = Stop(_plain_problem(form, problem.problems), FORM_STEP.get(form, ""), form, None)
        return partial, stop, number


def _same_stop(a: Stop | None, b: Stop | None) -> bool:
    """The same rule refusing the same form (its words may differ: what the consent covers)."""

    def key(stop: Stop | None) -> tuple[str, ...] | None:
        if stop is None:
            return None
        return (stop.form or "", stop.refusal.rule if stop.refusal else stop.problem)

    return key(a) == key(b)


def _causes(made: Made, stop: Stop, answers: dict[str, Any]) -> tuple[Cause, ...]:
    """The decisions the stop comes from: each one put back as the case study has it (the
    others kept), the stop is lifted or becomes another."""
    found = []
    for decision in made:
        rest = {k: v for k, v in made.items() if k != decision}
        if not _same_stop(_run(_merged(rest))[1], stop):
            found.append(_cause(decision, made, stop, answers.get(decision)))
    return tuple(found)


def _cause(decision: str, made: Made, stop: Stop, answer: Any) -> Cause:
    """The decision as a cause: where it was made, and what in it the rule misses."""
    form, fields = made[decision]
    title = FORM_TITLES.get(form, form)
    if decision == PLAN_RECORD:
        return Cause(decision, "3", "Draft the plan's actions", f"Your drafted actions on the "
                     f"{title}.")  # fmt: skip
    item = next(i for i in decisions() if i.id == decision)
    prompt, step = item.prompt, step_of(item)
    if isinstance(item, Reflection):
        return Cause(decision, step, prompt, f"What you wrote on the {title}.")
    if item.type == "multiple":
        return Cause(decision, step, prompt, _ticks_missed(item, answer, made, stop, title))
    if item.type == "computed":
        return Cause(decision, step, prompt, f"Your date, {answer}, on the {title}.")
    option = next((o for o in getattr(item, "options", []) if o.id == answer), None)
    chosen = f"“{option.text}”" if option else f"“{answer}”"
    blank = [label(k.split(".")[0]).lower() for k, v in fields.items() if empty(v)]
    left = f": the {' and the '.join(dict.fromkeys(blank))} is left empty on the {title}"
    left = left if blank else ""
    return Cause(decision, step, prompt, f"You answered {chosen}{left}.")


def _ticks_missed(
    item: Any,
    answer: list[str],
    made: Made,
    stop: Stop,
    title: str,
) -> str:
    """Which of the boxes the trainee left unticked (or ticked) the rule needed (or not)."""
    texts = {o.id: o.text for o in item.options}

    def lifts(ticked: list[str]) -> bool:
        changed = dict(made) | {item.id: (item.fills.form, item.fills.changes_for(ticked))}
        return not _same_stop(_run(_merged(changed))[1], stop)

    missing = [o for o in item.answer if o not in answer]
    extra = [o for o in answer if o not in item.answer]
    left_out = [o for o in missing if lifts([*answer, o])] or missing
    put_in = [o for o in extra if lifts([a for a in answer if a != o])]
    said = []
    if left_out:
        said.append(f"You did not tick {_and(texts[o] for o in left_out)} on the {title}.")
    if put_in:
        said.append(f"You ticked {_and(texts[o] for o in put_in)}.")
    return " ".join(said) or f"Your ticks on the {title}."


def _and(words: Any) -> str:
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def trainee_case(changes: dict[str, dict[str, Any]], step: str = "6") -> Outcome:
    """Replay Nadia's case with these changes up to the end of `step`; a refusal or an answer
    that does not fit the form stops the file there, and says why."""
    case, stop, _ = _run(changes, STEP_UNTIL[step])
    return Outcome(case, stop)


def trainee_file(
    attempt: Attempt, step: str = "6", plan_actions: list[dict[str, Any]] | None = None
) -> Outcome:
    """The trainee's file after `step`: the decisions of the steps up to it (later forms as
    the case study has them), replayed through the whole case, so a refusal further on that
    one of these decisions causes is found too (`ahead`). Each stop names its causes."""
    made = {
        k: v
        for k, v in decision_changes(attempt, plan_actions).items()
        if STEPS.index(_decision_step(k)) <= STEPS.index(step)
    }
    answers = {k: v["answer"] for k, v in attempt.answers.items()}
    changes = _merged(made)
    _, stop, number = _run(changes)
    case = _run(changes, STEP_UNTIL[step])[0]  # the file as far as this page reaches
    until = STEP_UNTIL[step]
    if stop is None or until is None or number <= until:
        return Outcome(case, _with_causes(made, stop, answers))
    ahead = _with_causes(made, stop, answers)
    mine = tuple(c for c in ahead.causes if c.step == step) if ahead else ()
    if not (ahead and mine):  # an earlier page's decision: that page and this one's end say so
        return Outcome(case)
    return Outcome(case, None, Stop(ahead.problem, ahead.step, ahead.form, ahead.refusal, mine))


def _decision_step(decision: str) -> str:
    if decision == PLAN_RECORD:
        return "3"
    return next(step_of(i) for i in decisions() if i.id == decision)


def _with_causes(made: Made, stop: Stop | None, answers: dict[str, Any]) -> Stop | None:
    if stop is None:
        return None
    return Stop(stop.problem, stop.step, stop.form, stop.refusal, _causes(made, stop, answers))


# -- what the trainee has done, and so may read -------------------------------------------
def gate(step: str) -> list[Any]:
    """What a step's reference material answers: its questions and the reflections that fill
    a form (the case study's forms are shown once each of these is answered)."""
    return [
        item
        for bank in load_bank().values()
        for item in [*bank.questions, *bank.reflections]
        if item.section == f"nadia-{step}"
        and (not isinstance(item, Reflection) or item.fills is not None)
    ]


def answered(item: Any, attempt: Attempt) -> bool:
    """Whether the trainee has answered this and been told the answer: a reflection written,
    a question checked (a date or number once right, or once it has shown its answer)."""
    if isinstance(item, Reflection):
        return is_attempt(attempt.reflections.get(item.id, ""))
    saved = attempt.answers.get(item.id)
    if saved is None:
        return False
    if item.type == "computed":
        return bool(saved.get("correct")) or attempt.tries.get(item.id, 0) >= REVEAL_AFTER
    return True


def still_to_answer(step: str, attempt: Attempt | None) -> list[Any]:
    return [i for i in gate(step) if attempt is None or not answered(i, attempt)]


def reached(attempt: Attempt | None) -> str | None:
    """The last step of the case study the trainee has completed, every step before it too
    (None before step 1 is)."""
    last = None
    for step in STEPS:
        if still_to_answer(step, attempt):
            break
        last = step
    return last


def reference_until(step: str) -> Case:
    """Nadia's file as the case study has it, up to the end of that step."""
    return replay(NADIA_CASE, until=STEP_UNTIL[step])


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
    """One decision's fields (or one field no decision fills) where the trainee's form and the
    case study's differ, with why the case study's reads as it does, said once."""

    form: str
    field: str
    yours: str
    reference: str
    why: str  # why the reference is what it is, in the guidelines' terms
    decision: str | None = None  # the bank id of the decision that filled it


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


# Why fields that no question fills matter, for the comparison with the case study's forms.
FIELD_WHY = {
    ("3A_case_plan", "actions"): "The plan lists its actions in priority order, from the "
    "most urgent down, each responding to a need identified in the assessment, with who is "
    "responsible, a due date and a status (3.A Case plan). The supervisor checks them before "
    "approving the plan, and the follow-ups and reviews measure progress against them.",
}
WITHHELD = "(shown once the question above has given its answer)"


def _filled_by(form: str, key: str) -> Any | None:
    """The decision that fills this field of this form, if one does."""
    for item in decisions():
        fills = item.fills
        if fills.form != form:
            continue
        fields = {fills.field} if fills.field else {k for v in fills.values.values() for k in v}
        if key in fields or key.split(".")[0] in fields:
            return item
    return None


def _reason(text: str) -> str:
    """An option's feedback without its verdict ("Right.")."""
    return re.sub(r"^(Right|Correct|Yes)[.!:]\s*", "", text)


def _why(item: Any, mine: dict[str, Any], attempt: Attempt | None) -> str:
    """Why the case study's form reads as it does, for this decision: for ticked boxes, only
    the boxes where the trainee's ticks and the form's differ, each once."""
    if isinstance(item, Reflection):  # its points, less the line quoting the form itself
        return " ".join(x for x in item.guidance.splitlines() if not x.startswith("Nadia's "))
    if item.type == "single":
        return _reason(next(o.feedback for o in item.options if o.id == item.answer))
    if item.type == "multiple":
        values = mine.get(item.fills.field) or []
        ticked = {k for k, v in item.fills.values.items() if v in values}
        differ = [o for o in item.options if (o.id in ticked) != (o.id in item.answer)]
        return " ".join(f"{o.text}: {o.feedback}" for o in differ)
    if item.type == "true_false":
        return item.feedback_true if item.answer else item.feedback_false
    if attempt is not None and not answered(item, attempt):
        return ""
    return item.explanation.replace("{answer}", text_of(item.right_answer()))


def compare(
    step: str, outcome: Outcome, attempt: Attempt | None = None
) -> tuple[list[str], list[Difference]]:
    """This step's forms in the trainee's file against the case study's: (what matches, what
    differs and why it matters), one row per decision. A date question's answer stays back
    until the question has given it (`attempt`)."""
    same: list[str] = []
    differ: list[Difference] = []
    missing = [t for t, f in STEP_FORMS[step] if form_in(outcome.case.file, f) is None]
    if missing:  # the forms the file did not reach, in one row: the reason is the same
        differ.append(
            Difference(
                "\n".join(missing),
                "(the whole form)",
                "not in your file",
                "filled in",
                "Your file stopped before this form: the message above says which rule and which "
                "answer to change."
                if outcome.stop
                else "",
            )
        )
    for title, form in STEP_FORMS[step]:
        yours = form_in(outcome.case.file, form)
        reference = form_in(reference_case().file, form)
        if yours is None:
            continue
        mine, theirs = _flat(yours), _flat(reference)
        changed = [k for k in theirs if mine.get(k) != theirs[k]]
        groups: dict[str, list[str]] = {}
        for key in changed:
            item = _filled_by(form, key)
            groups.setdefault(item.id if item else key.split(".")[0], []).append(key)
        for name, keys in groups.items():
            item = _filled_by(form, keys[0])
            held = getattr(item, "type", "") == "computed" and attempt is not None
            held = held and not answered(item, attempt)  # type: ignore[arg-type]
            differ.append(
                Difference(
                    title,
                    ", ".join(dict.fromkeys(label(k.split(".")[0]) for k in keys)),
                    _values(keys, mine),
                    WITHHELD if held else _values(keys, theirs),
                    _why(item, mine, attempt) if item else FIELD_WHY.get((form, name), ""),
                    item.id if item else None,
                )
            )
        if not changed:
            same.append(title)
    return same, differ


def _values(keys: list[str], fields: dict[str, Any]) -> str:
    """The values of these fields as the paper shows them; several are named one a line."""

    def shown(key: str) -> str:
        value = fields.get(key)
        return "(blank)" if empty(value) else text_of(value)

    if len(keys) == 1 or all(empty(fields.get(k)) for k in keys):
        return shown(keys[0])
    tops = {k.split(".")[0] for k in keys}  # one part of the form: its boxes by their own name
    named = {k: label(k.split(".")[-1]) if len(tops) == 1 else _label(k) for k in keys}
    return "\n".join(f"{named[k]}: {shown(k)}" for k in keys)


def _label(dotted: str) -> str:
    return ": ".join(label(part) for part in dotted.split("."))


# -- the whole file -----------------------------------------------------------------------
def as_of(case: Case) -> dt.date:
    """The day the file is judged on: the last day anything was recorded on it (the chart,
    the deadlines and the checklist of a page all read it on that day)."""
    return judged_on(case.file)


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
