"""The course as one app (cmcourse/core/app.py), in Debian's Chromium against a real Voilà:
every page turn happens inside one page and one kernel, and the browser behaves as on a
website (address, Back and Forward, reload, links), with faults kept small."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import servers
import yaml
from builders import write_notebook
from servers import SHOTS, STDERR, answer, kernels, new_page, shown, start_voila

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
APP = "course/index.ipynb"
BROKEN_TITLE = "A page whose notebook fails"


def broken_course(folder: Path) -> Path:
    """The course's outline with one page added right after the introduction, whose notebook
    raises half-way (as a page with a mistake in it would)."""
    notebook = write_notebook(
        folder / "broken.ipynb",
        ("code", 'from cmcourse import course_page\n\npage = course_page("broken")'),
        ("markdown", "# A page whose notebook fails\n\nThe first part of the page is shown."),
        ("code", "1 / 0"),
        ("markdown", "This part is never reached."),
    )
    outline = yaml.safe_load((ROOT / "course" / "outline.yaml").read_text(encoding="utf-8"))
    outline["parts"][0]["pages"].insert(
        1, {"id": "broken", "title": BROKEN_TITLE, "path": str(notebook)}
    )
    path = folder / "outline.yaml"
    path.write_text(yaml.safe_dump(outline), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    data = tmp_path_factory.mktemp("app")
    env = {"CM101_OUTLINE": str(broken_course(data)), "CM101_HEARTBEAT_SECONDS": "1"}
    proc, base = start_voila(data, env=env)
    yield proc, base + APP, data
    proc.terminate()
    proc.wait(timeout=30)


def sign_in(page, name: str) -> None:
    """Sent to the sign-in page, start as a new trainee: back on the page asked for."""
    assert "/cm101/sign-in" in page.url
    servers.sign_in(page, name)
    page.locator(".cm-who", has_text=f"Signed in as {name}").wait_for()


def nadia_step_1_done(data: Path, name: str) -> None:
    """Step 1 of Nadia's case study answered, as this signed-in trainee would have."""
    from cmcourse.core.accounts import Accounts
    from cmcourse.core.bank import Reflection, check, load_bank, right_answer
    from cmcourse.core.store import ProgressStore

    (trainee,) = Accounts(data).named(name)
    store = ProgressStore(trainee.id, data)
    for item in [*load_bank()["nadia"].questions, *load_bank()["nadia"].reflections]:
        if item.section != "nadia-1":
            continue
        if isinstance(item, Reflection):
            store.save_reflection(item.id, "Her risk reasons, in my own words here.")
        else:
            answer = right_answer(item)
            result = check(item, answer)
            store.save_answer(item.id, answer, result.correct, result.points, result.out_of)


def turn(page, link: str, heading: str) -> None:
    page.get_by_role("link", name=link).first.click()
    shown(page, heading)


