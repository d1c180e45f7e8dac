"""The SCORM package played as a learning platform plays it: Debian's Chromium opens a page
that provides the SCORM 1.2 API with a real runtime from the npm registry (scorm-again, in
tests/scorm/) and launches a module in a frame, both served over http on 127.0.0.1. A trainee
answers wrongly and rightly, writes, leaves, and comes back with the data the runtime kept."""

from __future__ import annotations

import functools
import http.server
import json
import random
import re
import shutil
import threading
import urllib.request
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from cmcourse.core.bank import find, is_attempt

pytestmark = pytest.mark.browser

TESTS_SCORM = Path(__file__).parents[1] / "scorm"
RUNTIME = TESTS_SCORM / "node_modules" / "scorm-again" / "dist" / "scorm12.min.js"
SESSION_TIME = re.compile(r"^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$")
STRICT_ID = re.compile(r"^[A-Za-z0-9_-]{1,255}$")  # SCORM 1.2's CMIIdentifier, as written
# SCORM 1.2's forms of student_response and correct_responses.n.pattern (RTE 3.4.2.7.x, not
# scorm-again's check, which takes any text): one character, 0-9 or a-z, for each choice,
# item, term and label; braces around a set are optional.
_ONE = "[0-9a-z]"
SCORM12_RESPONSE = {
    "true-false": re.compile(r"[01tf]"),
    "choice": re.compile(rf"\{{?{_ONE}(,{_ONE})*\}}?"),
    "sequencing": re.compile(rf"{_ONE}(,{_ONE})*"),
    "matching": re.compile(rf"\{{?{_ONE}\.{_ONE}(,{_ONE}\.{_ONE})*\}}?"),
    "fill-in": re.compile(r"[\s\S]{0,255}"),
    "numeric": re.compile(r"-?[0-9]{0,3}(\.[0-9]*)?"),
}


def assert_scorm12_responses(records: list[dict]) -> None:
    for r in records:
        form = SCORM12_RESPONSE[r["type"]]
        for said in (r["student_response"], r["correct_responses"]["0"]["pattern"]):
            assert form.fullmatch(said), (r["id"], r["type"], said)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # the test's output stays the test's
        pass


@pytest.fixture(scope="module")
def platform_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("platform")


@pytest.fixture(scope="module")
def site(scorm_dir, platform_root):
    """The package as a platform serves it, beside the platform's page and its runtime."""
    assert RUNTIME.exists(), "make setup installs tests/scorm (npm ci)"
    root = platform_root
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


def launch(page, site, module="module1", saved=None, mastery=None, refuse=None):
    page.goto(f"{site}/lms.html")
    page.evaluate(
        "([m, s, k, r]) => startLms(m + '.html', s, k, r)", [module, saved, mastery, refuse]
    )
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


def long_text(seed: int, characters: int) -> str:
    """Writing as varied as a trainee's: words of the course in no set order."""
    words = re.findall(r"[A-Za-z]{3,}", (Path(__file__).parents[2] / "README.md").read_text())
    chosen = random.Random(seed)
    text = ""
    while len(text) < characters:
        text += chosen.choice(words) + (". " if chosen.random() < 0.1 else " ")
    return text.strip()


def not_kept(frame, reflection_id: str) -> int:
    """The characters the page says a reflection loses on the platform (0: no notice)."""
    said = frame.locator(f'[data-reflection="{reflection_id}"] .cm-dropped').inner_text()
    found = re.search(r"its last ([\d,]+) characters are not kept", said)
    return int(found[1].replace(",", "")) if found else 0


def take_a_break(frame) -> str:
    """Press the shown page's 'Take a break' and wait for what it says (after every save)."""
    shown = frame.locator("section.cm-page:not([hidden])")
    shown.locator(".cm-break-button").click()
    status = shown.locator(".cm-break-status")
    status.locator("xpath=self::*[normalize-space()]").wait_for()
    return status.inner_text()


