"""The SCORM package played as a learning platform plays it: Debian's Chromium opens a page
that provides the SCORM 1.2 API with a real runtime from the npm registry (scorm-again, in
tests/scorm/) and launches a module in a frame, both served over http on 127.0.0.1. A trainee
answers wrongly and rightly, writes, leaves, and comes back with the data the runtime kept."""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import threading
import urllib.request
from pathlib import Path

import pytest

from cmcourse.core.bank import find, is_attempt

pytestmark = pytest.mark.browser

TESTS_SCORM = Path(__file__).parents[1] / "scorm"
RUNTIME = TESTS_SCORM / "node_modules" / "scorm-again" / "dist" / "scorm12.min.js"
SESSION_TIME = re.compile(r"^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$")
STRICT_ID = re.compile(r"^[A-Za-z0-9_-]{1,255}$")  # SCORM 1.2's CMIIdentifier, as written


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # the test's output stays the test's
        pass


@pytest.fixture(scope="module")
def site(scorm_dir, tmp_path_factory):
    """The package as a platform serves it, beside the platform's page and its runtime."""
    assert RUNTIME.exists(), "make setup installs tests/scorm (npm ci)"
    root = tmp_path_factory.mktemp("platform")
    shutil.copytree(scorm_dir, root, dirs_exist_ok=True)
    shutil.copy(TESTS_SCORM / "lms.html", root / "lms.html")
    (root / "runtime").mkdir()
    shutil.copy(RUNTIME, root / "runtime" / "scorm12.min.js")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield tab
    context.close()
    assert not errors, f"the page reported errors: {errors}"


def launch(page, site, module="module1", saved=None, mastery=None):
    page.goto(f"{site}/lms.html")
    page.evaluate("([m, s, k]) => startLms(m + '.html', s, k)", [module, saved, mastery])
    frame = page.frame_locator("iframe")
    frame.locator("body.cm-ready").wait_for()
    return frame


def leave(page) -> dict:
    """The trainee closes the module: the frame goes, as when a platform's Exit is pressed."""
    page.evaluate("document.querySelector('iframe').remove()")
    page.wait_for_function("window.finished === true")
    return page.evaluate("savedCmi()")


def turn_to(frame, page_id: str) -> None:
    """Open a page from the module's list of pages."""
    if not frame.locator(".cm-toc details[open]").count():
        frame.locator(".cm-toc summary").click()
    frame.locator(f'[data-page-link="{page_id}"]').click()
    frame.locator(f'section[data-page="{page_id}"]:not([hidden])').wait_for()


def shown_page(frame) -> str:
    return frame.locator("section.cm-page:not([hidden])").get_attribute("data-page")


def answer(frame, question_id: str, value) -> str:
    """Give an answer with the page's controls and check it; the feedback's text."""
    question = find(question_id)
    box = frame.locator(f'[data-question="{question_id}"]')
    if question.type in ("single", "true_false"):
        box.locator(f'input[value="{str(value).lower()}"]').check()
    elif question.type == "multiple":
        for option in question.options:
            box.locator(f'input[value="{option.id}"]').set_checked(option.id in value)
    elif question.type == "matching":
        for term, label in value.items():
            box.locator(f'select[data-key="{term}"]').select_option(label)
    elif question.type == "ordering":
        for n, item in enumerate(value, 1):
            box.locator(f'select[data-key="{n}"]').select_option(item)
    else:
        box.locator("input[type=text]").fill(str(value))
    box.locator(".cm-check-button").click()
    feedback = box.locator(".cm-answer-feedback")
    feedback.locator("p").first.wait_for()
    return feedback.inner_text()


def wrong_choice(question) -> str:
    return next(o.id for o in question.options if o.id != question.answer)


def interactions(cmi: dict) -> list[dict]:
    records = cmi.get("interactions") or {}
    if isinstance(records, dict):
        records = [records[k] for k in sorted(records, key=int)]
    return records


