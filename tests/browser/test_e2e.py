"""End to end in Debian's Chromium, driven by Playwright, against a Voilà server started here
(the `browser` fixture is in conftest.py).

Screenshots of what a trainee sees are saved in artifacts/screenshots/.
"""

from __future__ import annotations

import base64
import urllib.request
from pathlib import Path

import nbformat
import pytest
import servers
from builders import signed_in
from servers import SHOTS, kernels, served, start_voila

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("progress")
    with served(data) as base:
        yield base, data


def sign_in(page, base, name):
    # A page starts its own kernel: on a busy 2-core machine that can take longer than
    # Playwright's default 30 s, so every step of these tests may take a minute.
    page.set_default_timeout(60_000)
    page.goto(base + "course/index.ipynb")
    servers.sign_in(page, name)
    page.wait_for_selector(f"text=Welcome, {name}")


def open_page(page, url):
    page.goto(url)
    page.wait_for_selector(".cm-header", timeout=60_000)


def test_a_trainee_journey_from_sign_in_to_certificate(server, browser):
    base, _data = server
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()

    # An absurd name gets a plain message, then a real name signs in.
    page.goto(base + "course/index.ipynb")
    servers.sign_in(page, "<<<>>>")
    page.wait_for_selector("text=cannot be part of a name")
    sign_in(page, base, "Amina Yusuf")
    page.screenshot(path=str(SHOTS / "landing.png"), full_page=True)
    assert "Traceback" not in page.content()

    # A wrong answer, then the right one, each with its feedback.
    open_page(page, base + "course/module1/1_1_what_is_case_management.ipynb")
    page.get_by_role("radio", name="f. a and b").check()
    page.get_by_role("button", name="Check my answer").click()
    wrong = page.wait_for_selector(".cm-wrong").inner_text()
    assert "Not quite" in wrong and "coordination, accountability and one key worker" in wrong
    page.get_by_role("radio", name="g. All of the above").check()
    page.get_by_role("button", name="Check my answer").click()
    right = page.wait_for_selector(".cm-right").inner_text()
    assert "Correct" in right and "All five are the Guidelines' key points" in right
    page.get_by_label("Your reflection:").fill("Where trained, supervised staff can follow up.")
    page.get_by_role("button", name="Save my reflection").click()
    page.wait_for_selector(".cm-guidance")
    page.locator(".cm-question").first.screenshot(path=str(SHOTS / "module_question.png"))
    page.screenshot(path=str(SHOTS / "module_page.png"), full_page=True)

    # Reload: progress restored.
    open_page(page, page.url)
    page.wait_for_selector(".cm-right")
    assert page.get_by_role("radio", name="g. All of the above").is_checked()
    assert "supervised staff" in page.get_by_label("Your reflection:").input_value()

    # Take a break on 1.2, come back to the map, continue where left off.
    open_page(page, base + "course/module1/1_2_core_steps.ipynb")
    page.get_by_role("button", name="Take a break and continue later").click()
    page.wait_for_selector("text=Your progress is saved")
    page.goto(base + "course/index.ipynb")
    link = page.get_by_role("link", name="Continue where you left off: 1.2 Core steps")
    with page.expect_navigation(timeout=60_000):
        link.click()
    page.wait_for_selector("h1:has-text('1.2 Core steps')", timeout=60_000)

    # Submit results mid-course: asked first, told what is still to do and that no
    # certificate comes of it; "Not yet" changes nothing; then submitted once.
    open_page(page, base + "course/results.ipynb")
    assert "Where trained, supervised staff" in page.inner_text("body")
    assert "Still to do for your certificate" in page.inner_text("body")
    page.get_by_role("button", name="Submit results…").click()
    ask = page.get_by_role("alertdialog", name="Submit your results?")
    assert "You get no certificate for it" in ask.inner_text()
    page.get_by_role("button", name="Not yet").click()
    ask.wait_for(state="hidden")
    assert not list((_data / "workshop" / "submitted").glob("amina-yusuf-*"))
    page.get_by_role("button", name="Submit results…").click()
    page.get_by_role("button", name="Yes, submit my results").dblclick()
    page.wait_for_selector("text=Results submitted")
    assert "No certificate this time" in page.inner_text("body")
    assert "handed in to your trainer for grading" in page.inner_text("body")
    handed = list((_data / "workshop" / "submitted").glob("amina-yusuf-*/module1/module1.ipynb"))
    assert len(handed) == 1
    cells = {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in nbformat.read(handed[0], as_version=4).cells
    }
    assert '"g"' in cells["answer-m1-key-messages"]
    # Kept on the page: the attempt submitted, its reflections (a double click submitted once).
    assert page.locator(".cm-submissions li").count() == 1
    link = page.locator("a:has-text('My reflections (JSON)')")
    data = base64.b64decode(link.get_attribute("href").split(",", 1)[1])
    assert "supervised staff" in data.decode()
    page.goto(base + "course/index.ipynb")
    page.wait_for_selector("text=attempt number 2")
    assert "Continue where you left off" not in page.inner_text(".cm-map")
    context.close()