def test_long_reflections_stay_within_4096_characters_and_leaving_at_once_keeps_what_was_saved(
    page, site
):
    """Four long reflections saved (compressed, cut where the page says), then one more check
    answered and the module closed at once, while that save is still being compressed: back
    again, every reflection has exactly what the page said was kept, no less."""
    frame = launch(page, site)
    data = module_data(site, "module1")
    last_check = module_questions(data)[0]  # answered last, just before leaving
    written = {}
    for shown in data["pages"]:
        turn_to(frame, shown["id"])
        for qid in shown["questions"]:
            if qid != last_check:
                answer(frame, qid, find(qid).right_answer())
        for n, rid in enumerate(shown["reflections"]):
            written[rid] = long_text(n + len(written), 3000)
            box = frame.locator(f'[data-reflection="{rid}"]')
            box.locator("textarea").fill(written[rid])
            box.locator(".cm-save-button").click()
            assert box.locator(".cm-guidance").is_visible()
    assert len(written) >= 3
    assert take_a_break(frame).startswith("Your progress is saved")
    # The last page's reflection was saved last: its notice is on the page shown.
    said = frame.locator(".cm-dropped .cm-notice").first.inner_text()
    assert "4,096 characters" in said and "are not kept" in said
    promised = {rid: text[: len(text) - not_kept(frame, rid)] for rid, text in written.items()}
    assert all(promised.values())  # every reflection keeps its start
    assert 2000 < sum(map(len, promised.values())) < sum(map(len, written.values()))

    # One more check answered, and the frame closed in the same moment.
    question = find(last_check)
    page.evaluate(
        """([qid, value]) => {
            const doc = document.querySelector('iframe').contentDocument;
            const box = doc.querySelector(`[data-question="${qid}"]`);
            box.querySelector(`input[value="${value}"]`).checked = true;
            box.querySelector('.cm-check-button').click();
            document.querySelector('iframe').remove();
        }""",
        [last_check, question.answer],
    )
    page.wait_for_function("window.finished === true")
    cmi = page.evaluate("savedCmi()")
    assert len(cmi["suspend_data"]) <= 4096

    frame = launch(page, site, saved=cmi)
    kept = {
        rid: frame.locator(f'[data-reflection="{rid}"] textarea').input_value() for rid in written
    }
    assert kept == promised
    for qid in module_questions(data):
        if qid != last_check:
            box = frame.locator(f'[data-question="{qid}"]')
            assert "Correct" in box.locator(".cm-answer-feedback").inner_text()


def test_with_a_mastery_score_a_module_finished_below_it_is_failed(page, site):
    frame = launch(page, site, module="module2", mastery=100)
    data = module_data(site, "module2")
    first = True
    for shown in data["pages"]:
        turn_to(frame, shown["id"])
        for qid in shown["questions"]:
            question = find(qid)
            if first and question.type == "matching":  # one pairing wrong, the rest right
                right = question.right_answer()
                terms = list(right)
                value = dict(right) | {terms[0]: right[terms[1]], terms[1]: right[terms[0]]}
                said = answer(frame, qid, value)
                assert "Not quite" in said and "not this one" in said
                first = False
            else:
                assert "Correct" in answer(frame, qid, question.right_answer())
    assert not first, "module 2 has a matching question"
    cmi = leave(page)
    assert cmi["core"]["lesson_status"] == "failed"
    assert int(cmi["core"]["score"]["raw"]) < 100
    matching = [r for r in interactions(cmi) if r["type"] == "matching"]
    assert matching and matching[0]["result"] == "wrong"
    # Module 2's matching question: terms by their place (1, 2), labels by their letter.
    assert matching[0]["correct_responses"]["0"]["pattern"] == "1.b,2.a"
    assert matching[0]["student_response"] == "1.a,2.b"
    assert_scorm12_responses(interactions(cmi))


@pytest.mark.parametrize("module", ["module1", "module3"])
def test_every_interaction_is_recorded_in_scorm_12s_own_forms(page, site, module):
    frame = launch(page, site, module=module)
    for shown in module_data(site, module)["pages"]:
        turn_to(frame, shown["id"])
        for qid in shown["questions"]:
            assert "Correct" in answer(frame, qid, find(qid).right_answer())
    records = interactions(leave(page))
    assert records and all(STRICT_ID.match(r["id"]) for r in records)
    assert_scorm12_responses(records)
    if module == "module1":  # the ordering question: its items by their place in the bank
        steps = next(r for r in records if r["id"] == "m1-steps-order")
        assert steps["type"] == "sequencing" and steps["student_response"] == "1,2,3,4,5,6"


def test_with_a_mastery_score_a_module_left_half_done_is_incomplete_with_no_score(page, site):
    """A platform that sets passed/failed itself at LMSFinish from the mastery score and the
    raw score (Moodle, and scorm-again, by default) must not fail a module left half done."""
    frame = launch(page, site, module="module1", mastery=80)
    data = module_data(site, "module1")
    first = next(p for p in data["pages"] if p["questions"])
    turn_to(frame, first["id"])
    for qid in first["questions"]:
        assert "Correct" in answer(frame, qid, find(qid).right_answer())
    cmi = leave(page)
    assert cmi["core"]["lesson_status"] == "incomplete"
    assert cmi["core"]["score"]["raw"] == ""


