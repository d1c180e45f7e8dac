"""The question bank: knowledge checks and reflections as data files a trainer can edit.

One YAML file per module under `course/bank/`. The schema below is the documentation of
those files (see `course/bank/README.md`); a bad file gets a message naming the file, the
question and the field. The bank is the single source for the Voilà course and the nbgrader
assignments, and checking an answer is a pure function of (question, answer).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cmcourse.core.answers import Form, is_right, read_number, read_typed_day
from cmcourse.core.paths import ROOT
from cmsim.errors import FileProblem
from cmsim.files import load_model

if TYPE_CHECKING:
    from cmsim.sop import SOP

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


class Feedback(BaseModel):
    """The result of checking one answer: right or not, points, and why."""

    correct: bool
    points: float
    out_of: int
    messages: list[str]


def _ids(options: Iterable[Any]) -> str:
    """Options by their letters: "a, c and f"."""
    ids = [o.id for o in options]
    if len(ids) < 2:
        return ids[0] if ids else "nothing"
    return ", ".join(ids[:-1]) + " and " + ids[-1]


def _listed(entries: Iterable[tuple[str, str]]) -> str:
    """Ids and their texts as an nbgrader assignment lists them: - `"a"`: the text."""
    return "\n".join(f'- `"{key}"`: {text}' for key, text in entries)


class _Question(_Strict):
    """What every question type provides, in one place per type: its answer's form and what
    is right (`answer_form`, `right_answer`, judged by `core.answers`), its scoring with
    feedback (`score`), and how to write an answer in the course (`how_to_answer`) and in an
    nbgrader assignment (`assignment_help`). Its widget is `core.render.VIEWS[type]`."""

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

    how_to_answer: ClassVar[str]

    def answer_form(self) -> Form:
        """The answer's kind and the ids it may use, never the answer (`record` gets this)."""
        return {"kind": self.type}

    def right_answer(self) -> Any:
        """The right answer, written as a trainee would give it."""
        raise NotImplementedError

    def score(self, answer: Any) -> Feedback:
        """Score an answer given as plain data; raise TypeError, ValueError or KeyError if it
        cannot be read (`check` turns that into a message)."""
        raise NotImplementedError

    def unreadable(self, answer: Any) -> str | None:
        """Why a typed answer cannot be read (it is then neither scored nor saved), or None.
        The choices of the other types are always readable."""
        return None

    def withheld(self, result: Feedback, answer: Any, tries: int) -> Feedback:
        """The feedback shown after `tries` earlier tries: a question whose feedback would
        give the right answer away gives a hint instead until a few tries are spent."""
        return result

    def assignment_help(self) -> str:
        """Markdown under the prompt in an nbgrader assignment: how to write the answer."""
        raise NotImplementedError

    def _is_right(self, value: Any) -> bool:
        return is_right(self.answer_form()["kind"], value, self.right_answer())

    def _scored(self, right: bool, messages: list[str]) -> Feedback:
        points = self.points if right else 0
        return Feedback(correct=right, points=points, out_of=self.points, messages=messages)


class SingleChoice(_Question):
    type: Literal["single"]
    options: list[Option] = Field(min_length=2)
    answer: str

    @model_validator(mode="after")
    def _answer_is_an_option(self) -> SingleChoice:
        _known(self.options, [self.answer])
        return self

    how_to_answer = "give the letter of one option"

    def answer_form(self) -> Form:
        return {"kind": "single", "options": [o.id for o in self.options]}

    def right_answer(self) -> str:
        return self.answer

    def score(self, answer: Any) -> Feedback:
        chosen = {o.id: o for o in self.options}[str(answer).strip()]
        return self._scored(self._is_right(chosen.id), [chosen.feedback])

    def assignment_help(self) -> str:
        return (
            f"{_listed((o.id, o.text) for o in self.options)}\n\nAnswer with one letter as "
            f'text, for example `"{self.options[0].id}"`.'
        )


class MultipleChoice(_Question):
    type: Literal["multiple"]
    options: list[Option] = Field(min_length=2)
    answer: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _answers_are_options(self) -> MultipleChoice:
        _known(self.options, self.answer)
        return self

    how_to_answer = "give a list of option letters"

    def answer_form(self) -> Form:
        return {"kind": "multiple", "options": [o.id for o in self.options]}

    def right_answer(self) -> list[str]:
        return self.answer

    def score(self, answer: Any) -> Feedback:
        if isinstance(answer, str):
            raise TypeError("a list is expected")
        chosen = {str(a).strip() for a in answer}
        unknown = chosen - {o.id for o in self.options}
        if unknown:
            raise KeyError(", ".join(sorted(unknown)))
        # Said as the trainee ticked them: each box they ticked, then those they did not tick
        # and the answer needs, each named so (an option's feedback is about the option: what
        # the case's form says of it, never whether the trainee ticked it).
        ticked = [o for o in self.options if o.id in chosen]
        missed = [o for o in self.options if o.id in self.answer and o.id not in chosen]
        messages = [f"{o.id}. {o.text} (you ticked it): {o.feedback}" for o in ticked]
        if missed:
            messages.append(f"Not ticked by you, and needed: {_ids(missed)}.")
            messages += [f"{o.id}. {o.text} (you did not tick it): {o.feedback}" for o in missed]
        return self._scored(self._is_right(chosen), messages)

    def assignment_help(self) -> str:
        return (
            f"{_listed((o.id, o.text) for o in self.options)}\n\nAnswer with a list of every "
            'letter that applies, e.g. `["a", "c"]`.'
        )