def test_a_trainee_answers_leaves_and_resumes_on_the_same_page(page, site):
    frame = launch(page, site)
    assert shown_page(frame) == "m1"  # a first visit opens the module's first page
    notice = frame.locator("#cm-mode")
    assert "saved on your learning platform" in notice.inner_text()
    frame.locator('section[data-page="m1"] a[rel="next"]').click()
    frame.locator('section[data-page="1.1"]:not([hidden])').wait_for()
    assert frame.locator("h1:focus").inner_text().startswith("1.1")  # the focus follows the turn

    question = find("m1-key-messages")
    wrong = wrong_choice(question)
    said = answer(frame, question.id, wrong)
    assert "Not quite" in said and "0 of 1 point" in said
    assert next(o.feedback for o in question.options if o.id == wrong) in said
    said = answer(frame, question.id, question.answer)
    assert "Correct" in said and "1 of 1 point" in said
    assert next(o.feedback for o in question.options if o.id == question.answer) in said

    reflection = find("m1-r-setting")
    box = frame.locator(f'[data-reflection="{reflection.id}"]')
    box.locator("textarea").fill("ok")
    box.locator(".cm-save-button").click()
    assert "Write a sentence or more" in box.locator(".cm-reflection-status").inner_text()
    assert not box.locator(".cm-guidance").count()  # not yet: that is no attempt
    written = "Case management fits where services exist to refer children and families to."
    assert is_attempt(written)
    box.locator("textarea").fill(written)
    box.locator(".cm-save-button").click()
    assert box.locator(".cm-reflection-status").inner_text() == "Saved."
    guidance = box.locator(".cm-guidance")
    assert reflection.guidance.splitlines()[0][:60] in guidance.inner_text()

    cmi = leave(page)
    core = cmi["core"]
    assert core["lesson_location"] == "1.1"
    assert core["lesson_status"] == "incomplete"
    assert core["exit"] == "suspend"
    assert SESSION_TIME.match(core["session_time"]), core["session_time"]
    module_points = sum(find(q).points for q in module_questions(module_data(site, "module1")))
    assert core["score"] == {
        "raw": str(round(100 * question.points / module_points)),
        "min": "0",
        "max": "100",
    }
    assert 0 < len(cmi["suspend_data"]) <= 4096
    records = interactions(cmi)
    assert [(r["id"], r["type"], r["student_response"], r["result"]) for r in records] == [
        (question.id, "choice", wrong, "wrong"),
        (question.id, "choice", question.answer, "correct"),
    ]
    assert all(STRICT_ID.match(r["id"]) for r in records)
    assert records[1]["correct_responses"]["0"]["pattern"] == question.answer

    # Back again, with what the platform kept: the same page, the answers and the writing.
    frame = launch(page, site, saved=cmi)
    assert shown_page(frame) == "1.1"
    box_q = frame.locator(f'[data-question="{question.id}"]')
    assert box_q.locator(f'input[value="{question.answer}"]').is_checked()
    assert "Correct" in box_q.locator(".cm-answer-feedback").inner_text()
    box = frame.locator(f'[data-reflection="{reflection.id}"]')
    assert box.locator("textarea").input_value() == written
    assert box.locator(".cm-guidance").is_visible()

    # The rest of the module, every check answered rightly: completed, full marks.
    for page_id in page_ids(site, "module1"):
        turn_to(frame, page_id)
        for qid in module_questions_on(site, "module1", page_id):
            if qid != question.id:
                assert "Correct" in answer(frame, qid, find(qid).right_answer())
    cmi = leave(page)
    assert cmi["core"]["lesson_status"] == "completed"
    assert cmi["core"]["score"]["raw"] == "100"
    assert len(interactions(cmi)) == 2 + len(module_questions(module_data(site, "module1"))) - 1


def module_data(site, module) -> dict:
    html = urllib.request.urlopen(f"{site}/{module}.html").read().decode()
    found = re.search(r'<script type="application/json" id="cm-data">(.*?)</script>', html, re.S)
    return json.loads(found[1])


def module_questions(data: dict) -> list[str]:
    return [q for p in data["pages"] for q in p["questions"]]


def page_ids(site, module) -> list[str]:
    return [p["id"] for p in module_data(site, module)["pages"]]


def module_questions_on(site, module, page_id) -> list[str]:
    return next(p for p in module_data(site, module)["pages"] if p["id"] == page_id)["questions"]
