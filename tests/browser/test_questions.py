"""Questions on a phone, in Chromium: every control big enough to touch, the question in the
lesson's type, the menus' empty choice named and out of type-ahead's way, and feedback that
goes when the answer changes."""

from __future__ import annotations

import pytest
from servers import new_page, shown, sign_in, start_voila

pytestmark = pytest.mark.browser

CONTROLS = """() => [...document.querySelectorAll(
  '.cm-app-content button, .cm-app-content select, .cm-app-content input, .cm-app-content textarea'
  )].map(el => {
    const target = ['radio', 'checkbox'].includes(el.type) ? el.closest('label') : el;
    const box = target.getBoundingClientRect();
    const text = (el.textContent || el.value || '').slice(0, 30);
    return {what: el.tagName + ' ' + (el.type || '') + ' ' + text,
            width: box.width, height: box.height};
  })"""


@pytest.fixture(scope="module")
def lesson(tmp_path_factory, browser):
    data = tmp_path_factory.mktemp("questions")
    proc, base = start_voila(data)
    context, page = new_page(browser, 390)
    page.goto(base + "course/index.ipynb?page=1.2")
    sign_in(page, "Neema Juma")
    shown(page, "1.2 Core steps")
    page.locator(".cm-reflection textarea").wait_for()
    yield page
    context.close()
    proc.terminate()
    proc.wait(timeout=30)


def test_every_control_on_a_phone_is_at_least_44_by_44_px(lesson):
    controls = lesson.evaluate(CONTROLS)
    assert len(controls) >= 10  # six menus, the radios, the buttons, the reflection box
    small = [c for c in controls if c["width"] < 44 or c["height"] < 44]
    assert small == []


def test_the_question_reads_in_the_lessons_type_and_the_reflection_in_the_pages_font(lesson):
    sizes = lesson.evaluate(
        """() => [getComputedStyle(document.querySelector('.cm-prompt')).fontSize,
                  getComputedStyle(document.querySelector('.jp-RenderedMarkdown p')).fontSize,
                  getComputedStyle(document.querySelector('.cm-reflection textarea')).fontFamily]"""
    )
    assert sizes[0] == sizes[1]
    assert "monospace" not in sizes[2]


def test_the_empty_choice_is_named_and_typing_a_letter_never_lands_on_it(lesson):
    menu = lesson.get_by_label("Position 1")
    chosen = "m => m.options[m.selectedIndex].text.replaceAll('\\u00a0', ' ')"
    assert menu.evaluate(chosen) == "— choose the item —"
    menu.focus()
    lesson.keyboard.press("c")  # type-ahead: "choose…" used to catch this
    assert menu.evaluate(chosen).startswith("Case")


def test_feedback_goes_when_the_answer_changes(lesson):
    question = lesson.locator(".cm-question", has_text="what are the six core steps")
    question.get_by_role("radio").first.check()
    question.get_by_role("button", name="Check my answer").click()
    feedback = question.locator(".cm-feedback")
    feedback.wait_for()
    question.get_by_role("radio").nth(1).check()
    feedback.wait_for(state="detached")