class TrueFalse(_Question):
    type: Literal["true_false"]
    answer: bool
    feedback_true: str = Field(description="Shown to a trainee who answers True")
    feedback_false: str = Field(description="Shown to a trainee who answers False")

    how_to_answer = "give True or False"

    def right_answer(self) -> bool:
        return self.answer

    def score(self, answer: Any) -> Feedback:
        if not isinstance(answer, bool):
            text = str(answer).strip().casefold()
            if text not in {"true", "false"}:
                raise ValueError("True or False expected")
            answer = text == "true"
        message = self.feedback_true if answer else self.feedback_false
        return self._scored(self._is_right(answer), [message])

    def assignment_help(self) -> str:
        return "Answer with `True` or `False` (without quotes)."


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

    how_to_answer = "give, for each term, the definition it goes with"

    def answer_form(self) -> Form:
        terms = [p.id for p in self.pairs]
        return {"kind": "matching", "terms": terms, "labels": [k for k, _ in self.definitions()]}

    def right_answer(self) -> dict[str, str]:
        return {p.id: p.match_id for p in self.pairs}

    def score(self, answer: Any) -> Feedback:
        given = {str(k): str(v) for k, v in dict(answer).items()}
        messages = [
            f"{p.term}: {'right' if given.get(p.id) == p.match_id else 'not this one'}. "
            f"{p.feedback}"
            for p in self.pairs
        ]
        return self._scored(self._is_right(given), messages)

    def assignment_help(self) -> str:
        terms = _listed((p.id, p.term) for p in self.pairs)
        defs = _listed(self.definitions())
        example = ", ".join(f'"{p.id}": "?"' for p in self.pairs)
        return (
            f"Terms:\n\n{terms}\n\nDefinitions:\n\n{defs}\n\nAnswer with a dictionary from "
            f"each term to the label of its definition: `{{{example}}}`."
        )


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

    how_to_answer = "give every item once, in order"

    def answer_form(self) -> Form:
        return {"kind": "ordering", "items": list(self.shuffled)}  # as shown, not the answer

    def right_answer(self) -> list[str]:
        return [i.id for i in self.items]

    def score(self, answer: Any) -> Feedback:
        order = [str(a) for a in answer]
        if sorted(order) != sorted(self.right_answer()):
            raise ValueError("every item once")
        right = self._is_right(order)
        wrong = [n for n, (a, b) in enumerate(zip(order, self.items, strict=True), 1) if a != b.id]
        messages = [self.feedback_right if right else self.feedback_wrong]
        if wrong:
            messages.append(f"Positions not yet right: {', '.join(map(str, wrong))}.")
        return self._scored(right, messages)

    def assignment_help(self) -> str:
        text = {i.id: i.text for i in self.items}
        items = _listed((i, text[i]) for i in self.shuffled)
        return f"{items}\n\nAnswer with the list of item names in the right order."


REVEAL_AFTER = 3  # a computed question's answer is shown at the third wrong try


