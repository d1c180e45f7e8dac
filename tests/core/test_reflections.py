"""A reflection is a real attempt before its points to consider appear and before it counts."""

from __future__ import annotations

from cmcourse.core.bank import find, is_attempt, load_bank
from cmcourse.core.render import ReflectionView
from cmcourse.core.results import summarise
from cmcourse.core.store import Attempt

SETTING = "m1-r-setting"


def test_a_word_or_two_is_not_an_attempt_a_sentence_is_in_any_script():
    for short in ("x", "ok", "not sure", "  ", "a b c d"):
        assert not is_attempt(short), short
    assert is_attempt("Where trained, supervised staff can follow up.")
    assert is_attempt("في المخيم، لجنة حماية الطفل تحدد الأطفال")


def test_a_short_reflection_is_neither_saved_nor_answered_with_the_points_to_consider():
    saved = []
    view = ReflectionView(find(SETTING), lambda r, text: saved.append(text))
    view.text.value = "x"
    assert saved == [] and "Write a sentence or more" in view.status.value
    assert view.guidance.value == "" and view.text.value == "x"  # kept in the box
    view.text.value = "In the camp, the committee identifies children at risk."
    assert saved == ["In the camp, the committee identifies children at risk."]
    assert "Points to consider" in view.guidance.value


def test_only_real_attempts_count_as_reflections_written():
    attempt = Attempt(
        1, {}, {}, {SETTING: "x", "m1-r-steps-protect": "Each step protects the child."}, []
    )
    written = [r.id for r in summarise(attempt, load_bank()).reflections]
    assert written == ["m1-r-steps-protect"]
