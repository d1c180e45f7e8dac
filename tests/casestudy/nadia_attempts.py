"""A trainee's saved work on Nadia's case study, as the store reads it back, for the tests."""

from __future__ import annotations

from types import SimpleNamespace

from cmcourse.core.bank import check, find, load_bank, right_answer
from cmcourse.core.store import Attempt


def attempt_with(answers: dict[str, object], reflections: dict[str, str] | None = None):
    """An attempt as the store reads it back: each answer checked once."""
    checked = {k: {"answer": v, "correct": check(find(k), v).correct} for k, v in answers.items()}
    return Attempt(
        number=1,
        answers=checked,
        tries=dict.fromkeys(answers, 1),
        reflections=reflections or {},
        pages=[],
    )


def right_questions(*steps: str) -> dict[str, object]:
    """The right answer to every question of these steps (all six by default)."""
    wanted = {f"nadia-{s}" for s in steps or "123456"}
    return {q.id: right_answer(q) for q in load_bank()["nadia"].questions if q.section in wanted}


def written(*steps: str) -> dict[str, str]:
    """A reflection written for each reflection of these steps that fills a form."""
    wanted = {f"nadia-{s}" for s in steps or "123456"}
    return {
        r.id: "My own words on Nadia's case, written out in full."
        for r in load_bank()["nadia"].reflections
        if r.fills and r.section in wanted
    }


def steps_done(*steps: str, **changed: object) -> Attempt:
    """These steps completed (all six by default), every answer right but the `changed` ones
    (question id with dashes as underscores: nadia_1_risk="b")."""
    answers = right_questions(*steps) | {k.replace("_", "-"): v for k, v in changed.items()}
    return attempt_with(answers, written(*steps))


class SignedInPage:
    """What the case study's widgets need of a course page: a signed-in trainee's saved work
    (changed with `save`, which tells the page's listeners, as a saved answer does)."""

    def __init__(self, attempt: Attempt, name: str = "Amina Yusuf"):
        self.signed_in = True
        self.on_saved: list = []
        self.attempt = attempt
        self.store = SimpleNamespace(
            current=lambda: self.attempt, record=lambda *_, **__: None, name=name
        )

    def save(self, attempt: Attempt) -> None:
        self.attempt = attempt
        for listener in self.on_saved:
            listener()
