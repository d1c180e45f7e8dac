"""The pre-learning assessment: the same checks before the course without feedback and after
it, the trainee's gain, and the trainer's before-and-after figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cmcourse.core import learningcheck as lc
from cmcourse.core.bank import check, find, load_bank
from cmcourse.core.outline import load_outline
from cmcourse.core.render import question_view
from cmcourse.core.results import summarise
from cmcourse.core.store import ProgressError, ProgressStore
from cmcourse.trainer.learning import item_gains, trainee_gains
from cmcourse.trainer.report import report_html
from cmcourse.trainer.roster import read_progress


def right_answer(question: Any) -> Any:
    return question.answer


def wrong_answer(question: Any) -> Any:
    if question.type == "true_false":
        return not question.answer
    if question.type == "single":
        return next(o.id for o in question.options if o.id != question.answer)
    raise AssertionError(f"no wrong answer written for {question.type}")


def take(store: ProgressStore, phase: lc.Phase, right: set[str]) -> lc.PhaseResult:
    result = None
    for q in lc.items():
        given = right_answer(q) if q.id in right else wrong_answer(q)
        result = lc.save_answer(store, phase, q.id, given, check(q, given))
    assert result is not None
    return result


def test_the_items_are_the_banks_own_checks_from_every_module():
    questions = lc.items()
    assert len(questions) == 10 and len(set(lc.item_ids())) == 10
    modules = {q.id.split("-")[0] for q in questions}
    assert modules == {"m1", "m2", "m3"}
    assert all(q.type in {"single", "true_false"} for q in questions)
    banked = {q.id for b in load_bank().values() for q in b.questions}
    assert set(lc.item_ids()) <= banked


def test_the_pretest_comes_before_module_1_and_the_posttest_before_finishing():
    order = [p.id for part in load_outline().parts for p in part.pages]
    assert order.index("intro") < order.index("pretest") < order.index("m1")
    assert order.index("posttest") == order.index("results") - 1


def test_a_phase_finishes_with_its_last_answer_and_then_keeps_its_answers(tmp_path: Path):
    store = ProgressStore("trainee-lc1", tmp_path)
    first, *rest = lc.items()
    half = lc.save_answer(store, "pre", first.id, first.answer, check(first, first.answer))
    assert half.finished is None and half.points == 1
    # Changing an answer before the end is allowed: the last one counts.
    wrong = wrong_answer(first)
    assert lc.save_answer(store, "pre", first.id, wrong, check(first, wrong)).points == 0
    result = take(store, "pre", right={q.id for q in rest[:3]})
    assert result.finished and (result.points, result.out_of) == (3, 10)
    with pytest.raises(ProgressError, match="pre-test is finished"):
        lc.save_answer(store, "pre", first.id, first.answer, check(first, first.answer))
    assert lc.read_phase(store, "pre").points == 3


def test_the_pretest_outlives_submit_results(tmp_path: Path):
    store = ProgressStore("trainee-lc2", tmp_path)
    take(store, "pre", right=set(lc.item_ids()[:4]))
    store.submit(summarise(store.current()))
    assert lc.read_phase(store, "pre").points == 4


def test_the_trainee_sees_the_gain_question_by_question(tmp_path: Path):
    store = ProgressStore("trainee-lc3", tmp_path)
    ids = lc.item_ids()
    pre = take(store, "pre", right=set(ids[:4]))
    post = take(store, "post", right=set(ids[:9]))
    html = lc.gain_html(pre, post)
    assert "Before the course: <strong>4 of 10</strong>" in html
    assert "After: <strong>9 of 10</strong>: a gain of 5 points" in html
    assert html.count("✔ right</td><td>✔ right") == 4
    assert html.count("✖ not right</td><td>✔ right") == 5
    assert html.count("✖ not right</td><td>✖ not right") == 1


def test_without_a_pretest_the_posttest_says_there_is_nothing_to_compare(tmp_path: Path):
    store = ProgressStore("trainee-lc4", tmp_path)
    post = take(store, "post", right=set(lc.item_ids()))
    html = lc.gain_html(lc.read_phase(store, "pre"), post)
    assert "After the course: <strong>10 of 10</strong>" in html
    assert "did not finish the pre-test" in html


def test_a_pretest_question_saves_without_showing_feedback():
    question = find("m1-imminent-harm")
    saved = []
    view = question_view(question, lambda q, a, r: saved.append(r), reveal=False)
    view.controls[0].value = not question.answer
    view.button.click()
    assert saved and not saved[0].correct
    assert "Answer saved" in view.feedback.value
    assert "Not quite" not in view.feedback.value and "Correct" not in view.feedback.value
    assert view.button.description == "Save my answer"
    view.lock()
    assert view.button.disabled and view.controls[0].disabled


def test_the_trainer_report_shows_each_trainees_and_each_questions_before_and_after(
    tmp_path: Path,
):
    ids = lc.item_ids()
    a = ProgressStore("trainee-lca", tmp_path)
    a.set_name("Abena Kimaro")
    take(a, "pre", right=set(ids[:2]))
    take(a, "post", right=set(ids[:8]))
    b = ProgressStore("trainee-lcb", tmp_path)
    b.set_name("Badru Okello")
    take(b, "pre", right={ids[0], ids[9]})
    c = ProgressStore("trainee-lcc", tmp_path)
    c.set_name("Chidi Eze")  # took neither: not in the table
    files = read_progress(tmp_path)
    gains = trainee_gains(files)
    assert [(g.name, g.pre, g.post, g.gain) for g in gains] == [
        ("Abena Kimaro", (2, 10), (8, 10), 6),
        ("Badru Okello", (2, 10), None, None),
    ]
    by_id = {i.question: i for i in item_gains(files)}
    assert (by_id[ids[0]].pre_right, by_id[ids[0]].pre_answered) == (2, 2)
    assert (by_id[ids[5]].pre_right, by_id[ids[5]].post_right, by_id[ids[5]].post_answered) == (
        0,
        1,
        1,
    )
    html = report_html(tmp_path)
    assert "Pre-learning assessment: before and after the course" in html
    assert '<td class="num">2 / 10</td>' in html and "+6" in html
    assert "Chidi Eze" not in html.split("Pre-learning assessment")[1].split("<h2>")[0]
