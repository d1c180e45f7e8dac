"""The pre-learning assessment: the same checks before Module 1 (no feedback) and after the
course, and each trainee's gain.

    page.learning_check("pre")     # course/pretest.ipynb
    page.learning_check("post")    # course/posttest.ipynb

The items are data (course/learning_check.yaml, ids of bank questions). A trainee's answers
are kept as lasting records (they outlive "Submit results": the pre-test is taken once, before
the course), one per phase: {"answers": {id: {answer, correct, points, out_of}}, "finished"}.
Once every item is answered the phase is finished and its answers are locked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from html import escape
from typing import Any, Literal

import ipywidgets as w
import yaml
from IPython.display import display

from cmcourse.core.bank import Feedback, find
from cmcourse.core.paths import ROOT
from cmcourse.core.render import QuestionView, full, question_view
from cmcourse.core.store import ProgressError, ProgressReader, ProgressStore

Phase = Literal["pre", "post"]
ITEMS_FILE = ROOT / "course" / "learning_check.yaml"
NAMES: dict[Phase, str] = {"pre": "pre-test", "post": "post-test"}


@cache
def item_ids() -> tuple[str, ...]:
    data = yaml.safe_load(ITEMS_FILE.read_text(encoding="utf-8"))
    return tuple(data["items"])


def items() -> list[Any]:
    return [find(i) for i in item_ids()]


def record_key(phase: Phase) -> str:
    return f"learning-check-{phase}"


@dataclass(frozen=True)
class PhaseResult:
    answers: dict[str, dict[str, Any]]
    finished: str | None  # when the last item was answered (ISO), None until then

    @property
    def points(self) -> float:
        return sum(a["points"] for a in self.answers.values())

    @property
    def out_of(self) -> int:
        return sum(a["out_of"] for a in self.answers.values())

    def right(self, item: str) -> bool | None:
        answer = self.answers.get(item)
        return None if answer is None else bool(answer["correct"])


def read_phase(reader: ProgressReader, phase: Phase) -> PhaseResult:
    saved = reader.record(record_key(phase), {}, lasting=True) or {}
    answers = saved.get("answers", {}) if isinstance(saved, Mapping) else {}
    return PhaseResult(dict(answers), saved.get("finished") if answers else None)


def save_answer(
    store: ProgressStore, phase: Phase, item: str, answer: Any, result: Feedback
) -> PhaseResult:
    """Keep one answer; the phase is finished when every item has one. A finished phase
    keeps its answers: a later save is refused, with the reason."""
    current = read_phase(store, phase)
    if current.finished:
        raise ProgressError(f"Your {NAMES[phase]} is finished: its answers can no longer change.")
    answers = current.answers | {
        item: {
            "answer": answer,
            "correct": result.correct,
            "points": result.points,
            "out_of": result.out_of,
        }
    }
    done = set(item_ids()) <= set(answers)
    finished = dt.datetime.now(dt.UTC).isoformat(timespec="seconds") if done else None
    store.save_record(record_key(phase), {"answers": answers, "finished": finished}, lasting=True)
    return PhaseResult(answers, finished)


# -- on the page -------------------------------------------------------------------------------
def _points(value: float) -> str:
    return f"{value:g}"


ROW_HEAD = "text-align: left; font-weight: normal"


def gain_html(pre: PhaseResult, post: PhaseResult) -> str:
    """Before and after, item by item, and the gain."""
    mark = {True: "✔ right", False: "✖ not right", None: "not answered"}
    rows = "".join(
        f"<tr><th scope='row' style='{ROW_HEAD}'>{escape(q.prompt)}</th>"
        f"<td>{mark[pre.right(q.id)]}</td><td>{mark[post.right(q.id)]}</td></tr>"
        for q in items()
    )
    if pre.finished:
        change = post.points - pre.points
        said = (
            f"a gain of {_points(change)} point{'s' * (change != 1)}"
            if change > 0
            else "no gain"
            if change == 0
            else f"{_points(-change)} point{'s' * (change != -1)} fewer"
        )
        summary = (
            f"Before the course: <strong>{_points(pre.points)} of {pre.out_of}</strong>. "
            f"After: <strong>{_points(post.points)} of {post.out_of}</strong>: {said}."
        )
    else:
        summary = (
            f"After the course: <strong>{_points(post.points)} of {post.out_of}</strong>. "
            "You did not finish the pre-test, so there is no before to compare with."
        )
    return (
        f'<div class="cm-gain" role="status"><p>{summary}</p>'
        '<div class="cm-scroll"><table><caption>Your answers before and after the course'
        "</caption><thead><tr><th scope='col'>Question</th><th scope='col'>Before</th>"
        f"<th scope='col'>After</th></tr></thead><tbody>{rows}</tbody></table></div>"
        "<p>Each question is also a knowledge check on its section's page, with feedback on "
        "every option: go back to any you would like to read again.</p></div>"
    )


def _status(phase: Phase, result: PhaseResult, store: ProgressStore | None) -> str:
    if store is None:
        return ""
    answered, total = len(result.answers), len(item_ids())
    if not result.finished:
        return (
            f"<p role='status'>{answered} of {total} answered. Your answers are saved as you "
            "go; you can change them until you have answered the last one.</p>"
        )
    if phase == "pre":
        return (
            "<p role='status'><strong>✔ Pre-test finished.</strong> Your score stays hidden "
            "for now: you will see it after the course, beside your post-test. Go on to "
            "Module 1.</p>"
        )
    return gain_html(read_phase(store, "pre"), result)


def show_learning_check(store: ProgressStore | None, phase: Phase) -> None:
    """The phase's questions (no feedback before the course) and its status line, which
    becomes the before-and-after table when the post-test is finished."""
    result = read_phase(store, phase) if store else PhaseResult({}, None)
    status = w.HTML(_status(phase, result, store), layout=full())
    views: list[QuestionView] = []

    def on_answer(question: Any, answer: Any, feedback: Feedback) -> None:
        if store is None:
            raise ProgressError("Please sign in at the top of the page to save your answers.")
        now = save_answer(store, phase, question.id, answer, feedback)
        status.value = _status(phase, now, store)
        if now.finished:
            for view in views:
                view.lock()

    for question in items():
        saved = result.answers.get(question.id)
        view = question_view(
            question,
            on_answer,
            saved["answer"] if saved else None,
            enabled=store is not None and not result.finished,
            reveal=False,
        )
        views.append(view)
        display(view.widget)
    if result.finished:
        for view in views:
            view.lock()
    display(status)