def test_two_trainees_see_only_their_own_progress(server, browser):
    base, data = server
    first = browser.new_context()
    second = browser.new_context()
    a, b = first.new_page(), second.new_page()
    sign_in(a, base, "Trainee One")
    sign_in(b, base, "Trainee Two")
    open_page(a, base + "course/module1/1_2_core_steps.ipynb")
    servers.answer(a, "c. Identification - Registration")
    a.wait_for_selector(".cm-wrong")
    open_page(b, base + "course/module1/1_2_core_steps.ipynb")
    assert "Trainee Two" in b.inner_text(".cm-who")
    assert b.locator(".cm-feedback").count() == 0
    assert not b.get_by_role("radio", name="c. Identification - Registration").is_checked()
    files = sorted((data / "trainees").glob("*.sqlite"))
    assert len(files) >= 2
    first.close()
    second.close()


def test_the_answer_key_is_not_served_to_browsers(server):
    base, _ = server
    root = base.split("/voila/render/")[0]
    for path in ("/voila/files/course/bank/module1.yaml", "/files/course/bank/module1.yaml"):
        try:
            with urllib.request.urlopen(root + path, timeout=10) as reply:
                body = reply.read().decode(errors="replace")
        except OSError:
            continue
        assert "answer: g" not in body


def test_a_page_works_where_the_internet_never_answers(server, browser):
    """In a camp the line may be down or held by a captive portal: nothing a page needs may
    come from outside the course's server, or the browser waits on it before drawing."""
    base, _ = server
    context = browser.new_context()
    outside = []

    def hold(route):  # never answered, as a dead satellite link or a captive portal
        outside.append(route.request.url)

    context.route(lambda url: not url.startswith("http://127.0.0.1:"), hold)
    page = context.new_page()
    sign_in(page, base, "Offline Trainee")
    open_page(page, base + "course/module1/1_2_core_steps.ipynb")
    servers.answer(page, "b. Identification and registration")
    page.wait_for_selector(".cm-right")
    assert outside == []
    context.close()


def test_a_question_can_be_answered_with_the_keyboard_alone(server, browser):
    base, _ = server
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, base, "Keyboard User")
    open_page(page, base + "course/module1/1_2_core_steps.ipynb")
    page.get_by_role("radio", name="a. Intake - Case Planning").focus()
    page.keyboard.press("ArrowDown")  # moves to and selects option b
    assert page.get_by_role("radio", name="b. Identification and registration").is_checked()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Check my answer":
            break
    page.keyboard.press("Enter")
    assert "Correct" in page.wait_for_selector(".cm-right").inner_text()
    context.close()