def test_a_visit_from_the_map_to_the_results_in_one_page(app, browser):
    """Sign in on the map, read and answer with the app's links only, and submit: the browser
    never loads a new page, and the address, title and focus follow each turn."""
    _proc, url, data = app
    context, page = new_page(browser)
    page.goto(url)
    sign_in(page, "Amina Yusuf")
    shown(page, "CM 101")
    page.evaluate("window.cmSamePage = true")  # gone if the browser loads a page

    turn(page, "Welcome, course outline and how the course works", "Welcome")
    assert page.url.endswith("?page=intro")
    turn(page, f"Next: {BROKEN_TITLE}", BROKEN_TITLE)
    assert "The first part of the page is shown." in page.inner_text(".cm-app-content")
    assert page.locator(".cm-app-content .cm-error").count() == 1
    assert "never reached" not in page.inner_text(".cm-app-content")
    page.screenshot(path=str(SHOTS / "app_broken_page.png"), full_page=True)
    turn(page, "Next: Before you start", "Before you start")  # the page after it works
    turn(page, "Next: Module 1", "Module 1")
    turn(page, "Next: 1.1 What is case management?", "1.1 What is case management?")
    assert page.url.endswith("?page=1.1") and page.title().startswith("1.1 What is case")
    focused = page.evaluate(
        "document.activeElement.tagName + ':' + document.activeElement.textContent"
    )
    assert focused.startswith("H1:1.1 What is case management?")
    assert page.evaluate("window.scrollY") == 0
    answer(page, "g. All of the above")
    page.locator(".cm-right").wait_for()
    page.get_by_label("Your reflection:").fill("Where trained, supervised staff can follow up.")
    page.get_by_role("button", name="Save my reflection").click()
    page.locator(".cm-guidance").wait_for()
    turn(page, "Next: 1.2 Core steps", "1.2 Core steps")
    page.screenshot(path=str(SHOTS / "app_page.png"), full_page=True)

    turn(page, "Course map", "CM 101")
    assert "Continue where you left off: 1.2" in page.inner_text(".cm-map")
    # Nadia's whole file (as far as the trainee has gone: step 1, saved here as the trainee
    # would have answered it): shown at once, its PDF link follows when written.
    nadia_step_1_done(data, "Amina Yusuf")
    turn(page, "Nadia's case file, replayed", "Nadia's case")
    page.locator("a[download='nadia-case-file.pdf']").wait_for()
    turn(page, "Course map", "CM 101")
    turn(page, "Course summary, submit results", "Course summary")
    assert "Where trained, supervised staff" in page.inner_text(".cm-app-content")
    page.get_by_role("button", name="Submit results…").click()
    page.get_by_role("button", name="Yes, submit my results").click()
    page.locator("a:has-text('My reflections (JSON)')").wait_for()
    assert page.evaluate("window.cmSamePage") is True
    page.screenshot(path=str(SHOTS / "app_results.png"), full_page=True)
    context.close()


def test_back_forward_reload_and_links_behave_as_on_a_website(app, browser):
    _proc, url, _data = app
    context, page = new_page(browser)
    page.goto(url + "?page=1.2")  # a shared link: signed in first, then that page
    sign_in(page, "Bashir Noor")
    shown(page, "1.2 Core steps")
    answer(page, "c. Identification - Registration")
    page.locator(".cm-wrong").wait_for()
    page.evaluate("window.cmSamePage = true")
    turn(page, "Next: 1.3", "1.3 Guiding principles")
    turn(page, "Next: 1.4", "1.4 Case management practices")

    page.go_back()
    shown(page, "1.3 Guiding principles")
    assert page.url.endswith("?page=1.3")
    page.go_back()
    shown(page, "1.2 Core steps")
    page.go_forward()
    shown(page, "1.3 Guiding principles")
    assert page.evaluate("window.cmSamePage") is True

    page.go_back()
    shown(page, "1.2 Core steps")
    page.reload()  # the same page, signed in, the answer restored
    shown(page, "1.2 Core steps")
    page.locator(".cm-wrong").wait_for()
    assert page.get_by_role("radio", name="c. Identification - Registration").is_checked()
    assert "Bashir Noor" in page.inner_text(".cm-who")

    page.goto(url + "?page=1.9")  # a mistyped link: the map, saying so
    shown(page, "CM 101")
    assert "no page of the course at that address" in page.inner_text(".cm-app-content")
    page.wait_for_url(lambda address: "?page=" not in address)  # the address names the map
    context.close()


def test_two_trainees_each_see_only_their_own_work(app, browser):
    _proc, url, _data = app
    (a_context, a), (b_context, b) = new_page(browser), new_page(browser)
    for page, name in ((a, "Trainee One"), (b, "Trainee Two")):
        page.goto(url + "?page=1.2")
        sign_in(page, name)
        shown(page, "1.2 Core steps")
    answer(a, "c. Identification - Registration")
    a.locator(".cm-wrong").wait_for()
    b.reload()
    shown(b, "1.2 Core steps")
    assert "Trainee Two" in b.inner_text(".cm-who")
    assert b.locator(".cm-feedback").count() == 0
    assert not b.get_by_role("radio", name="c. Identification - Registration").is_checked()
    a_context.close()
    b_context.close()


