"""The bank's knowledge checks and reflections for a static page: each question's controls as
HTML and what the browser needs to check it (`spec`), both from the bank's own models.

The browser checks an answer with `static/feedback.js`, which composes each option's feedback
from the bank's texts as `core.bank`'s `score` does; tests/export/test_scorm_feedback.py runs it
in node against `bank.check` for every question of the bank, so the two cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from cmcourse.core import render
from cmcourse.core.bank import (
    ATTEMPT_LETTERS,
    ATTEMPT_WORDS,
    REVEAL_AFTER,
    Computed,
    Matching,
    MultipleChoice,
    Ordering,
    Reflection,
    SingleChoice,
    TrueFalse,
)
from cmcourse.export.output import ExportProblem
from cmcourse.export.scorm.templates import render_template
from cmsim.dates import fmt

# SCORM 1.2's interaction types (RTE 3.4.2.7.3), one for each question type of the bank.
INTERACTION = {
    "single": "choice",
    "multiple": "choice",
    "true_false": "true-false",
    "matching": "matching",
    "ordering": "sequencing",
}

# SCORM 1.2 names each choice, item, term and label in an interaction's responses by one
# character, 0-9 or a-z (RTE 3.4.2.7.x: choice "a,c", sequencing "3,1,2", matching "1.b,2.a").
PLACES = "123456789abcdefghijklmnopqrstuvwxyz"


def response_codes(question_id: str, ids: list[str]) -> dict[str, str]:
    """Each id's character in SCORM 1.2 responses, stable for as long as the bank lists the
    same ids in the same order: the id itself, lowercased, when every id of the list is a
    distinct single letter or digit (the options' letters a, b, c; the definitions' labels A,
    B, C); otherwise its place in the bank's list, 1 to 9 then a to z (a matching question's
    terms, an ordering question's items, listed in the bank in their right order)."""
    own = [i.lower() for i in ids]
    if all(len(c) == 1 and c in "0123456789" + PLACES for c in own) and len(set(own)) == len(own):
        return dict(zip(ids, own, strict=True))
    if len(ids) > len(PLACES):
        raise ExportProblem(
            f"question {question_id}: SCORM 1.2 names at most {len(PLACES)} items of a question "
            f"in its responses, and this one has {len(ids)}"
        )
    return dict(zip(ids, PLACES, strict=False))


# Said once where a computed question is fixed: the answer was worked out when the package was
# built, under the SOP the question names.
FIXED = (
    "In this package the answer was worked out with the course's case rules when the package "
    "was built, under {sop}."
)


def settings() -> dict[str, Any]:
    """The rules the browser applies as the course does (`core.bank`, `core.render`)."""
    return {
        "attemptWords": ATTEMPT_WORDS,
        "attemptLetters": ATTEMPT_LETTERS,
        "revealAfter": REVEAL_AFTER,
        "notAnAttempt": render.NOT_AN_ATTEMPT,
    }


def _sop_name(question: Computed) -> str:
    name = question.answer_sop.name
    return name[0].lower() + name[1:]  # "The Inter-Agency Guidelines" inside a sentence


def spec(question: Any) -> dict[str, Any]:
    """What the browser needs to check an answer and say why, as the course does."""
    base: dict[str, Any] = {
        "id": question.id,
        "type": question.type,
        "points": question.points,
        "howToAnswer": question.how_to_answer,
        # The course's message when the controls are not all set (the views' own texts).
        "incomplete": render.VIEWS[question.type].incomplete(None),  # type: ignore[arg-type]
    }
    if isinstance(question, SingleChoice | MultipleChoice):
        base["interaction"] = INTERACTION[question.type]
        base["options"] = [o.model_dump() for o in question.options]
        base["answer"] = question.right_answer()
        base["codes"] = response_codes(question.id, [o.id for o in question.options])
    elif isinstance(question, TrueFalse):
        base["interaction"] = INTERACTION[question.type]
        base["answer"] = question.answer
        base["feedbackTrue"] = question.feedback_true
        base["feedbackFalse"] = question.feedback_false
    elif isinstance(question, Matching):
        base["interaction"] = INTERACTION[question.type]
        base["pairs"] = [p.model_dump() for p in question.pairs]
        base["answer"] = question.right_answer()
        base["termCodes"] = response_codes(question.id, [p.id for p in question.pairs])
        base["labelCodes"] = response_codes(question.id, [p.match_id for p in question.pairs])
    elif isinstance(question, Ordering):
        base["interaction"] = INTERACTION[question.type]
        base["answer"] = question.right_answer()
        base["codes"] = response_codes(question.id, [i.id for i in question.items])
        base["feedbackRight"] = question.feedback_right
        base["feedbackWrong"] = question.feedback_wrong
    elif isinstance(question, Computed):
        right = question.expected()  # fixed now, under the SOP the question names
        shown = fmt(right) if question.answer_kind == "date" else str(right)
        base["interaction"] = "fill-in" if question.answer_kind == "date" else "numeric"
        base["answerKind"] = question.answer_kind
        base["answer"] = shown
        base["explanation"] = question.explanation.format(answer=shown)
    else:
        raise ExportProblem(
            f"question {question.id}: a {question.type} question has no static form"
        )
    return base


def question_html(question: Any) -> str:
    """The question's prompt, controls, check button and feedback area (no script needed to
    read it; the player makes the button check the answer)."""
    data: dict[str, Any] = {"q": question, "not_chosen": render.NOT_CHOSEN}
    if isinstance(question, Matching):
        data["definitions"] = question.definitions()
    if isinstance(question, Ordering):
        texts = {i.id: i.text for i in question.items}
        data["shown"] = [(k, texts[k]) for k in question.shuffled]
    if isinstance(question, Computed):
        data["fixed"] = FIXED.format(sop=_sop_name(question))
    return render_template("question.html", **data)


def reflection_html(reflection: Reflection) -> str:
    return render_template("reflection.html", r=reflection)


def reflection_spec(reflection: Reflection) -> dict[str, Any]:
    return {"id": reflection.id, "guidance": render.guidance_html(reflection)}