class Computed(_Question):
    """An answer computed with cmsim, e.g. a deadline under the loaded SOP."""

    type: Literal["computed"]
    compute: str = Field(description="Name of a function in cmcourse.core.computed")
    arguments: dict[str, Any] = Field(default_factory=dict)
    answer_kind: Literal["date", "number"]
    explanation: str = Field(description="Why, naming whose rule it is; {answer} is filled in")
    sop: Literal["case-study"] | None = Field(
        None,
        description="None: the SOP in force (the Guidelines', unless a trainer's replaces it); "
        "'case-study': the Nadia case study's SOP, an example of a contextualised SOP",
    )

    @model_validator(mode="after")
    def _known_function(self) -> Computed:
        from cmcourse.core.computed import FUNCTIONS

        if self.compute not in FUNCTIONS:
            raise ValueError(f"'compute' must be one of: {', '.join(sorted(FUNCTIONS))}")
        return self

    @property
    def how_to_answer(self) -> str:  # type: ignore[override]
        return "give a date as dd/mm/yyyy" if self.answer_kind == "date" else "give a number"

    def answer_form(self) -> Form:
        return {"kind": self.answer_kind}

    @property
    def answer_sop(self) -> SOP:
        """The SOP the answer is computed under: the Nadia case study's, or the Guidelines'.
        The one place that decides it (the course, the SCORM package and Moodle XML name it)."""
        from cmsim.sop import DEFAULT_SOP, shipped_sop

        return shipped_sop(self.sop) if self.sop else DEFAULT_SOP

    def expected(self) -> Any:
        """The answer as cmsim computes it (a date or a number)."""
        from cmcourse.core.computed import FUNCTIONS

        return FUNCTIONS[self.compute](**self.arguments, sop=self.answer_sop)

    def hint(self) -> str:
        """What a wrong date or number is told before the answer is shown (the course's, and
        Moodle XML's for any wrong answer)."""
        how = (
            "count again from the day the time starts from"
            if self.answer_kind == "date"
            else "work it through again"
        )
        return f"Look again at which rule applies here (whose SOP, which risk level) and {how}."

    def right_answer(self) -> Any:
        from cmsim.dates import fmt

        result = self.expected()
        return fmt(result) if self.answer_kind == "date" else result

    def unreadable(self, answer: Any) -> str | None:
        if isinstance(answer, dt.date):
            return None
        try:
            self._read(answer)
        except ValueError as exc:
            return f"{str(exc)[0].upper()}{str(exc)[1:]}. This was not counted as an answer."
        return None

    def _read(self, answer: Any) -> Any:
        """The typed answer as a date or a number; ValueError saying what is wrong."""
        if self.answer_kind == "date":
            return answer if isinstance(answer, dt.date) else read_typed_day(str(answer))
        number = read_number(str(answer).strip())
        if number is None or number != number or number in (float("inf"), float("-inf")):
            raise ValueError(f"“{str(answer).strip()}” is not a number: type digits, e.g. 12")
        return number

    def score(self, answer: Any) -> Feedback:
        from cmsim.dates import fmt

        right_value = self.expected()
        given = self._read(answer)
        shown = fmt(right_value) if self.answer_kind == "date" else str(right_value)
        right = is_right(self.answer_kind, given, right_value)
        lead = "Right." if right else f"Not quite: the answer is {shown}."
        return self._scored(right, [f"{lead} {self.explanation.format(answer=shown)}"])

    def withheld(self, result: Feedback, answer: Any, tries: int) -> Feedback:
        """A wrong date or number gets a hint (too early or too late, too many or too few),
        not the value, until REVEAL_AFTER tries; then the answer and why."""
        if result.correct or tries + 1 >= REVEAL_AFTER:
            return result
        given, right = self._read(answer), self.expected()
        if self.answer_kind == "date":
            way = "later" if given > right else "earlier"
            what = f"Not yet: your date is {way} than the rule gives."
        else:
            way = "more" if given > right else "fewer"
            what = f"Not yet: that is {way} than the rule gives."
        left = REVEAL_AFTER - tries - 1
        return result.model_copy(
            update={
                "messages": [
                    f"{what} {self.hint()} The answer is shown after {left} more "
                    f"tr{'y' if left == 1 else 'ies'}."
                ]
            }
        )

    def assignment_help(self) -> str:
        if self.answer_kind == "date":
            return 'Answer with a date as text written dd/mm/yyyy, e.g. `"05/09/2022"`.'
        return "Answer with a number."


Question = Annotated[
    SingleChoice | MultipleChoice | TrueFalse | Matching | Ordering | Computed,
    Field(discriminator="type"),
]


# A reflection is an attempt once it is a sentence: this many words, this many letters. Below
# that ("x", "ok", "not sure") the points to consider stay hidden and it does not count.
ATTEMPT_WORDS = 4
ATTEMPT_LETTERS = 20


def is_attempt(text: str) -> bool:
    """Whether a reflection is a real attempt (a sentence or more), in any script."""
    words = re.findall(r"\w+", text or "")
    return len(words) >= ATTEMPT_WORDS and sum(len(w) for w in words) >= ATTEMPT_LETTERS


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


def check(question: Any, answer: Any, tries: int = 0) -> Feedback:
    """Check an answer given as plain data (option id, list of ids, bool, mapping, order,
    date text), after `tries` earlier tries of it. A malformed answer is not an error: it
    scores 0 and says how to answer."""
    try:
        return question.withheld(question.score(answer), answer, tries)
    except (TypeError, ValueError, KeyError, AttributeError):
        return Feedback(
            correct=False,
            points=0,
            out_of=question.points,
            messages=[f"This answer could not be read: {question.how_to_answer}."],
        )


def right_answer(question: Any) -> Any:
    """The right answer, written as a trainee would give it (dates as dd/mm/yyyy)."""
    return question.right_answer()


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