def test_a_lost_connection_is_said_plainly_and_a_click_puts_the_trainee_back(app, browser):
    """The kernel is stopped (as a culled kernel or a restarted server would be): the page says
    so, and its button opens the same page again with the saved answer."""
    proc, url, _data = app
    context, page = new_page(browser, width=390)  # a phone
    page.goto(url + "?page=1.2")
    sign_in(page, "Chidi Okafor")
    shown(page, "1.2 Core steps")
    answer(page, "c. Identification - Registration")
    page.locator(".cm-wrong").wait_for()
    before = {k.pid for k in kernels(proc.pid)}
    for kernel in kernels(proc.pid):
        kernel.kill()
    banner = page.locator(".cm-connection")
    banner.wait_for(state="visible", timeout=30_000)
    assert "Everything you saved is kept" in banner.inner_text()
    page.screenshot(path=str(SHOTS / "app_connection_lost_phone.png"))
    with page.expect_navigation():
        page.get_by_role("button", name="Reload this page and continue").click()
    shown(page, "1.2 Core steps")
    page.locator(".cm-wrong").wait_for()
    assert page.locator(".cm-connection").is_hidden()
    deadline = time.monotonic() + 30
    while not ({k.pid for k in kernels(proc.pid)} - before) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert {k.pid for k in kernels(proc.pid)} - before, "a new kernel serves the page"
    context.close()


def test_a_trainee_reading_one_page_for_long_keeps_a_working_page(tmp_path, browser):
    """Idle kernels are culled, but not the one of a page still open: after several cull
    periods of reading, the page still answers."""
    proc, base = start_voila(tmp_path, env={"CM101_HEARTBEAT_SECONDS": "1"}, cull_idle=3)
    try:
        context, page = new_page(browser)
        page.goto(base + APP + "?page=1.2")
        sign_in(page, "Dina Haddad")
        shown(page, "1.2 Core steps")
        time.sleep(12)  # four cull periods
        assert page.locator(".cm-connection").is_hidden()
        turn(page, "Next: 1.3", "1.3 Guiding principles")
        context.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_every_page_of_the_course_opens_in_the_app_with_no_error(app, browser):
    """Next, from the introduction to the results: every page of the outline is drawn in the
    same page and kernel, with its heading, its footer, no error message and no stderr."""
    _proc, url, _data = app
    context, page = new_page(browser)
    page.goto(url + "?page=intro")
    sign_in(page, "Esther Wanjiru")
    shown(page, "Welcome")
    page.evaluate("window.cmSamePage = true")
    seen = ["intro"]
    while page.locator("a[rel=next]").count():
        page.locator("a[rel=next]").first.click()
        page.wait_for_function(
            f"!document.body.classList.contains('cm-turning') && !location.search.endsWith("
            f"'={seen[-1]}')"
        )
        page.locator(".cm-app-content .cm-footer").first.wait_for()
        seen.append(page.url.rsplit("=", 1)[-1])
        if seen[-1] == "broken":  # the page that fails on purpose (broken_course)
            continue
        errors = page.locator(".cm-app-content .cm-error")
        assert errors.count() == 0, f"{seen[-1]}: {errors.first.inner_text()}"
        assert page.locator(STDERR).count() == 0, seen[-1]
        assert page.locator(".cm-app-content h1").count() >= 1, seen[-1]
    outline = yaml.safe_load((ROOT / "course" / "outline.yaml").read_text(encoding="utf-8"))
    ids = [p["id"] for part in outline["parts"] for p in part["pages"]]
    assert seen == ["intro", "broken", *ids[1:]]  # broken_course puts it after the intro
    assert page.evaluate("window.cmSamePage") is True
    context.close()
