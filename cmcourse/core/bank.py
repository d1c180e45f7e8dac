"""The question bank: knowledge checks and reflections as data files a trainer can edit.

One YAML file per module under `course/bank/`. The schema below is the documentation of
those files (see `course/bank/README.md`); a bad file gets a message naming the file, the
question and the field. The bank is the single source for the Voilà course and the nbgrader
assignments, and checking an answer is a pure function of (question, answer).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cmcourse.core.answers import is_right
from cmcourse.core.paths import ROOT
from cmsim.errors import FileProblem
from cmsim.files import load_model

BANK_DIR = ROOT / "course" / "bank"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Option(_Strict):
    id: str
    text: str
    feedback: str = Field(description="Why choosing this option is right or wrong")


class Fills(_Strict):
    """A case study decision: the answer fills in a field of the trainee's own case file."""

    form: str = Field(description="The form file's name without .yaml, e.g. 1B_registration")
    field: str = Field(
        "",
        description="The field, dotted for a part of the form: child.sex; left out when each "
        "of `values` is a mapping of several fields",
    )
    values: dict[str, Any] = Field(
        default_factory=dict,
        description="What each option puts in the field (option id, or true/false); "
        "computed answers and reflections put what the trainee typed",
    )

    @model_validator(mode="after")
    def _fields_named(self) -> Fills:
        if not self.field and not all(isinstance(v, dict) for v in self.values.values()):
            raise ValueError("without 'field', each of 'values' must map fields to values")
        return self

    def changes(self, value: Any) -> dict[str, Any]:
        """The fields of the form this value fills in: {dotted field: value}."""
        return {self.field: value} if self.field else dict(value)

    def changes_for(self, answer: Any) -> dict[str, Any]:
        """The fields a saved answer fills in (a choice's mapped value, or what was typed)."""
        if not self.values:
            return self.changes(answer)
        if isinstance(answer, list):  # multiple choice: the ticked options' values, in order
            return {self.field: [self.values[str(a)] for a in answer]}
        return self.changes(
            self.values[str(answer).lower() if isinstance(answer, bool) else answer]
        )


class _Question(_Strict):
    type: str  # each question type narrows it to its own Literal
    id: str
    section: str
    prompt: str
    points: int = Field(1, ge=0)
    source: str = Field("", description="Where in the seeds the answer is found")
    fills: Fills | None = None

    @model_validator(mode="after")
    def _fills_for_every_choice(self) -> _Question:
        """A decision must say what each choice writes in the form, so none is left out."""
        if self.fills is None or self.type not in {"single", "multiple", "true_false"}:
            return self
        choices = (
            ["true", "false"]
            if self.type == "true_false"
            else [o.id for o in getattr(self, "options", [])]
        )
        missing = [c for c in choices if c not in self.fills.values]
        if missing:
            raise ValueError(f"'fills.values' must say what option {', '.join(missing)} writes")
        return self


class SingleChoice(_Question):
    type: Literal["single"]
    options: list[Option] = Field(min_length=2)
    answer: str

    @model_validator(mode="after")
    def _answer_is_an_option(self) -> SingleChoice:
        _known(self.options, [self.answer])
        return self


class MultipleChoice(_Question):
    type: Literal["multiple"]
    options: list[Option] = Field(min_length=2)
    answer: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _answers_are_options(self) -> MultipleChoice:
        _known(self.options, self.answer)
        return self


class TrueFalse(_Question):
    type: Literal["true_false"]
    answer: bool
    feedback_true: str = Field(description="Shown to a trainee who answers True")
    feedback_false: str = Field(description="Shown to a trainee who answers False")


class Pair(_Strict):
    id: str = Field(description="The term's id")
    term: str
    match_id: str = Field(description="The definition's label, shown beside it (A, B, C...)")
    match: str = Field(description="The definition that goes with this term")
    feedback: str


class Matching(_Question):
    type: Literal["matching"]
    pairs: list[Pair] = Field(min_length=2)

    @model_validator(mode="after")
    def _labels_unique(self) -> Matching:
        labels = [p.match_id for p in self.pairs]
        if len(set(labels)) != len(labels) or len({p.id for p in self.pairs}) != len(labels):
            raise ValueError("each term and each definition label must be used once")
        if all(p.id == p.match_id for p in self.pairs):
            raise ValueError("definition labels must not simply repeat the term ids")
        return self

    def definitions(self) -> list[tuple[str, str]]:
        """(label, text) in label order, which does not reveal the pairing."""
        return sorted((p.match_id, p.match) for p in self.pairs)


class Item(_Strict):
    id: str
    text: str