def rebuilt_module(root: Path, module: str, renamed: dict[str, str], reversed_page: str) -> str:
    """The module as a package rebuilt after a bank edit: some questions and reflections
    replaced by others (new ids) and one page's checks in the opposite order."""
    html = (root / f"{module}.html").read_text()
    found = re.search(
        r'(<script type="application/json" id="cm-data">)(.*?)(</script>)', html, re.S
    )
    data = json.loads(found[2])
    for shown in data["pages"]:
        if shown["id"] == reversed_page:
            shown["questions"].reverse()
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    html = html[: found.start(2)] + text + html[found.end(2) :]
    for old, new in renamed.items():
        html = html.replace(f'"{old}"', f'"{new}"')
    (root / f"{module}-rebuilt.html").write_text(html)
    return f"{module}-rebuilt"


def test_a_rebuilt_package_puts_saved_answers_on_their_own_questions_and_says_what_is_lost(
    page, site, platform_root
):
    frame = launch(page, site)
    data = module_data(site, "module1")
    written = {
        "m1-r-setting": "Case management fits where there are services to refer families to.",
        "m1-r-strengths": "Her grandmother walks her to school every day and stays in touch.",
    }
    for shown in data["pages"]:
        turn_to(frame, shown["id"])
        for qid in shown["questions"]:
            assert "Correct" in answer(frame, qid, find(qid).right_answer())
        for rid in shown["reflections"]:
            if rid in written:
                box = frame.locator(f'[data-reflection="{rid}"]')
                box.locator("textarea").fill(written[rid])
                box.locator(".cm-save-button").click()
    cmi = leave(page)

    renamed = {"m1-dilemma-names": "m1-dilemma-names-2", "m1-r-setting": "m1-r-setting-2"}
    rebuilt = rebuilt_module(platform_root, "module1", renamed, reversed_page="1.3")
    frame = launch(page, site, module=rebuilt, saved=cmi)
    for qid in module_questions(data):
        box = frame.locator(f'[data-question="{renamed.get(qid, qid)}"]')
        said = box.locator(".cm-answer-feedback").inner_text()
        assert ("Correct" in said) == (qid not in renamed), (qid, said)
    assert frame.locator('[data-reflection="m1-r-setting-2"] textarea').input_value() == ""
    strengths = frame.locator('[data-reflection="m1-r-strengths"] textarea')
    assert strengths.input_value() == written["m1-r-strengths"]
    told = frame.locator("#cm-restore")
    said = told.inner_text()
    assert "changed since you last saved" in said
    assert "your answer to one check" in said and "one reflection" in said
    assert written["m1-r-setting"] in said  # the writing shown, to copy


def test_work_saved_by_the_first_format_is_restored_by_the_same_package(page, site):
    """Version 1 data (answers and reflections by their place in the module) still opens."""
    data = module_data(site, "module1")
    questions, reflections = (
        module_questions(data),
        [r for p in data["pages"] for r in p["reflections"]],
    )
    first = find(questions[0])
    text = "The steps protect children because each one has a clear owner and a date."
    saved = {
        "core": {"lesson_location": "1.2", "lesson_status": "incomplete", "exit": "suspend"},
        "suspend_data": "j"
        + json.dumps({"v": 1, "s": "111", "a": [[0, first.answer, 1]], "r": [[1, text]]}),
    }
    frame = launch(page, site, saved=saved)
    assert shown_page(frame) == "1.2"
    box = frame.locator(f'[data-question="{first.id}"]')
    assert box.locator(f'input[value="{first.answer}"]').is_checked()
    assert "Correct" in box.locator(".cm-answer-feedback").inner_text()
    reflection = frame.locator(f'[data-reflection="{reflections[1]}"] textarea')
    assert reflection.input_value() == text
    assert frame.locator("#cm-restore").is_hidden()


