"""The trainer report: exact figures from known progress files, exports, and the passcode."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import nbformat
import pytest
from matplotlib.figure import Figure
from nbclient import NotebookClient

from cmcourse.core import identity
from cmcourse.core.accounts import TRAINEE, TRAINER, Accounts
from cmcourse.core.bank import check, find, load_bank
from cmcourse.core.results import summarise as results
from cmcourse.core.store import ProgressStore
from cmcourse.trainer.exports import to_csv, xapi_statements
from cmcourse.trainer.report import report_html
from cmcourse.trainer.scores import (
    histogram,
    histogram_alt,
    histogram_description,
    question_stats,
    score_bands,
    trainee_scores,
)

BANKS = load_bank()
OUT_OF = sum(q.points for b in BANKS.values() for q in b.questions)
M1 = sum(q.points for q in BANKS["1"].questions)  # every question here is worth 1 point
ORDER = "m1-steps-order"
RIGHT_ORDER = [i.id for i in find(ORDER).items]


def answer(store: ProgressStore, question_id: str, value: Any) -> None:
    result = check(find(question_id), value)
    store.save_answer(question_id, value, result.correct, result.points, result.out_of)


ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Three trainees with known tries (in this order):

    Abena (submitted attempt 1, then one answer in attempt 2):
      key-messages f (wrong) then g (right); six-steps b (right); imminent-harm True (wrong);
      attempt 2: resilience e (right).
    Badru (not submitted, one reflection):
      key-messages g (right); six-steps a (wrong) then c (wrong); imminent-harm False (right);
      case-amina-direct [a, e] (wrong: e ticked, d missing).
    Chidi (not submitted):
      key-messages f (wrong); six-steps a (wrong); steps-order shuffled (wrong) then right.
    Dede signed in but answered nothing.
    """
    a = ProgressStore("trainee-a", tmp_path)
    a.set_name("Abena Kimaro")
    answer(a, "m1-key-messages", "f")
    answer(a, "m1-key-messages", "g")
    answer(a, "m1-six-steps", "b")
    answer(a, "m1-imminent-harm", True)
    a.save_reflection("m1-r-setting", "In the camp, with supervision.")
    a.save_reflection("m1-r-steps-protect", "Each step protects the child.")
    a.submit(results(a.current()))
    answer(a, "m1-resilience", "e")

    b = ProgressStore("trainee-b", tmp_path)
    b.set_name("Badru Okello")
    answer(b, "m1-key-messages", "g")
    answer(b, "m1-six-steps", "a")
    answer(b, "m1-six-steps", "c")
    answer(b, "m1-imminent-harm", False)
    answer(b, "case-amina-direct", ["a", "e"])
    b.save_reflection("m1-r-setting", "Schools and clinics refer children.")

    c = ProgressStore("trainee-c", tmp_path)
    c.set_name("Chidi Eze")
    answer(c, "m1-key-messages", "f")
    answer(c, "m1-six-steps", "a")
    answer(c, ORDER, find(ORDER).shuffled)
    answer(c, ORDER, RIGHT_ORDER)

    d = ProgressStore("trainee-d", tmp_path)
    d.set_name("Dede Mensah")
    for store in (a, b, c, d):
        store.close()
    return tmp_path


# -- scores -------------------------------------------------------------------------------------
def test_scores_come_from_the_latest_submission_else_the_current_attempt(folder):
    rows = {r.trainee_id: r for r in trainee_scores(folder)}
    a, b, c, d = (rows[f"trainee-{x}"] for x in "abcd")
    # Abena: her submission (key-messages and six-steps right), not the later resilience answer.
    assert a.submitted and a.attempt == 1 and a.submitted_at
    assert a.modules["1"] == (2, M1) and a.points == 2 and a.out_of == OUT_OF
    assert a.answered == 3 and a.reflections == 2
    assert a.first_points == 1  # key-messages wrong first, then right: counts 0 on first tries
    assert a.source.startswith("Submitted ") and a.source.endswith(" UTC (attempt 1)")
    # Badru: current attempt; key-messages and imminent-harm right, case-amina wrong.
    assert not b.submitted and b.attempt == 1 and b.submitted_at is None
    assert b.modules["1"] == (2, M1) and b.modules["cases"] == (0, 1) and b.points == 2
    assert b.answered == 4 and b.reflections == 1
    assert b.source == "In progress (attempt 1, not submitted)"
    assert c.modules["1"] == (1, M1) and c.points == 1 and c.answered == 3
    assert d.points == 0 and d.answered == 0 and not d.started
    assert d.last_activity is None
    assert round(a.percent, 2) == round(200 / OUT_OF, 2)


