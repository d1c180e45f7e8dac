"""The pre-learning assessment in Chromium, as a trainee takes it: no feedback before the
course, the score hidden until the post-test, then the gain question by question."""

from __future__ import annotations

from pathlib import Path

import pytest
import servers
from servers import SHOTS, served, shown

from cmcourse.core import learningcheck as lc

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
APP = "course/index.ipynb"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("learning")
    with served(data) as base:
        yield base + APP


def label(question, right: bool) -> str:
    if question.type == "true_false":
        return str(question.answer if right else not question.answer)
    chosen = (
        question.answer
        if right
        else next(o.id for o in question.options if o.id != question.answer)
    )
    return next(f"{o.id}. {o.text}" for o in question.options if o.id == chosen)


def take(page, right: set[str]) -> None:
    for n, question in enumerate(lc.items()):
        box = page.locator(".cm-question").nth(n)
        box.get_by_role("radio", name=label(question, question.id in right), exact=True).check()
        box.get_by_role("button", name="Save my answer").click()
        box.get_by_text("Answer saved").wait_for()
        assert "Not quite" not in box.inner_text() and "Correct" not in box.inner_text()


def test_a_trainee_takes_the_pretest_then_sees_the_gain_after_the_course(server, browser):
    ids = lc.item_ids()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(server + "?page=pretest")
    servers.sign_in(page, "Zainab Farah")
    shown(page, "Before you start")
    page.locator(".cm-who", has_text="Signed in as Zainab Farah").wait_for()
    take(page, right=set(ids[:3]))
    page.get_by_text("Pre-test finished").wait_for()
    assert "3 of 10" not in page.inner_text(".cm-app-content")  # the score stays hidden
    assert page.get_by_role("button", name="Save my answer").first.is_disabled()
    page.screenshot(path=str(SHOTS / "pretest-laptop.png"), full_page=True)

    page.goto(server + "?page=posttest")
    shown(page, "After the course")
    take(page, right=set(ids[:8]))
    gain = page.locator(".cm-gain")
    gain.get_by_text("a gain of 5 points").wait_for()
    assert "Before the course: 3 of 10" in gain.inner_text()
    page.set_viewport_size({"width": 375, "height": 800})
    gain.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "posttest-phone.png"), full_page=False)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone ({width} px)"

    # Reloaded, the finished pre-test stays as it was: answers kept, nothing to change.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server + "?page=pretest")
    shown(page, "Before you start")
    page.get_by_text("Pre-test finished").wait_for()
    assert page.get_by_role("button", name="Save my answer").first.is_disabled()
    context.close()
