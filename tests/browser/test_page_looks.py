"""A course, not a notebook, in Chromium at a laptop's and a phone's width: the course's bar
stays at the top while the page scrolls, a page turn starts at the top, the window scrolls
from the keyboard, a lesson, a question, feedback and the points to consider look different,
and the results table keeps its words whole, and the keyboard's place is plain to see."""

from __future__ import annotations

import itertools

import pytest
from servers import answer, new_page, served, shown, sign_in

pytestmark = pytest.mark.browser

WIDTHS = (1280, 390)
NAMES = (f"Wanjiru Kamau {n}" for n in itertools.count(1))  # a new trainee for each test


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with served(tmp_path_factory.mktemp("looks")) as base:
        yield base


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def page(request, base, browser):
    context, page = new_page(browser, request.param)
    page.goto(base + "course/index.ipynb?page=1.2")
    sign_in(page, next(NAMES))
    shown(page, "1.2 Core steps")
    yield page
    context.close()


def bar_top(page) -> float:
    box = page.locator(".cm-header").bounding_box()
    assert box is not None, "the course's bar is not shown"
    return box["y"]


def test_the_course_bar_stays_at_the_top_and_a_page_turn_starts_at_the_top(page):
    page.locator(".cm-app-content .cm-footer").first.wait_for()  # the whole page is there
    page.locator(".cm-app-content h1").click()  # the page has the keyboard, as after a click
    for _ in range(3):
        page.keyboard.press("PageDown")
    page.wait_for_function("scrollY > 1000")  # the window scrolls from the keyboard
    assert bar_top(page) == 0
    bar = page.locator(".cm-header").inner_text()
    assert "CM 101" in bar and "Course" in bar  # the course and its progress, in view
    page.get_by_role("link", name="Next: 1.3").last.click()
    shown(page, "1.3 Guiding principles")
    assert page.evaluate("scrollY") == 0
    heading = page.locator(".cm-app-content h1").bounding_box()
    assert heading is not None and heading["y"] > bar_top(page)  # not hidden under the bar


KIND = """el => { const s = getComputedStyle(el);
  return s.backgroundColor + ' ' + s.borderLeftColor + ' ' + s.borderLeftWidth; }"""


def test_lesson_question_feedback_and_points_to_consider_look_different(page):
    answer(page, "a. Intake")  # wrong: its feedback shows
    page.locator(".cm-question .cm-wrong").wait_for()
    reflection = page.locator(".cm-reflection")
    reflection.locator("textarea").fill(
        "The steps make sure no need of the child is missed and each service is followed up."
    )
    reflection.get_by_role("button", name="Save my reflection").click()
    reflection.locator(".cm-guidance").wait_for()
    looks = {
        "lesson": page.locator(".jp-RenderedMarkdown").first.evaluate(
            "el => getComputedStyle(el.closest('.jp-OutputArea-output') || el).backgroundColor"
        ),
        "question": page.locator(".cm-question").last.evaluate(KIND),
        "reflection": reflection.evaluate(KIND),
        "feedback": page.locator(".cm-question .cm-wrong").evaluate(KIND),
        "points to consider": reflection.locator(".cm-guidance").evaluate(KIND),
    }
    assert len(set(looks.values())) == len(looks), looks


WORDS_CUT = """table => [...table.querySelectorAll('th, td')].flatMap(cell => {
  const probe = document.createElement('span');
  probe.style.whiteSpace = 'nowrap';
  cell.appendChild(probe);
  const cut = cell.textContent.split(/\\s+/).filter(word => {
    probe.textContent = word;
    return word && probe.getBoundingClientRect().width > cell.clientWidth;
  });
  probe.remove();
  return cut;
})"""


def test_the_results_table_keeps_its_words_whole(page):
    page.goto(page.url.split("?")[0] + "?page=results")
    shown(page, "Course summary")
    table = page.locator("table.cm-results")
    assert "Case Management Supervision" in table.inner_text()
    assert table.evaluate(WORDS_CUT) == []


CONTRAST = """c => { const [r, g, b] = c.match(/\\d+/g).slice(0, 3).map(v => {
    v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
  return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05); }"""


def test_the_keyboards_place_is_plain_to_see(page):
    link = page.get_by_role("link", name="Next: 1.3").last
    link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus from the keyboard: the ring is drawn
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    width = page.evaluate("parseFloat(getComputedStyle(document.activeElement).outlineWidth)")
    assert width >= 2
    assert page.evaluate(f"({CONTRAST})('{ring}')") >= 3  # against the page's white