def test_scores_are_listed_by_name_with_last_activity(folder):
    rows = trainee_scores(folder)
    assert [r.name for r in rows] == ["Abena Kimaro", "Badru Okello", "Chidi Eze", "Dede Mensah"]
    a = rows[0]
    # Her last activity is the answer given after submitting.
    last = ProgressStore("trainee-a", folder).current().answers["m1-resilience"]
    assert last["answer"] == "e"
    assert a.last_activity and dt.datetime.fromisoformat(a.last_activity).tzinfo is not None
    assert a.last_activity > (a.submitted_at or "")


# -- difficulty ---------------------------------------------------------------------------------
def test_difficulty_counts_first_and_last_tries_per_trainee(folder):
    stats = {s.question: s for s in question_stats(folder)}
    key = stats["m1-key-messages"]
    assert (key.answered, key.right_first, key.right_last) == (3, 1, 2)
    assert key.first_share == pytest.approx(1 / 3) and key.last_share == pytest.approx(2 / 3)
    six = stats["m1-six-steps"]
    assert (six.answered, six.right_first, six.right_last) == (3, 1, 1)
    harm = stats["m1-imminent-harm"]
    assert (harm.answered, harm.right_first, harm.right_last) == (2, 1, 1)
    order = stats[ORDER]
    assert (order.answered, order.right_first, order.right_last) == (1, 0, 1)
    resilience = stats["m1-resilience"]
    assert (resilience.answered, resilience.right_first, resilience.right_last) == (1, 1, 1)
    unanswered = stats["m1-not-a-principle"]
    assert unanswered.answered == 0 and unanswered.first_share is None
    assert unanswered.top_wrong is None and unanswered.top_wrong_count == 0


def test_most_chosen_wrong_option_counts_trainees(folder):
    stats = {s.question: s for s in question_stats(folder)}
    options = {o.id: o.text for o in find("m1-key-messages").options}
    # f was chosen by Abena and Chidi.
    assert stats["m1-key-messages"].top_wrong == f"f. {options['f']}"
    assert stats["m1-key-messages"].top_wrong_count == 2
    # a by Badru and Chidi; c by Badru only.
    six = {o.id: o.text for o in find("m1-six-steps").options}
    assert stats["m1-six-steps"].top_wrong == f"a. {six['a']}"
    assert stats["m1-six-steps"].top_wrong_count == 2
    assert (stats["m1-imminent-harm"].top_wrong, stats["m1-imminent-harm"].top_wrong_count) == (
        "True",
        1,
    )
    # A multiple-choice question counts the option ticked that is not right.
    direct = {o.id: o.text for o in find("case-amina-direct").options}
    assert stats["case-amina-direct"].top_wrong == f"e. {direct['e']}"
    # Other types: the whole wrong answer, written out.
    assert stats[ORDER].top_wrong == ", ".join(find(ORDER).shuffled)
    assert stats[ORDER].top_wrong_count == 1


def test_every_question_of_the_bank_is_listed_in_bank_order(folder):
    stats = question_stats(folder)
    order = sorted(BANKS, key=lambda k: (not k.isdigit(), k))  # the modules, then the rest
    expected = [q.id for k in order for q in BANKS[k].questions]
    assert [s.question for s in stats] == expected


# -- CSV ----------------------------------------------------------------------------------------
def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_scores_csv_has_one_row_per_trainee_with_exact_figures(folder):
    rows = read_csv(to_csv(trainee_scores(folder)))
    assert [r["trainee"] for r in rows] == [
        "Abena Kimaro",
        "Badru Okello",
        "Chidi Eze",
        "Dede Mensah",
    ]
    a, b = rows[0], rows[1]
    assert a["label"] == "" and a["results from"] == "submission"  # no accounts file here
    assert (a["module 1 points"], a["module 1 out of"], a["points"]) == ("2", str(M1), "2")
    assert a["out of"] == str(OUT_OF) and a["percent"] == f"{round(200 / OUT_OF, 1):g}"
    assert (a["answered"], a["reflections"]) == ("3", "2")
    assert b["results from"] == "current attempt" and b["submitted at"] == ""
    assert (b["module cases points"], b["module cases out of"]) == ("0", "1")