class Ordering(_Question):
    type: Literal["ordering"]
    items: list[Item] = Field(min_length=2, description="Listed in the right order")
    feedback_right: str
    feedback_wrong: str
    shuffled: list[str] = Field(description="Order the items are first shown in (item ids)")

    @model_validator(mode="after")
    def _shuffle_is_a_permutation(self) -> Ordering:
        if sorted(self.shuffled) != sorted(i.id for i in self.items):
            raise ValueError("'shuffled' must list every item id exactly once")
        if self.shuffled == [i.id for i in self.items]:
            raise ValueError("'shuffled' must not already be the right order")
        return self


class Computed(_Question):
    """An answer computed with cmsim, e.g. a deadline under the loaded SOP."""

    type: Literal["computed"]
    compute: str = Field(description="Name of a function in cmcourse.core.computed")
    arguments: dict[str, Any] = Field(default_factory=dict)
    answer_kind: Literal["date", "number"]
    explanation: str = Field(description="Why, in the guidelines' terms; {answer} is filled in")

    @model_validator(mode="after")
    def _known_function(self) -> Computed:
        from cmcourse.core.computed import FUNCTIONS

        if self.compute not in FUNCTIONS:
            raise ValueError(f"'compute' must be one of: {', '.join(sorted(FUNCTIONS))}")
        return self


Question = Annotated[
    SingleChoice | MultipleChoice | TrueFalse | Matching | Ordering | Computed,
    Field(discriminator="type"),
]


class Reflection(_Strict):
    id: str
    section: str
    prompt: str
    guidance: str = Field("", description="Points to consider, shown after the trainee writes")
    fills: Fills | None = None


class ModuleBank(_Strict):
    module: str
    title: str
    questions: list[Question] = Field(default_factory=list)
    reflections: list[Reflection] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_ids(self) -> ModuleBank:
        seen: set[str] = set()
        for item in [*self.questions, *self.reflections]:
            if item.id in seen:
                raise ValueError(f"the id '{item.id}' is used twice")
            seen.add(item.id)
        return self


def _known(options: list[Option], answers: list[str]) -> None:
    ids = [o.id for o in options]
    if len(set(ids)) != len(ids):
        raise ValueError("two options share an id")
    unknown = [a for a in answers if a not in ids]
    if unknown:
        raise ValueError(f"answer {', '.join(unknown)} is not one of the options {', '.join(ids)}")


# -- checking -------------------------------------------------------------------------------


class Feedback(BaseModel):
    """The result of checking one answer: right or not, points, and why."""

    correct: bool
    points: float
    out_of: int
    messages: list[str]


def check(question: Any, answer: Any) -> Feedback:
    """Check an answer given as plain data (option id, list of ids, bool, mapping, order,
    date text). A malformed answer is not an error: it scores 0 and says how to answer."""
    try:
        return _CHECKERS[question.type](question, answer)
    except (TypeError, ValueError, KeyError, AttributeError):
        return Feedback(
            correct=False,
            points=0,
            out_of=question.points,
            messages=[f"This answer could not be read: {_how_to_answer(question)}."],
        )


def _how_to_answer(question: Any) -> str:
    return {
        "single": "give the letter of one option",
        "multiple": "give a list of option letters",
        "true_false": "give True or False",
        "matching": "give, for each term, the definition it goes with",
        "ordering": "give every item once, in order",
        "computed": "give a date as dd/mm/yyyy"
        if getattr(question, "answer_kind", "") == "date"
        else "give a number",
    }[question.type]


def _single(q: SingleChoice, answer: Any) -> Feedback:
    by_id = {o.id: o for o in q.options}
    chosen = by_id[str(answer).strip()]
    right = is_right("single", chosen.id, q.answer)
    return Feedback(
        correct=right, points=q.points if right else 0, out_of=q.points, messages=[chosen.feedback]
    )


def _multiple(q: MultipleChoice, answer: Any) -> Feedback:
    if isinstance(answer, str):
        raise TypeError("a list is expected")
    chosen = {str(a).strip() for a in answer}
    by_id = {o.id: o for o in q.options}
    unknown = chosen - set(by_id)
    if unknown:
        raise KeyError(", ".join(sorted(unknown)))
    right = is_right("multiple", chosen, q.answer)
    messages = [f"{o.id}. {o.feedback}" for o in q.options if o.id in chosen]
    missed = [o for o in q.options if o.id in q.answer and o.id not in chosen]
    if missed:
        messages.append("You also needed: " + ", ".join(o.id for o in missed) + ".")
        messages += [f"{o.id}. {o.feedback}" for o in missed]
    return Feedback(
        correct=right, points=q.points if right else 0, out_of=q.points, messages=messages
    )


