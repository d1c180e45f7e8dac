"""The trainer's live view: who is on which page, how far each has got, who is stuck."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from servers import sign_in_as_trainer, start_voila

from cmcourse.core.bank import check, find, load_bank
from cmcourse.core.outline import load_outline
from cmcourse.core.progress import overall
from cmcourse.core.results import Certificate, Summary
from cmcourse.core.store import ProgressStore
from cmcourse.trainer.live import (
    QUIET_MINUTES,
    STUCK_AFTER,
    live_html,
    snapshot,
)

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[2]
SIX_STEPS = "m1-six-steps"  # on page 1.2; right answer b
KEY_MESSAGES = "m1-key-messages"  # on page 1.1; right answer g
QUESTIONS = sum(len(b.questions) for b in load_bank().values())


def answer(store: ProgressStore, question: str, value: str) -> None:
    result = check(find(question), value)
    store.save_answer(question, value, result.correct, result.points, result.out_of)


def trainee(folder: Path, trainee_id: str, name: str) -> ProgressStore:
    store = ProgressStore(trainee_id, folder)
    store.set_name(name)
    return store


def by_name(rows):
    return {r.name: r for r in rows}


def test_each_trainee_is_shown_on_the_page_they_opened_last_with_how_far_they_got(tmp_path):
    amina = trainee(tmp_path, "trainee-a", "Amina Yusuf")
    amina.visit("1.1")
    answer(amina, KEY_MESSAGES, "g")
    amina.visit("1.2")
    badru = trainee(tmp_path, "trainee-b", "Badru Okello")
    badru.visit("1.2")
    badru.take_break("1.1")  # a break is where to continue: that page
    chidi = trainee(tmp_path, "trainee-c", "Chidi Obi")  # signed in, no page yet

    rows = by_name(snapshot([tmp_path]))
    outline = load_outline()
    assert rows["Amina Yusuf"].page == outline.page("1.2").title
    assert rows["Amina Yusuf"].pages_visited == 2
    assert rows["Amina Yusuf"].pages_total == len(outline.pages())
    assert (rows["Amina Yusuf"].answered, rows["Amina Yusuf"].questions_total) == (1, QUESTIONS)
    assert rows["Amina Yusuf"].progress == pytest.approx(overall(amina.current(), outline))
    assert rows["Badru Okello"].page == outline.page("1.1").title
    assert rows["Chidi Obi"].page.startswith("course map")
    assert rows["Chidi Obi"].last_activity is None
    for store in (amina, badru, chidi):
        store.close()


def test_a_trainee_is_stuck_after_three_wrong_tries_in_a_row_until_they_get_it_right(tmp_path):
    store = trainee(tmp_path, "trainee-a", "Amina Yusuf")
    store.visit("1.2")
    for _ in range(STUCK_AFTER - 1):
        answer(store, SIX_STEPS, "c")
    assert snapshot([tmp_path])[0].stuck == ()  # two wrong tries: still trying
    answer(store, SIX_STEPS, "a")
    (stuck,) = snapshot([tmp_path])[0].stuck
    assert (stuck.question, stuck.wrong_tries) == (SIX_STEPS, 3)
    assert stuck.page == load_outline().page("1.2").title
    assert stuck.prompt == find(SIX_STEPS).prompt
    answer(store, SIX_STEPS, "b")
    assert snapshot([tmp_path])[0].stuck == ()
    # Wrong again three times after the right answer: stuck again (the run counts).
    for _ in range(3):
        answer(store, SIX_STEPS, "c")
    assert [s.question for s in snapshot([tmp_path])[0].stuck] == [SIX_STEPS]
    store.close()


def test_wrong_tries_spread_over_questions_or_attempts_are_not_being_stuck(tmp_path):
    store = trainee(tmp_path, "trainee-a", "Amina Yusuf")
    answer(store, SIX_STEPS, "c")
    answer(store, KEY_MESSAGES, "f")
    answer(store, SIX_STEPS, "a")
    answer(store, KEY_MESSAGES, "a")
    assert snapshot([tmp_path])[0].stuck == ()
    answer(store, SIX_STEPS, "c")  # a third wrong try at 1.2, in this attempt...
    store.submit(Summary())
    answer(store, SIX_STEPS, "c")  # ...but the new attempt starts afresh
    row = snapshot([tmp_path])[0]
    assert row.attempt == 2 and row.stuck == ()
    store.close()


def test_stuck_trainees_come_first_then_everyone_by_name_and_trainers_can_be_left_out(tmp_path):
    for trainee_id, name in [("trainee-z", "Zainab"), ("trainee-b", "bilal"), ("trainer", "Sara")]:
        trainee(tmp_path, trainee_id, name).close()
    stuck = trainee(tmp_path, "trainee-y", "Yusuf")
    for _ in range(3):
        answer(stuck, KEY_MESSAGES, "f")
    stuck.close()
    names = [r.name for r in snapshot([tmp_path], exclude=["trainer"])]
    assert names == ["Yusuf", "bilal", "Zainab"]


def test_the_view_says_who_is_stuck_and_who_has_been_quiet_in_words(tmp_path):
    store = trainee(tmp_path, "trainee-a", "Amina Yusuf")
    store.visit("1.1")
    for _ in range(3):
        answer(store, KEY_MESSAGES, "f")
    other = trainee(tmp_path, "trainee-b", "Badru Okello")
    other.visit("1.1")
    rows = snapshot([tmp_path])
    now = dt.datetime.fromisoformat(rows[0].last_activity) + dt.timedelta(minutes=2)
    html = live_html(rows, now)
    assert "2 trainees; 0 finished (results submitted); 1 stuck" in html and "0 quiet" in html
    assert "Stuck</span> on m1-key-messages" in html and "3 wrong tries in a row" in html
    assert "2 min ago" in html
    later = now + dt.timedelta(minutes=QUIET_MINUTES)
    assert f"2 quiet for {QUIET_MINUTES} minutes or more" in live_html(rows, later)
    assert "(quiet)" in live_html(rows, later)
    assert "No trainee has started yet" in live_html([], now)
    store.close()
    other.close()


def test_a_trainee_who_has_submitted_shows_as_finished_not_as_on_the_map_at_0(tmp_path):
    store = trainee(tmp_path, "trainee-a", "Amina Yusuf")
    store.visit("1.1")
    answer(store, KEY_MESSAGES, "g")
    store.submit(Summary(certificate=Certificate(code="CM-0000-0000", kind="completion")))
    store.visit("results")  # back on the results page for the certificate: still finished
    started_again = trainee(tmp_path, "trainee-b", "Badru Okello")
    started_again.submit(Summary())
    started_again.visit("1.1")
    rows = by_name(snapshot([tmp_path]))
    done, again = rows["Amina Yusuf"], rows["Badru Okello"]
    assert done.finished and done.page == "finished: results submitted"
    assert not again.finished and again.page.startswith("1.1") and again.submitted_attempt == 1
    html = live_html(list(rows.values()))
    assert "2 trainees; 1 finished (results submitted)" in html
    assert "new attempt not started" in html and "Certificate of completion" in html
    assert "no certificate (not completed)" in html  # Badru's first attempt earned none
    store.close()
    started_again.close()


def test_before_the_trainer_signs_in_the_page_shows_no_trainee_and_says_how(tmp_path):
    nb = nbformat.read(ROOT / "workshop" / "live.ipynb", as_version=4)
    env = os.environ | {"CM101_DATA_DIR": str(tmp_path), "HTTP_COOKIE": ""}
    trainee(tmp_path, "trainee-a", "Amina Yusuf").close()
    NotebookClient(nb, timeout=120, kernel_name="python3").execute(env=env)
    widgets = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    text = " ".join(str(w["state"].get("value", "")) for w in widgets.values())
    assert "The live view is for trainers" in text and "Sign in as the trainer" in text
    assert "Amina Yusuf" not in text


@pytest.fixture(scope="module")
def voila(tmp_path_factory):
    data = tmp_path_factory.mktemp("progress")
    proc, base = start_voila(data, {"CM101_LIVE_REFRESH": "1"})
    try:
        yield base + "workshop/live.ipynb", data
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_the_live_page_opens_for_the_trainer_and_follows_the_workshop(voila, browser):
    url, data = voila
    store = trainee(data, "trainee-a", "Amina Yusuf")
    store.visit("1.2")
    context = browser.new_context()
    page = context.new_page()
    page.goto(url)  # the trainer's sign-in first; Enter sends the passphrase
    sign_in_as_trainer(page, "not-the-passphrase")
    page.wait_for_selector("text=That passphrase is not right")
    assert "Amina Yusuf" not in page.inner_text("body")
    time.sleep(1.5)  # the wait a wrong try earns (a retype straight away is asked to wait)
    sign_in_as_trainer(page)
    row = page.wait_for_selector("tr:has-text('Amina Yusuf')").inner_text()
    assert "1.2 Core steps" in row and "Stuck" not in row
    # Amina tries three wrong answers: the open page shows her stuck, without a reload.
    for _ in range(3):
        answer(store, SIX_STEPS, "c")
    stuck = page.wait_for_selector("tr.cm-stuck", timeout=15_000).inner_text()
    assert "Amina Yusuf" in stuck and "m1-six-steps" in stuck
    page.reload()  # remembered for the session: no passphrase again
    page.wait_for_selector("tr:has-text('Amina Yusuf')")
    assert page.get_by_label("Trainer passphrase").count() == 0
    store.close()
    context.close()