def test_questions_csv_has_exact_difficulty(folder):
    rows = {r["question"]: r for r in read_csv(to_csv(question_stats(folder)))}
    key = rows["m1-key-messages"]
    assert (key["answered"], key["right on first try"], key["right on last try"]) == (
        "3",
        "1",
        "2",
    )
    assert (key["right on first try (%)"], key["right on last try (%)"]) == ("33.3", "66.7")
    assert key["most chosen wrong answer"].startswith("f. ")
    assert key["trainees who chose it"] == "2"
    assert rows["m1-not-a-principle"]["right on first try (%)"] == ""


def test_csv_never_lets_a_spreadsheet_run_a_name_as_a_formula(tmp_path):
    store = ProgressStore("trainee-x", tmp_path)
    store.set_name("-Ada (1)")
    store.close()
    (row,) = read_csv(to_csv(trainee_scores(tmp_path)))
    assert row["trainee"] == "'-Ada (1)"


# -- xAPI ---------------------------------------------------------------------------------------
def test_xapi_statements_follow_the_statement_structure(folder):
    statements = xapi_statements(folder)
    answered = [s for s in statements if s["verb"]["id"].endswith("/answered")]
    completed = [s for s in statements if s["verb"]["id"].endswith("/completed")]
    assert len(answered) == 5 + 5 + 4 and len(completed) == 1
    json.dumps(statements)  # serialisable
    assert [s["timestamp"] for s in statements] == sorted(s["timestamp"] for s in statements)
    for s in statements:
        assert set(s) <= {"id", "actor", "verb", "object", "result", "context", "timestamp"}
        uuid.UUID(s["id"])
        assert s["actor"] == {
            "objectType": "Agent",
            "account": {
                "homePage": "https://cm101.example/",
                "name": s["actor"]["account"]["name"],
            },
        }
        assert s["actor"]["account"]["name"].startswith("trainee-")
        assert s["verb"]["display"] == {"en-US": s["verb"]["id"].rsplit("/", 1)[1]}
        assert s["object"]["objectType"] == "Activity"
        assert s["timestamp"].endswith("Z")
        stamp = dt.datetime.fromisoformat(s["timestamp"].replace("Z", "+00:00"))
        assert stamp <= dt.datetime.now(dt.UTC)
        uuid.UUID(s["context"]["registration"])
        assert "version" not in s  # clients should not set it (xAPI 1.0.3, 2.4.10)
    assert len({s["id"] for s in statements}) == len(statements)


def test_xapi_answered_statements_carry_success_score_and_response(folder):
    statements = xapi_statements(folder, homepage="https://lrs.example.org/cm101")
    amina = [s for s in statements if s["actor"]["account"]["name"] == "trainee-a"]
    first = amina[0]
    assert first["verb"]["id"] == "http://adlnet.gov/expapi/verbs/answered"
    assert first["object"]["id"] == "https://lrs.example.org/cm101/questions/m1-key-messages"
    definition = first["object"]["definition"]
    assert definition["type"] == "http://adlnet.gov/expapi/activities/cmi.interaction"
    assert definition["interactionType"] == "choice"
    assert "correctResponsesPattern" not in definition  # no answer key in exports
    assert first["result"] == {
        "success": False,
        "score": {"scaled": 0.0, "raw": 0.0, "min": 0, "max": 1},
        "response": "f",
    }
    assert amina[1]["result"]["success"] is True and amina[1]["result"]["score"]["scaled"] == 1
    parent = first["context"]["contextActivities"]["parent"][0]
    assert parent["id"] == "https://lrs.example.org/cm101/modules/1"
    assert amina[3]["result"]["response"] == "true"  # true-false pattern
    badru = [s for s in statements if s["actor"]["account"]["name"] == "trainee-b"]
    assert badru[-1]["result"]["response"] == "a[,]e"  # choice pattern, several ids
    chidi = [s for s in statements if s["actor"]["account"]["name"] == "trainee-c"]
    assert chidi[-1]["object"]["definition"]["interactionType"] == "sequencing"
    assert chidi[-1]["result"]["response"] == "[,]".join(RIGHT_ORDER)
    # The answer after submitting belongs to another attempt (registration).
    assert amina[-1]["context"]["registration"] != first["context"]["registration"]


