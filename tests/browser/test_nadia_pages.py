"""Nadia's step 1, step 4 and summary in Debian's Chromium, as a trainee meets them: the forms
wait until the decisions are answered, a refusal caused on step 1 is said there and on step 4
with a link back to the decision, and the summary shows the file only as far as the trainee
has gone. Screenshots at a laptop's and a phone's width go to artifacts/screenshots/."""

from __future__ import annotations

import pytest
import servers
from servers import SHOTS, new_page, served, shown

pytestmark = pytest.mark.browser

APP = "course/index.ipynb?page="
WITHOUT_MENTAL_HEALTH = [
    "a. Cash assistance",
    "b. Education (formal)",
    "e. Livelihoods",
    "g. Non-formal education",
    "h. Psychosocial support",
]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with served(tmp_path_factory.mktemp("nadia")) as base:
        yield base


def question(page, words: str):
    return page.locator(".cm-question", has_text=words)


def check_it(part) -> None:
    part.get_by_role("button", name="Check my answer").click()
    part.locator(".cm-feedback").wait_for()


def answer_step_1(page) -> None:
    """Every decision of step 1 answered, Mental health left unticked on the consent form."""
    eligible = question(page, "eligibility criteria")
    eligible.get_by_role("radio", name="a. Yes").check()
    check_it(eligible)
    consent = question(page, "Part 3 of Nadia")
    for box in WITHOUT_MENTAL_HEALTH:
        consent.get_by_role("checkbox", name=box).check()
    check_it(consent)
    concerns = question(page, "Section 5 of the registration")
    for box in ["c. Psychosocial distress", "d. Mental disorder", "f. Child marriage"]:
        concerns.get_by_role("checkbox", name=box).check()
    check_it(concerns)
    risk = question(page, "Section 6 of the registration")
    risk.get_by_role("radio", name="a. High").check()
    check_it(risk)
    reasons = page.locator(".cm-reflection", has_text="summary of reasons")
    reasons.get_by_label("Your reflection:").fill(
        "She is at risk of child marriage and distressed."
    )
    reasons.get_by_role("button", name="Save my reflection").click()
    due = question(page, "comprehensive assessment be done")
    due.get_by_label("Your answer:").fill("05/09/2022")
    check_it(due)


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def no_sideways_scroll(page) -> bool:
    """The page fits the screen's width; what is wider (a table, the time line) scrolls in a
    box of its own, and nothing of the trainee's file panel is cut off."""
    return page.evaluate(
        """() => document.scrollingElement.scrollWidth <= window.innerWidth + 1
        && [...document.querySelectorAll('.cm-yourfile')].every(
             (e) => e.scrollWidth <= e.clientWidth + 1)
        && [...document.querySelectorAll('.cm-app-content table')].every((t) => {
             const box = t.closest('.cm-scroll, [role=group], .cm-paper');
             return t.scrollWidth <= t.parentElement.clientWidth + 1
               || (box && getComputedStyle(box).overflowX === 'auto');
           })"""
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_nadia_step_1_then_4_then_the_summary_as_a_trainee_meets_them(base, browser, width):
    context, page = new_page(browser, width)
    page.goto(base + APP + "nadia-1")
    servers.sign_in(page, f"Nadia Reader {'Laptop' if width > 500 else 'Phone'}")
    shown(page, "Nadia, step 1")
    forms = page.locator(".cm-reference")
    forms.locator("text=appear here once you have answered 6 more").wait_for()
    assert forms.locator("details").count() == 0  # the completed forms wait for the answers
    story = page.inner_text(".cm-app-content")
    assert "finds the case eligible" not in story

    answer_step_1(page)
    forms.locator("details.cm-paper").nth(1).wait_for()  # shown without a reload
    assert "finds the case eligible" in forms.inner_text()
    panel = page.locator(".cm-yourfile")
    alert = panel.get_by_role("alert")
    alert.wait_for()
    said = alert.inner_text()
    assert "refused later in your file, at step 4" in said
    assert "You did not tick Mental health" in said
    feedback = question(page, "Part 3 of Nadia").locator(".cm-feedback").inner_text()
    assert "f. Mental health (you did not tick it)" in feedback
    assert "a. Cash assistance (you ticked it)" in feedback
    page.screenshot(path=str(SHOTS / f"nadia_step1_answered_{width}.png"), full_page=True)
    panel.screenshot(path=str(SHOTS / f"nadia_step1_refusal_{width}.png"))
    assert no_sideways_scroll(page)

    alert.get_by_role("link", name="Your answer on this page").click()
    page.wait_for_function("document.activeElement.id === 'q-nadia-1-consent-services'")
    assert "page=nadia-1" in page.url  # no page turn

    page.goto(base + APP + "nadia-4")
    shown(page, "Nadia, step 4")
    stop = page.locator(".cm-yourfile").get_by_role("alert")
    stop.wait_for()
    assert "Your file stops here, at step 4" in stop.inner_text()
    page.locator(".cm-yourfile").screenshot(path=str(SHOTS / f"nadia_step4_stop_{width}.png"))
    stop.get_by_role("link", name="Your answer on step 1").click()
    shown(page, "Nadia, step 1")
    page.wait_for_function("document.activeElement.id === 'q-nadia-1-consent-services'")
    assert page.url.endswith("?page=nadia-1#q-nadia-1-consent-services")

    consent = question(page, "Part 3 of Nadia")
    consent.get_by_role("checkbox", name="f. Mental health").check()
    consent.get_by_role("button", name="Check my answer").click()
    page.locator(".cm-yourfile [role=alert]").wait_for(state="detached")  # the refusal goes
    assert "accept every step" in page.locator(".cm-yourfile").inner_text()

    page.goto(base + APP + "nadia-summary")
    shown(page, "Nadia's case")
    page.locator("text=Complete step 2").first.wait_for()
    summary = page.inner_text(".cm-app-content")
    assert "CM-2022-0417" in summary and "12/12/2027" not in summary
    assert "Case review" not in summary
    page.locator(".cm-app-content img[alt^='Timeline of case']").first.wait_for()
    page.screenshot(path=str(SHOTS / f"nadia_summary_after_step1_{width}.png"), full_page=True)
    assert no_sideways_scroll(page)
    context.close()