def test_checking_an_answer_changed_and_changed_back_shows_its_feedback_again(page, site):
    """Check a, tick b, tick a again, Check: the feedback of a again, and no second try."""
    frame = launch(page, site)
    turn_to(frame, "1.1")
    question = find("m1-key-messages")
    assert "Correct" in answer(frame, question.id, question.answer)
    box = frame.locator(f'[data-question="{question.id}"]')
    box.locator(f'input[value="{wrong_choice(question)}"]').check()
    assert box.locator(".cm-answer-feedback").inner_text() == ""  # changed: the old one goes
    box.locator(f'input[value="{question.answer}"]').check()
    box.locator(".cm-check-button").click()
    feedback = box.locator(".cm-answer-feedback")
    feedback.locator("p").first.wait_for(timeout=5000)
    assert "Correct" in feedback.inner_text() and "1 of 1 point" in feedback.inner_text()
    cmi = leave(page)
    assert [r["result"] for r in interactions(cmi)] == ["correct"]  # one try recorded


def test_a_platform_refusing_the_saved_work_is_said_and_never_called_saved(page, site):
    frame = launch(page, site, refuse="suspend_data")
    turn_to(frame, "1.1")
    question = find("m1-key-messages")
    assert "Correct" in answer(frame, question.id, question.answer)
    said = take_a_break(frame)
    assert "did not accept your latest progress" in said and "Keep this page open" in said
    assert "is saved" not in said
    assert "did not accept" in frame.locator("#cm-refused").inner_text()


def test_a_platform_refusing_to_start_the_module_is_not_called_practice_mode(page, site):
    frame = launch(page, site, refuse="initialize")
    said = frame.locator("#cm-mode").inner_text()
    assert "did not let this module start" in said and "error 101" in said
    assert "No learning platform" not in said and "practice mode" not in said
    turn_to(frame, "1.1")
    question = find("m1-key-messages")
    assert "Correct" in answer(frame, question.id, question.answer)
    assert "cannot be saved" in take_a_break(frame)
    kept = frame.locator("body").evaluate("() => localStorage.getItem('cm101-scorm:module1')")
    assert kept is None  # nothing passed off as practice mode in this browser


def test_without_a_platform_it_is_practice_mode_saved_in_the_browser(page, site):
    page.goto(f"{site}/module3.html#3.2")
    page.locator("body.cm-ready").wait_for()
    notices = page.locator("#cm-mode")
    assert "practice mode" in notices.inner_text()
    assert page.get_by_text("practice mode").count() == 1  # said once
    question = find("m3-assessment-due-low")
    said = answer(page, question.id, "31/02/2023")
    assert "has no day 31" in said and "not counted" in said  # no try spent on it
    said = answer(page, question.id, "01/01/2023")
    assert "Not yet: your date is earlier" in said  # a hint first, as in the course
    said = answer(page, question.id, question.right_answer())
    assert "Correct" in said
    page.reload()
    page.locator("body.cm-ready").wait_for()
    assert shown_page(page) == "3.2"
    box = page.locator(f'[data-question="{question.id}"]')
    assert box.locator("input[type=text]").input_value() == question.right_answer()
    assert "Correct" in box.locator(".cm-answer-feedback").inner_text()


def test_without_javascript_every_page_is_below_as_the_page_says(browser, site):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    tab = context.new_page()
    tab.goto(f"{site}/module1.html")
    said = tab.locator("main .cm-notice").first
    assert "Every page is below" in said.inner_text() and said.is_visible()
    sections = tab.locator("section.cm-page")
    assert sections.count() == len(page_ids(site, "module1")) > 1
    assert all(sections.nth(n).is_visible() for n in range(sections.count()))
    context.close()


def test_the_first_page_downloads_what_the_build_reports(browser, site, scorm_built):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    loaded: dict[str, int] = {}
    tab.on("response", lambda r: loaded.__setitem__(r.url.split("/", 3)[3], len(r.body())))
    tab.goto(f"{site}/module1.html")
    tab.locator("body.cm-ready").wait_for()
    tab.wait_for_load_state("networkidle")
    context.close()
    assert loaded == scorm_built.first_page()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_lesson_with_feedback_and_a_reflection_is_accessible(browser, site, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    tab = context.new_page()
    tab.goto(f"{site}/module1.html#1.3")
    tab.locator("body.cm-ready").wait_for()
    tab.keyboard.press("Tab")  # the skip link is the first stop
    assert tab.evaluate("document.activeElement.className") == "cm-skip"
    answer(tab, "m1-not-a-principle", "a")
    reflection = tab.locator('[data-reflection="m1-r-confidentiality"]')
    reflection.locator("textarea").fill("The limits come when a child is at risk of harm.")
    reflection.locator(".cm-save-button").click()
    tab.locator(".cm-guidance").wait_for()
    wide = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"the page is {wide} px wider than the screen"
    results = Axe().run(tab, options={"rules": {"target-size": {"enabled": True}}}).response
    serious = [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    context.close()
    assert not serious, serious