def _true_false(q: TrueFalse, answer: Any) -> Feedback:
    if not isinstance(answer, bool):
        text = str(answer).strip().casefold()
        if text not in {"true", "false"}:
            raise ValueError("True or False expected")
        answer = text == "true"
    right = is_right("true_false", answer, q.answer)
    return Feedback(
        correct=right,
        points=q.points if right else 0,
        out_of=q.points,
        messages=[q.feedback_true if answer else q.feedback_false],
    )


def _matching(q: Matching, answer: Any) -> Feedback:
    given = {str(k): str(v) for k, v in dict(answer).items()}
    messages, good = [], 0
    for pair in q.pairs:
        if given.get(pair.id) == pair.match_id:
            good += 1
            messages.append(f"{pair.term}: right. {pair.feedback}")
        else:
            messages.append(f"{pair.term}: not this one. {pair.feedback}")
    right = is_right("matching", given, right_answer(q))
    return Feedback(
        correct=right, points=q.points if right else 0, out_of=q.points, messages=messages
    )


def _ordering(q: Ordering, answer: Any) -> Feedback:
    order = [str(a) for a in answer]
    if sorted(order) != sorted(i.id for i in q.items):
        raise ValueError("every item once")
    right = is_right("ordering", order, right_answer(q))
    wrong = [n for n, (a, b) in enumerate(zip(order, q.items, strict=True), 1) if a != b.id]
    messages = [q.feedback_right if right else q.feedback_wrong]
    if wrong:
        messages.append(f"Positions not yet right: {', '.join(map(str, wrong))}.")
    return Feedback(
        correct=right, points=q.points if right else 0, out_of=q.points, messages=messages
    )


def expected(question: Computed) -> Any:
    from cmcourse.core.computed import FUNCTIONS

    return FUNCTIONS[question.compute](**question.arguments)


def right_answer(q: Any) -> Any:
    """The right answer, written as a trainee would give it (dates as dd/mm/yyyy)."""
    if q.type in {"single", "multiple", "true_false"}:
        return q.answer
    if q.type == "matching":
        return {p.id: p.match_id for p in q.pairs}
    if q.type == "ordering":
        return [i.id for i in q.items]
    from cmsim.dates import fmt

    result = expected(q)
    return fmt(result) if q.answer_kind == "date" else result


def _computed(q: Computed, answer: Any) -> Feedback:
    from cmsim.dates import fmt, parse_day_first

    right_value = expected(q)
    if q.answer_kind == "date":
        given: dt.date | float = (
            parse_day_first(answer) if not isinstance(answer, dt.date) else answer
        )
        shown = fmt(right_value)
    else:
        given = float(answer)
        shown = str(right_value)
    right = is_right(q.answer_kind, given, right_value)
    lead = "Right." if right else f"Not quite: the answer is {shown}."
    return Feedback(
        correct=right,
        points=q.points if right else 0,
        out_of=q.points,
        messages=[f"{lead} {q.explanation.format(answer=shown)}"],
    )


_CHECKERS: dict[str, Callable[[Any, Any], Feedback]] = {
    "single": _single,
    "multiple": _multiple,
    "true_false": _true_false,
    "matching": _matching,
    "ordering": _ordering,
    "computed": _computed,
}


# -- loading --------------------------------------------------------------------------------


def _locate(data: Any, problem: str) -> str:
    """Turn 'field questions[3].answer' into 'question m1-steps, field answer'."""
    import re

    match = re.match(r"field '(questions|reflections)\[(\d+)\]\.?([^']*)'(.*)", problem)
    if not match or not isinstance(data, dict):
        return problem
    items = data.get(match[1]) or []
    index = int(match[2]) - 1
    qid = (
        items[index].get("id", f"number {index + 1}")
        if index < len(items) and isinstance(items[index], dict)
        else f"number {index + 1}"
    )
    field = match[3].split(".", 1)[-1] if match[3] else "(the whole question)"
    kind = "question" if match[1] == "questions" else "reflection"
    return f"{kind} '{qid}', field '{field}'{match[4]}"


def load_module_bank(path: str | Path) -> ModuleBank:
    return load_model(path, ModuleBank, "question file", locate=_locate)


@cache
def load_bank(folder: Path = BANK_DIR) -> dict[str, ModuleBank]:
    """Every module's bank, by module key ('1', '2', '3', ...)."""
    banks = {}
    for path in sorted(folder.glob("*.yaml")):
        bank = load_module_bank(path)
        banks[bank.module] = bank
    return banks


def find(item_id: str, folder: Path = BANK_DIR) -> Any:
    for bank in load_bank(folder).values():
        for item in [*bank.questions, *bank.reflections]:
            if item.id == item_id:
                return item
    raise FileProblem(folder, [f"no question or reflection has the id '{item_id}'"])