def test_xapi_completed_statement_has_the_scaled_score_of_the_submission(folder):
    (done,) = [s for s in xapi_statements(folder) if s["verb"]["id"].endswith("/completed")]
    assert done["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"
    assert done["object"]["id"] == "https://cm101.example/course"
    assert done["result"]["completion"] is True
    assert done["result"]["score"] == {
        "scaled": round(2 / OUT_OF, 4),
        "raw": 2.0,
        "min": 0,
        "max": OUT_OF,
    }


def test_xapi_names_trainees_only_when_asked(folder):
    anonymous = json.dumps(xapi_statements(folder))
    for name in ("Abena", "Kimaro", "Badru", "Chidi"):
        assert name not in anonymous
    named = xapi_statements(folder, include_names=True)
    assert {s["actor"].get("name") for s in named} == {"Abena Kimaro", "Badru Okello", "Chidi Eze"}


def test_xapi_statements_are_stable_across_exports(folder):
    assert [s["id"] for s in xapi_statements(folder)] == [s["id"] for s in xapi_statements(folder)]


def test_xapi_refuses_a_home_page_that_is_not_a_web_address(folder):
    with pytest.raises(ValueError, match="web address"):
        xapi_statements(folder, homepage="cm101")


# -- histogram ----------------------------------------------------------------------------------
def bar_heights(fig) -> list[float]:
    (ax,) = fig.axes
    return [patch.get_height() for patch in ax.patches]


def test_histogram_has_a_bar_per_band_with_the_scores():
    fig = histogram([0, 45, 50, 59.9, 100, 100])
    assert bar_heights(fig) == [1, 0, 0, 0, 1, 2, 0, 0, 0, 2]
    assert score_bands([9.99, 10])[:2] == [("0–9%", 1), ("10–19%", 1)]
    assert histogram_alt([0, 45, 50, 100]) == (
        "Bar chart of trainees' total scores: 4 trainees, from 0% to 100%, median 48%."
    )
    assert "90–100%: 2" in histogram_description([100, 95])


def test_histogram_of_the_trainees_scores(folder):
    started = [r.percent for r in trainee_scores(folder) if r.started]
    assert bar_heights(histogram(started)) == [3, 0, 0, 0, 0, 0, 0, 0, 0, 0]


def test_histogram_is_built_without_pyplot():
    """pyplot holds global figures that a long-running trainer page would leak."""
    assert isinstance(histogram([50]), Figure)
    code = (
        "import sys; from cmcourse.trainer.scores import histogram; histogram([50, 70]); "
        "print('matplotlib.pyplot' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- the report, for the trainer only ---------------------------------------------------------
def test_only_a_browser_the_trainer_signed_in_is_the_trainer(tmp_path, monkeypatch):
    monkeypatch.setenv("CM101_DATA_DIR", str(tmp_path))
    accounts = Accounts(tmp_path)
    trainer = accounts.open_session(TRAINER)
    trainee = accounts.open_session(TRAINEE, accounts.register("Amina Yusuf", "4821").id)
    for cookie, opens in (
        (f"cm101_trainer={trainer}", True),
        (f"cm101_trainer={trainee}", False),  # a trainee's token is no trainer's
        (f"cm101_session={trainer}", False),
        ("cm101_trainer=forged-token", False),
        ("", False),
    ):
        monkeypatch.setenv("HTTP_COOKIE", cookie)
        assert identity.is_trainer() is opens, cookie
    accounts.end_session(trainer)  # signed out
    monkeypatch.setenv("HTTP_COOKIE", f"cm101_trainer={trainer}")
    assert not identity.is_trainer()


def test_trainees_of_one_name_are_told_apart_by_label_and_no_id_is_shown(tmp_path):
    from cmcourse.trainer.live import live_html, snapshot

    accounts = Accounts(tmp_path)
    one = accounts.register("Amina Yusuf", "4821")
    two = accounts.register("Amina Yusuf", "7395")
    ProgressStore(two.id, tmp_path).visit("1.2")
    report = report_html(tmp_path)
    live = live_html(snapshot([tmp_path]))
    for html in (report, live):
        assert html.count("Amina Yusuf") >= 2
        assert one.label in html and two.label in html
        assert one.id not in html and two.id not in html
    assert one.id not in to_csv(trainee_scores(tmp_path))


@pytest.mark.notebooks
def test_the_report_page_shows_nothing_of_trainees_before_the_trainer_signs_in(folder, monkeypatch):
    monkeypatch.setenv("CM101_DATA_DIR", str(folder))
    nb = nbformat.read(ROOT / "workshop" / "report.ipynb", as_version=4)
    env = os.environ | {"CM101_DATA_DIR": str(folder), "HTTP_COOKIE": "", "SCRIPT_NAME": "/x"}
    NotebookClient(nb, timeout=120, kernel_name="python3").execute(env=env)
    widgets = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    text = " ".join(str(w["state"].get("value", "")) for w in widgets.values())
    assert "is for trainers" in text and 'href="/cm101/trainer?next=%2Fx"' in text
    assert "Abena Kimaro" not in text


def test_the_report_html_has_tables_an_accessible_chart_and_downloads(folder):
    html = report_html(folder)
    assert "<caption>Scores per trainee: the first try" in html and "Abena Kimaro" in html
    assert "<caption>Final score per part</caption>" in html
    # Reflections' text, per question and per trainee.
    by_question = html[html.index("<h3>By question</h3>") : html.index("<h3>By trainee</h3>")]
    assert "In what setting is case management appropriate? (2 written)" in by_question
    assert "In the camp, with supervision." in by_question
    assert "Schools and clinics refer children." in by_question
    by_trainee = html[html.index("<h3>By trainee</h3>") :]
    assert "Abena Kimaro" in by_trainee and "Each step protects the child." in by_trainee
    assert "Question difficulty" in html and "1 of 3 (33%)" in html
    assert '<img src="data:image/png;base64,' in html and 'alt="Bar chart of' in html
    assert "Trainees per band of total score: 0–9%: 3" in html
    assert "1 trainee who has not answered yet is left out of the chart" in html
    for name in ("cm101-scores-", "cm101-questions-", "cm101-xapi-"):
        assert f'download="{name}' in html
    assert 'href="data:text/csv;base64,' in html and 'href="data:application/json;base64,' in html
    assert "Traceback" not in html


def test_the_report_of_an_empty_folder_is_not_an_error(tmp_path):
    html = report_html(tmp_path)
    assert "0 trainees with saved progress" in html
    assert "no trainee has answered yet" in html
    assert trainee_scores(tmp_path) == [] and xapi_statements(tmp_path) == []


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file and its bytes; SQLite's shared-memory index (-shm) by name only, as any
    reader of a WAL file marks its reads there."""
    return {
        str(p.relative_to(folder)): b""
        if p.is_symlink() or p.is_dir() or p.name.endswith("-shm")
        else p.read_bytes()
        for p in sorted(folder.rglob("*"))
    }


def test_reading_progress_never_changes_a_trainees_folder(folder, tmp_path_factory):
    """The report reads read-only: a damaged file is skipped and left as it is (the trainee's
    own page sets it aside, not the trainer's), a link is not followed, and no file appears."""
    trainees = folder / "trainees"
    (trainees / "trainee-x.sqlite").write_bytes(b"not a database at all")
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "trainee-z.sqlite"
    ProgressStore("trainee-z", elsewhere.parent).close()
    elsewhere.write_bytes((elsewhere.parent / "trainees" / "trainee-z.sqlite").read_bytes())
    (trainees / "trainee-y.sqlite").symlink_to(elsewhere)
    before = _tree(folder)
    rows = {r.trainee_id for r in trainee_scores(folder)}
    assert rows == {"trainee-a", "trainee-b", "trainee-c", "trainee-d"}
    assert _tree(folder) == before
    assert (trainees / "trainee-x.sqlite").read_bytes() == b"not a database at all"
