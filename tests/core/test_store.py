"""Progress is saved at once, survives crashes and damage, and is never shared."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from pydantic import ValidationError

from cmcourse.core.results import Summary, summarise
from cmcourse.core.store import ProgressError, ProgressStore, all_trainees, clean_name


def test_answers_reflections_and_visits_are_saved_and_read_back(tmp_path):
    store = ProgressStore("trainee-a", tmp_path)
    store.set_name("Amina Yusuf")
    store.visit("1.1")
    store.save_answer("m1-key-messages", "f", False, 0, 1)
    store.save_answer("m1-key-messages", "g", True, 1, 1)
    store.save_reflection("m1-r-setting", "In camps, with supervision.")
    again = ProgressStore("trainee-a", tmp_path).current()
    assert again.answers["m1-key-messages"]["answer"] == "g"
    assert again.tries["m1-key-messages"] == 2
    assert again.reflections == {"m1-r-setting": "In camps, with supervision."}
    assert again.pages == ["1.1"]


def test_a_break_resumes_at_that_page(tmp_path):
    store = ProgressStore("trainee-a", tmp_path)
    store.visit("1.1")
    store.visit("1.2")
    store.take_break("1.2")
    assert ProgressStore("trainee-a", tmp_path).last_page() == "1.2"
    store.visit("intro")
    assert store.last_page() == "intro"


def test_two_trainees_never_share_progress(tmp_path):
    a, b = ProgressStore("trainee-a", tmp_path), ProgressStore("trainee-b", tmp_path)
    a.save_answer("q", "x", True, 1, 1)
    assert b.current().answers == {}
    assert a.path != b.path
    assert all_trainees(tmp_path) == ["trainee-a", "trainee-b"]


def test_a_forged_identity_cannot_reach_another_file(tmp_path):
    for bad in ("../other", "a/b", "", "x"):
        with pytest.raises(ProgressError):
            ProgressStore(bad, tmp_path)


def test_submit_keeps_results_and_starts_a_new_attempt(tmp_path):
    store = ProgressStore("trainee-a", tmp_path)
    store.save_answer("q", "x", True, 1, 1)
    assert store.submit(Summary(points=1, out_of=1, answers={"q": "x"})) == 1
    assert store.attempt == 2 and store.current().answers == {}
    (kept,) = store.submissions()
    assert kept.attempt == 1 and kept.summary.points == 1 and kept.summary.answers == {"q": "x"}


def test_a_submission_saved_before_summaries_had_a_version_still_reads(tmp_path):
    """What the results page stored in the first round (no version) reads as version 1."""
    store = ProgressStore("trainee-old", tmp_path)
    saved = {
        "modules": [
            {
                "module": "1",
                "title": "Principles & Practices",
                "points": 3,
                "out_of": 20,
                "answered": 2,
                "questions": 14,
            }
        ],
        "points": 3,
        "out_of": 20,
        "reflections": [{"id": "r", "section": "1.1", "prompt": "Why?", "text": "Because."}],
        "answers": {"m1-six-steps": "b"},
    }
    with store._conn:
        store._conn.execute(
            "INSERT INTO submissions VALUES (1, '2026-11-20T10:00:00', ?)", (json.dumps(saved),)
        )
    (kept,) = store.submissions()
    assert kept.summary.version == 1
    assert kept.summary.modules[0].label == "Module 1: Principles & Practices"
    assert kept.summary.reflections[0].text == "Because."


def test_a_summary_from_a_newer_course_is_refused_in_plain_words_not_misread():
    with pytest.raises(ValidationError, match="newer version of the course"):
        Summary.model_validate_json('{"version": 99, "points": 1}')


def test_a_damaged_file_is_set_aside_not_overwritten(tmp_path):
    folder = tmp_path / "trainees"
    folder.mkdir()
    garbage = b"this is not a database" * 200
    (folder / "trainee-a.sqlite").write_bytes(garbage)
    store = ProgressStore("trainee-a", tmp_path)
    assert store.notice and "kept aside" in store.notice
    kept = [p for p in folder.iterdir() if ".damaged-" in p.name]
    assert len(kept) == 1 and kept[0].read_bytes() == garbage
    store.save_answer("q", "x", True, 1, 1)
    assert store.current().answers


def test_a_missing_data_folder_is_created(tmp_path):
    store = ProgressStore("trainee-a", tmp_path / "new" / "deeper")
    store.visit("1.1")
    assert (tmp_path / "new" / "deeper" / "trainees" / "trainee-a.sqlite").exists()


def test_an_unwritable_data_folder_gets_a_clear_message(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ProgressError, match="cannot be created"):
        ProgressStore("trainee-a", blocker)


@pytest.mark.parametrize("name", ["", "   ", "x" * 61, "<script>", "!!!", "Robert'); DROP"])
def test_an_empty_or_absurd_name_is_refused_plainly(name):
    with pytest.raises(ProgressError) as info:
        clean_name(name)
    assert "Traceback" not in str(info.value) and len(str(info.value)) < 200


def test_names_are_tidied():
    assert clean_name("  Amina   Yusuf ") == "Amina Yusuf"
    assert clean_name("TR-014") == "TR-014"
    assert clean_name("N'Golo (team 2)") == "N'Golo (team 2)"


WRITER = """
import sys
from cmcourse.core.store import ProgressStore
store = ProgressStore("trainee-a", __import__("pathlib").Path(sys.argv[1]))
i = 0
while True:
    store.save_answer(f"q{i}", "x" * 2000, True, 1, 1)
    i += 1
"""


def test_a_kill_in_the_middle_of_saving_loses_nothing_saved_before(tmp_path):
    store = ProgressStore("trainee-a", tmp_path)
    store.save_reflection("before", "saved before the crash")
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path)], env=os.environ | {"PYTHONPATH": os.getcwd()}
    )
    time.sleep(1.5)
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    after = ProgressStore("trainee-a", tmp_path)
    assert after.notice is None
    assert after.current().reflections["before"] == "saved before the crash"
    assert len(after.current().answers) > 10
    conn = sqlite3.connect(after.path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_supervisors_lasting_records_outlive_submit_results(tmp_path):
    """Course work starts again after "Submit results"; a supervisor's tool records do not."""
    store = ProgressStore("lasting-1", folder=tmp_path)
    store.set_name("Somaia Shakir")
    store.save_record("tool:meeting_record", {"records": [{"id": "m1"}]}, lasting=True)
    store.save_record("nadia-plan-draft", "my plan")
    store.submit(Summary())
    again = ProgressStore("lasting-1", folder=tmp_path)
    assert again.record("tool:meeting_record", lasting=True) == {"records": [{"id": "m1"}]}
    assert again.record("nadia-plan-draft") is None  # the new attempt starts empty


def test_results_list_the_cm101_modules_first_then_the_other_parts_by_their_titles():
    import datetime as dt

    from cmcourse.core.certificate import certificate_html
    from cmcourse.core.results import Certificate
    from cmcourse.core.store import Attempt

    summary = summarise(Attempt(1, {}, {}, {}, []))
    summary.certificate = Certificate(code="CM-0000-0000", kind="completion")
    labels = [m.label for m in summary.modules]
    assert labels[:3] == [
        "Module 1: Principles & Practices",
        "Module 2: Implementing Case Management Services",
        "Module 3: Case Management Steps",
    ]
    assert "Case Management Supervision" in labels and "Nadia case study" in labels
    assert not any(label.startswith("Module S") or "Module cases" in label for label in labels)
    html = certificate_html("Amina Yusuf", summary, dt.date(2026, 11, 23))
    assert "<td>Nadia case study</td>" in html