def test_every_control_has_a_label(server, browser):
    base, _ = server
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, base, "Label Checker")
    open_page(page, base + "course/module1/1_2_core_steps.ipynb")
    page.wait_for_selector(".cm-reflection")
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea, button')]
             .filter(e => e.offsetParent !== null)
             .filter(e => !((e.labels && e.labels.length) || e.getAttribute('aria-label')
                            || e.getAttribute('title') || e.textContent.trim()))
             .map(e => e.outerHTML.slice(0, 80))"""
    )
    assert unlabelled == []
    context.close()


def test_pages_are_usable_at_200_percent_zoom(server, browser):
    base, _ = server
    # A 1280 x 900 window at 200% zoom lays pages out in 640 x 450 CSS pixels.
    context = browser.new_context(viewport={"width": 640, "height": 450}, device_scale_factor=2)
    page = context.new_page()
    sign_in(page, base, "Zoom User")
    for path, shot in (
        ("course/index.ipynb", "zoom200_map.png"),
        ("course/module1/1_1_what_is_case_management.ipynb", "zoom200_page.png"),
    ):
        page.goto(base + path)
        page.wait_for_selector(".cm-map, .cm-header")
        page.wait_for_timeout(500)
        overflow = page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} scrolls sideways by {overflow}px at 200% zoom"
        page.screenshot(path=str(SHOTS / shot))
    page.get_by_role("radio", name="g. All of the above").check()
    page.get_by_role("button", name="Check my answer").click()
    page.wait_for_selector(".cm-right")
    context.close()


def test_a_plain_page_load_leaves_no_kernel_running_for_long(tmp_path):
    """Voilà starts a kernel even for a plain HTTP GET; idle kernels are culled."""
    import time

    proc, base = start_voila(tmp_path, cull_idle=4)
    try:
        url = base + "course/index.ipynb"

        def running() -> int:
            return len(kernels(proc.pid))

        _trainee, cookie = signed_in(tmp_path, "Plain Loader")
        request = urllib.request.Request(url, headers={"Cookie": cookie})
        with urllib.request.urlopen(request, timeout=60) as reply:
            assert "Introduction to the Inter-Agency Guidelines" in reply.read().decode()
        assert running() >= 1
        deadline = time.monotonic() + 40
        while running() and time.monotonic() < deadline:
            time.sleep(1)
        assert running() == 0
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_nadia_decision_is_answered_back_by_the_rules_at_once(server, browser):
    """A decision that breaks a rule shows the refusal under the questions without a reload,
    and the right decision clears it; both are kept after a reload."""
    base, _data = server
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, base, "Samera Trainee")
    open_page(page, base + "casestudies/nadia/step1.ipynb")
    panel = page.locator(".cm-yourfile")
    panel.locator("text=The case management rules accept every step").wait_for()

    question = page.locator(".cm-question", has_text="meet the eligibility criteria")
    question.get_by_role("radio", name="b. No: she lives with both parents").check()
    question.get_by_role("button", name="Check my answer").click()
    alert = panel.get_by_role("alert")
    alert.wait_for()
    assert "Only eligible children are registered" in alert.inner_text()
    assert "Registration form" in panel.inner_text() or "1.B" in panel.inner_text()
    panel.screenshot(path=str(SHOTS / "nadia_refusal.png"))

    open_page(page, page.url)  # the refusal is computed from the saved answer
    page.locator(".cm-yourfile").get_by_role("alert").wait_for()
    question = page.locator(".cm-question", has_text="meet the eligibility criteria")
    question.get_by_role("radio", name="a. Yes: she is at risk").check()
    question.get_by_role("button", name="Check my answer").click()
    accepted = "text=The case management rules accept every step"
    page.locator(".cm-yourfile").locator(accepted).wait_for()
    assert "Traceback" not in page.content()
    context.close()


def test_a_preheated_page_waits_for_the_trainee_who_asks_for_it(tmp_path, browser):
    """A preheated kernel runs its page before anyone asks: it must still show the progress
    of the trainee whose browser asked, never the next one's, whether the pool is full or dry."""
    import time

    from cmcourse.core.accounts import registered_session
    from cmcourse.core.identity import COOKIE
    from cmcourse.core.store import ProgressStore

    app = "course/index.ipynb"  # the course app: the one page with a pool (make serve)
    proc, base = start_voila(tmp_path, preheat=1, preheated=[app])
    try:
        deadline = time.monotonic() + 90  # the pool's kernel starts and runs the page
        while not kernels(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(5)
        people = {}
        for name, answer in (("Preheat One", "c"), ("Preheat Two", None)):
            trainee, token = registered_session(tmp_path, name)  # signed in, as by the server
            if answer:
                ProgressStore(trainee, tmp_path).save_answer("m1-six-steps", answer, False, 0, 1)
            context = browser.new_context()
            cookie = {"name": COOKIE, "value": token, "domain": "127.0.0.1", "path": "/"}
            context.add_cookies([cookie])
            people[name] = context
        for name, context in people.items():  # the first finds the pool full, the next dry
            page = context.new_page()
            page.set_default_timeout(60_000)
            page.goto(base + app + "?page=1.2")
            page.locator(".cm-app-content h1", has_text="1.2 Core steps").wait_for()
            page.locator(".cm-who", has_text=name).wait_for()
            radio = page.get_by_role("radio", name="c. Identification - Registration")
            if name == "Preheat One":
                page.wait_for_selector(".cm-wrong")
                assert radio.is_checked()
            else:
                assert page.locator(".cm-feedback").count() == 0 and not radio.is_checked()
            context.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
