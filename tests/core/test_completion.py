"""What is left to do, where "Continue" leads, and the first try beside the final score."""

from __future__ import annotations

from cmcourse.core.bank import load_bank
from cmcourse.core.outline import load_outline
from cmcourse.core.progress import FINISH, items_on, left_to_do, next_unfinished
from cmcourse.core.results import summarise
from cmcourse.core.store import ProgressStore

OUTLINE = load_outline()
BANKS = load_bank()
QUESTIONS = {q.id: q for b in BANKS.values() for q in b.questions}


def finish_page(store: ProgressStore, page_id: str) -> None:
    """Open a page and answer everything on it, rightly."""
    store.visit(page_id)
    for item in items_on(OUTLINE.page(page_id), BANKS):
        if item in QUESTIONS:
            store.save_answer(item, "x", True, QUESTIONS[item].points, QUESTIONS[item].points)
        else:
            store.save_reflection(item, "A reflection of a whole sentence.")


def test_the_first_try_is_kept_beside_the_last_and_scored_apart(tmp_path):
    store = ProgressStore("trainee-1", tmp_path)
    store.save_answer("m1-six-steps", "a", False, 0, 1)
    store.save_answer("m1-six-steps", "b", True, 1, 1)
    summary = summarise(store.current(), BANKS)
    module1 = next(m for m in summary.modules if m.module == "1")
    assert (module1.points, module1.first_points) == (1, 0)
    assert (summary.points, summary.first_points) == (1, 0)


def test_the_course_is_complete_only_with_every_page_visited_and_every_check_answered(
    tmp_path,
):
    store = ProgressStore("trainee-1", tmp_path)
    left = left_to_do(store.current(), OUTLINE, BANKS)
    assert not left.complete
    assert left.checks == len(
        [q for q in QUESTIONS if any(q in items_on(p, BANKS) for p in OUTLINE.pages())]
    )
    for page in OUTLINE.pages():
        if page.id != FINISH:
            finish_page(store, page.id)
    assert left_to_do(store.current(), OUTLINE, BANKS).complete

    # One unanswered check on 1.2 and one page never opened: both named.
    other = ProgressStore("trainee-2", tmp_path)
    for page in OUTLINE.pages():
        if page.id not in {FINISH, "1.2", "2.1"}:
            finish_page(other, page.id)
    other.visit("1.2")
    left = left_to_do(other.current(), OUTLINE, BANKS)
    assert [(p.id, n > 0) for p, n in left.pages] == [("1.2", True), ("2.1", True)]
    intro_missing = ProgressStore("trainee-3", tmp_path)
    for page in OUTLINE.pages():
        if page.id not in {FINISH, "intro"}:
            finish_page(intro_missing, page.id)
    left = left_to_do(intro_missing.current(), OUTLINE, BANKS)
    assert [p.id for p in left.unvisited] == ["intro"] and not left.unanswered


def test_continue_leads_to_the_next_unfinished_page_not_the_one_just_finished(tmp_path):
    store = ProgressStore("trainee-1", tmp_path)
    ids = [p.id for p in OUTLINE.pages()]
    for page_id in ids[: ids.index("1.2") + 1]:
        finish_page(store, page_id)
    assert next_unfinished(store.current(), "1.2", OUTLINE, BANKS).id == "1.3"

    store.visit("2.1")  # opened, its checks not answered: Continue goes back to it
    assert next_unfinished(store.current(), "2.1", OUTLINE, BANKS).id == "2.1"

    fresh = ProgressStore("trainee-2", tmp_path)
    for page_id in ids:
        if page_id != "1.1":
            finish_page(fresh, page_id)
    assert next_unfinished(fresh.current(), FINISH, OUTLINE, BANKS).id == "1.1"  # wraps round
    finish_page(fresh, "1.1")
    assert next_unfinished(fresh.current(), FINISH, OUTLINE, BANKS) is None
