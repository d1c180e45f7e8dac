"""One renderer per question type. A renderer shows a question, takes the trainee's answer,
checks it with `bank.check`, hands the result to `on_answer` (which saves it) and shows the
feedback. It knows nothing about pages or storage.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

import ipywidgets as w

from cmcourse.core.bank import ATTEMPT_WORDS, Feedback, check, is_attempt
from cmcourse.core.safety import safe

# A layout for each widget, never one shared: the course app closes a page's widgets when the
# page is left, and a Layout made once at import would be closed with the first page using it.
FULL = {"width": "100%", "max_width": "60em"}


def full() -> w.Layout:
    return w.Layout(**FULL)


OnAnswer = Callable[[Any, Any, Feedback], None]


def feedback_html(result: Feedback) -> str:
    verdict = "Correct" if result.correct else "Not quite"
    icon = "✔" if result.correct else "✖"
    items = "".join(f"<li>{escape(m)}</li>" for m in result.messages)
    again = "" if result.correct else "<p>You can change your answer and check again.</p>"
    return (
        f'<div class="cm-feedback cm-{"right" if result.correct else "wrong"}" role="status" '
        f'aria-live="polite"><p><strong>{icon} {verdict}</strong> '
        f"({result.points:g} of {result.out_of} point{'s' * (result.out_of != 1)})</p>"
        f"<ul>{items}</ul>{again}</div>"
    )


SAVED_ONLY = (
    '<div class="cm-feedback" role="status" aria-live="polite"><p>✔ Answer saved.</p></div>'
)


# The empty choice of a menu: it says what to choose, and its dash keeps type-ahead (a letter
# typed on the menu) from landing on it.
NOT_CHOSEN = "— choose {} —"


class QuestionView:
    """The frame shared by all question types: prompt, answer controls, check button,
    feedback. Subclasses build the controls and read/restore the answer. With `reveal` off
    (a pre-test) the answer is checked and saved but the trainee only sees that it is saved."""

    def __init__(
        self,
        question: Any,
        on_answer: OnAnswer,
        previous: Any = None,
        enabled: bool = True,
        reveal: bool = True,
        tries: int = 0,
    ):
        self.question = question
        self.on_answer = on_answer
        self.reveal = reveal
        self.tries = tries  # saved so far (a computed question withholds its value a while)
        self.last = previous  # the answer last saved: checked again, it is not saved twice
        self.feedback = w.HTML(layout=full())
        self.button = w.Button(
            description="Check my answer" if reveal else "Save my answer",
            button_style="primary",
            tooltip="Check my answer and see the feedback" if reveal else "Save my answer",
            disabled=not enabled,
            layout=w.Layout(width="auto"),
        )
        self.controls = self.build()
        self.button.on_click(safe(self._show)(self._check))
        # Its id is the question's anchor: a case study's refusal links back to the decision.
        prompt = w.HTML(
            f'<p class="cm-prompt" id="q-{escape(question.id)}"><strong>'
            f"{escape(question.prompt)}</strong></p>",
            layout=full(),
        )
        self.widget = w.VBox([prompt, *self.controls, self.button, self.feedback], layout=full())
        self.widget.add_class("cm-question")
        if previous is not None:
            self.restore(previous)
            self.feedback.value = self._verdict(check(question, previous, max(tries - 1, 0)))
        for control in self._answer_controls():  # a changed answer: the old feedback goes
            control.observe(self._changed, names="value")

    def _answer_controls(self) -> list[w.Widget]:
        found: list[w.Widget] = []
        for widget in self.controls:
            found += [c for c in [widget, *getattr(widget, "children", ())] if c.has_trait("value")]
        return [c for c in found if not isinstance(c, w.HTML)]

    def _changed(self, _change: Any) -> None:
        self.feedback.value = ""

    def _verdict(self, result: Feedback) -> str:
        return feedback_html(result) if self.reveal else SAVED_ONLY

    def lock(self) -> None:
        """No more changes (a finished pre-test): the controls and the button are disabled."""
        for widget in [*self.controls, self.button]:
            if hasattr(widget, "disabled"):
                widget.disabled = True
            for child in getattr(widget, "children", ()):
                if hasattr(child, "disabled"):
                    child.disabled = True

    def _show(self, html: str) -> None:
        self.feedback.value = html

    def _check(self, _button: Any = None) -> None:
        answer = self.read()
        if answer is None:
            self.feedback.value = (
                '<div class="cm-feedback" role="status" aria-live="polite">'
                f"<p>{escape(self.incomplete())}</p></div>"
            )
            return
        unreadable = self.question.unreadable(answer)
        if unreadable:  # not an answer: nothing scored, nothing saved, the box keeps it
            self.feedback.value = (
                '<div class="cm-feedback cm-unreadable" role="alert">'
                f"<p>{escape(unreadable)}</p></div>"
            )
            return
        if self.tries and answer == self.last:  # a second click: the same try, not another
            return
        result = check(self.question, answer, self.tries)
        self.on_answer(self.question, answer, result)
        self.tries, self.last = self.tries + 1, answer
        self.feedback.value = self._verdict(result)

    # -- to override ----------------------------------------------------------------------
    def build(self) -> list[w.Widget]:
        raise NotImplementedError

    def read(self) -> Any:
        """The answer as plain data, or None if not complete."""
        raise NotImplementedError

    def restore(self, answer: Any) -> None:
        raise NotImplementedError

    def incomplete(self) -> str:
        return "Choose an answer first."


class SingleView(QuestionView):
    def build(self) -> list[w.Widget]:
        self.choice = w.RadioButtons(
            options=[(f"{o.id}. {o.text}", o.id) for o in self.question.options],
            value=None,
            description="Answer:",
            layout=full(),
            style={"description_width": "initial"},
        )
        return [self.choice]

    def read(self) -> Any:
        return self.choice.value

    def restore(self, answer: Any) -> None:
        if answer in {o.id for o in self.question.options}:
            self.choice.value = answer


class MultipleView(QuestionView):
    def build(self) -> list[w.Widget]:
        self.boxes = {
            o.id: w.Checkbox(
                description=f"{o.id}. {o.text}", value=False, indent=False, layout=full()
            )
            for o in self.question.options
        }
        hint = w.HTML("<p>Tick every answer that applies.</p>")
        return [hint, *self.boxes.values()]

    def read(self) -> Any:
        chosen = [k for k, box in self.boxes.items() if box.value]
        return chosen or None

    def restore(self, answer: Any) -> None:
        for key in answer or []:
            if key in self.boxes:
                self.boxes[key].value = True

    def incomplete(self) -> str:
        return "Tick at least one answer first."


class TrueFalseView(QuestionView):
    def build(self) -> list[w.Widget]:
        self.choice = w.RadioButtons(
            options=[("True", True), ("False", False)], value=None, description="Answer:"
        )
        return [self.choice]

    def read(self) -> Any:
        return self.choice.value

    def restore(self, answer: Any) -> None:
        if isinstance(answer, bool):
            self.choice.value = answer


class MatchingView(QuestionView):
    def build(self) -> list[w.Widget]:
        definitions = self.question.definitions()
        listing = "".join(
            f"<li><strong>{escape(k)}</strong>: {escape(t)}</li>" for k, t in definitions
        )
        self.menus = {
            p.id: w.Dropdown(
                options=[(NOT_CHOSEN.format("a letter"), None)] + [(k, k) for k, _ in definitions],
                index=0,  # the empty choice, named (value None shows a blank menu)
                description=p.term,
                layout=full(),
                style={"description_width": "40%"},
            )
            for p in self.question.pairs
        }
        intro = w.HTML(
            f"<p>Definitions:</p><ul>{listing}</ul><p>For each term, choose the "
            "letter of its definition.</p>",
            layout=full(),
        )
        return [intro, *self.menus.values()]

    def read(self) -> Any:
        answer = {k: m.value for k, m in self.menus.items()}
        return answer if all(answer.values()) else None

    def restore(self, answer: Any) -> None:
        for key, value in dict(answer or {}).items():
            menu = self.menus.get(key)
            if menu is not None and value in [v for _, v in menu.options]:
                menu.value = value

    def incomplete(self) -> str:
        return "Choose a definition for every term first."


class OrderingView(QuestionView):
    """One menu per position: keyboard-friendly, unlike drag and drop."""

    def build(self) -> list[w.Widget]:
        texts = {i.id: i.text for i in self.question.items}
        options = [(NOT_CHOSEN.format("the item"), None)]
        options += [(texts[k], k) for k in self.question.shuffled]
        self.slots = [
            w.Dropdown(
                options=options,
                index=0,  # the empty choice, named (value None shows a blank menu)
                description=f"Position {n}",
                layout=full(),
                style={"description_width": "initial"},
            )
            for n in range(1, len(texts) + 1)
        ]
        listing = "".join(f"<li>{escape(texts[k])}</li>" for k in self.question.shuffled)
        return [w.HTML(f"<p>Items to order:</p><ul>{listing}</ul>", layout=full()), *self.slots]

    def read(self) -> Any:
        order = [s.value for s in self.slots]
        return order if all(order) and len(set(order)) == len(order) else None

    def restore(self, answer: Any) -> None:
        for slot, value in zip(self.slots, answer or [], strict=False):
            if value in [v for _, v in slot.options]:
                slot.value = value

    def incomplete(self) -> str:
        return "Put every item in one position (each item once) first."


class ComputedView(QuestionView):
    def build(self) -> list[w.Widget]:
        placeholder = "dd/mm/yyyy" if self.question.answer_kind == "date" else "a number"
        self.entry = w.Text(
            placeholder=placeholder,
            description="Your answer:",
            style={"description_width": "initial"},
        )
        return [self.entry]

    def read(self) -> Any:
        return self.entry.value.strip() or None

    def restore(self, answer: Any) -> None:
        self.entry.value = str(answer)

    def incomplete(self) -> str:
        return "Type your answer first."


VIEWS: dict[str, type[QuestionView]] = {
    "single": SingleView,
    "multiple": MultipleView,
    "true_false": TrueFalseView,
    "matching": MatchingView,
    "ordering": OrderingView,
    "computed": ComputedView,
}


def question_view(
    question: Any,
    on_answer: OnAnswer,
    previous: Any = None,
    enabled: bool = True,
    reveal: bool = True,
    tries: int = 0,
) -> QuestionView:
    return VIEWS[question.type](question, on_answer, previous, enabled, reveal, tries)


class ReflectionView:
    """Free text, saved when the trainee leaves the box or presses Save; the guidance is
    shown once something is written."""

    def __init__(
        self,
        reflection: Any,
        on_save: Callable[[Any, str], None],
        previous: str | None = None,
        enabled: bool = True,
    ):
        self.reflection = reflection
        self.on_save = on_save
        self.text = w.Textarea(
            value=previous or "",
            placeholder="Write your thoughts here…",
            description="Your reflection:",
            continuous_update=False,
            disabled=not enabled,
            layout=w.Layout(width="100%", max_width="60em", height="8em"),
            style={"description_width": "initial"},
        )
        self.button = w.Button(
            description="Save my reflection",
            disabled=not enabled,
            tooltip="Save my reflection",
            layout=w.Layout(width="auto"),
        )
        self.status = w.HTML()
        self.guidance = w.HTML(layout=full())
        handler = safe(self._show_status)(self._save)
        self.button.on_click(handler)
        self.text.observe(lambda change: handler(), names="value")
        prompt = w.HTML(
            f'<p class="cm-prompt" id="q-{escape(reflection.id)}"><strong>Reflection: '
            f"{escape(reflection.prompt)}</strong></p>",
            layout=full(),
        )
        self.widget = w.VBox(
            [prompt, self.text, w.HBox([self.button, self.status]), self.guidance], layout=full()
        )
        self.widget.add_class("cm-reflection")
        if previous and is_attempt(previous):
            self._reveal()

    def _show_status(self, html: str) -> None:
        self.status.value = html

    def _save(self, _button: Any = None) -> None:
        text = self.text.value.strip()
        if not is_attempt(text):
            self.status.value = (
                f'<span role="status" aria-live="polite">{escape(NOT_AN_ATTEMPT)}</span>'
            )
            return
        self.on_save(self.reflection, text)
        self.status.value = '<span role="status" aria-live="polite">Saved.</span>'
        self._reveal()

    def _reveal(self) -> None:
        self.guidance.value = guidance_html(self.reflection)


# What a reflection too short to count is told (bank.is_attempt decides).
NOT_AN_ATTEMPT = (
    f"Write a sentence or more (at least {ATTEMPT_WORDS} words) in your own words, then save: "
    "the points to consider appear once you have."
)


def guidance_html(reflection: Any) -> str:
    """A reflection's points to consider, shown once the trainee has written an attempt."""
    lines = [line for line in reflection.guidance.splitlines() if line.strip()]
    if not lines:
        return ""
    body = (
        f"<p>{escape(lines[0])}</p>"
        if len(lines) == 1
        else "<ul>" + "".join(f"<li>{escape(line)}</li>" for line in lines) + "</ul>"
    )
    return f'<div class="cm-guidance"><p><strong>Points to consider</strong></p>{body}</div>'
