"""nbgrader assignments generated from the bank, graded by real nbgrader commands."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from cmcourse.bank import load_bank
from cmcourse.workshop import WORKSHOP, _solution, module_notebook

BIN = Path(sys.executable).parent
ENV = os.environ | {"PATH": f"{BIN}:{os.environ['PATH']}"}
MODULE = "module1"
QUESTIONS = load_bank()["1"].questions


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "nbgrader"), *args],
        cwd=course,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("course") / "workshop"
    shutil.copytree(
        WORKSHOP,
        root,
        ignore=shutil.ignore_patterns(
            "release", "submitted", "autograded", "feedback", "gradebook.db"
        ),
    )
    done = nbgrader(root, "generate_assignment", MODULE, "--force")
    assert done.returncode == 0, done.stdout + done.stderr
    return root


def wrong(q) -> str:
    if q.type == "single":
        return json.dumps(next(o.id for o in q.options if o.id != q.answer))
    if q.type == "true_false":
        return repr(not q.answer)
    if q.type == "ordering":
        return json.dumps(q.shuffled)
    raise AssertionError(q.type)


def submit(course: Path, student: str, answers: dict[str, str], edit=None) -> None:
    nb = nbformat.read(course / "release" / MODULE / f"{MODULE}.ipynb", as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if grade_id.startswith("answer-") and grade_id[7:] in answers:
            cell.source = f'record("{grade_id[7:]}", {answers[grade_id[7:]]})'
        if edit:
            edit(cell, grade_id)
    folder = course / "submitted" / student / MODULE
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{MODULE}.ipynb")


def autograde(course: Path, student: str) -> float:
    done = nbgrader(course, "autograde", MODULE, "--student", student, "--force")
    assert done.returncode == 0, done.stdout + done.stderr
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return gb.find_submission(MODULE, student).score


def test_every_graded_cell_has_an_id_and_points_and_a_hidden_test():
    nb = module_notebook("1")
    graded = [c for c in nb.cells if c.metadata["nbgrader"]["grade"]]
    assert len(graded) == len(QUESTIONS)
    for cell in graded:
        meta = cell.metadata["nbgrader"]
        assert meta["grade_id"].startswith("test-") and meta["points"] >= 1 and meta["locked"]
        assert cell.source.startswith('"""') and "### BEGIN HIDDEN TESTS" in cell.source


def test_released_notebooks_carry_no_answer_key(course):
    text = (course / "release" / MODULE / f"{MODULE}.ipynb").read_text()
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
    assert 'assert_right(\\"' not in text and 'assert_right("' not in text
    nb = nbformat.read(course / "release" / MODULE / f"{MODULE}.ipynb", as_version=4)
    answers = [c for c in nb.cells if c.metadata["nbgrader"]["grade_id"].startswith("answer-")]
    assert answers and all("None  # replace None" in c.source for c in answers)
    for q in QUESTIONS:
        assert f"    {_solution(q)}\n" not in text.replace("\\n", "\n")


def test_all_correct_scores_full_marks(course):
    submit(course, "right", {q.id: _solution(q) for q in QUESTIONS})
    assert autograde(course, "right") == sum(q.points for q in QUESTIONS)


def test_all_wrong_scores_zero(course):
    submit(course, "wrong", {q.id: wrong(q) for q in QUESTIONS})
    assert autograde(course, "wrong") == 0


def test_a_known_mix_scores_exactly(course):
    mix = {q.id: (_solution(q) if n % 2 == 0 else wrong(q)) for n, q in enumerate(QUESTIONS)}
    submit(course, "mix", mix)
    expected = sum(q.points for n, q in enumerate(QUESTIONS) if n % 2 == 0)
    assert autograde(course, "mix") == expected


def test_an_answer_in_the_wrong_form_scores_zero_without_stopping_the_grading(course):
    answers = {q.id: _solution(q) for q in QUESTIONS}
    answers[QUESTIONS[0].id] = "[1, 2"  # a syntax error in the trainee's cell
    answers[QUESTIONS[1].id] = "42"  # a number where a letter is needed
    submit(course, "typos", answers)
    full = sum(q.points for q in QUESTIONS)
    assert autograde(course, "typos") == full - QUESTIONS[0].points - QUESTIONS[1].points


def test_editing_a_locked_test_cell_is_caught(course):
    def cheat(cell, grade_id):
        if grade_id.startswith("test-"):
            cell.source = '"""Always passes."""\nassert True'

    submit(course, "cheat", {q.id: wrong(q) for q in QUESTIONS}, edit=cheat)
    # nbgrader restores locked cells from the source: the hidden tests still run.
    assert autograde(course, "cheat") == 0
    report = nbgrader(
        course, "validate", str(course / "submitted" / "cheat" / MODULE / f"{MODULE}.ipynb")
    )
    assert "changed" in (report.stdout + report.stderr).lower()


def test_a_malformed_submission_is_reported_and_does_not_stop_the_batch(course):
    submit(course, "good", {q.id: _solution(q) for q in QUESTIONS})
    broken = course / "submitted" / "broken" / MODULE
    broken.mkdir(parents=True, exist_ok=True)
    (broken / f"{MODULE}.ipynb").write_text("{ this is not a notebook")
    done = nbgrader(course, "autograde", MODULE, "--force")
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert gb.find_submission(MODULE, "good").score == sum(q.points for q in QUESTIONS)
    assert "broken" in done.stdout + done.stderr


def test_record_checks_the_form_of_an_answer_and_never_says_if_it_is_right(capsys):
    from cmcourse.grading import record, recorded

    q = QUESTIONS[0]
    record(q.id, 3)
    assert "Not recorded yet" in capsys.readouterr().out and recorded(q.id) is None
    record(q.id, "a")
    out = capsys.readouterr().out
    assert "recorded" in out and "right" not in out.lower() and "correct" not in out.lower()


def test_the_committed_assignments_match_the_question_bank():
    """A question fixed in the bank is fixed in the assignments: regenerate to update."""
    for key in ("1", "2", "3"):
        committed = nbformat.read(
            WORKSHOP / "source" / f"module{key}" / f"module{key}.ipynb", as_version=4
        )
        fresh = module_notebook(key)
        assert [c.source for c in committed.cells] == [c.source for c in fresh.cells], (
            f"workshop/source/module{key} is stale: run python -m cmcourse.workshop generate"
        )


def test_submit_results_in_the_course_hands_answers_in_for_nbgrader(course):
    from cmcourse.workshop import student_id, write_submission

    answers = {
        q.id: json.loads(_solution(q)) if q.type != "true_false" else q.answer for q in QUESTIONS
    }
    answers[QUESTIONS[0].id] = json.loads(wrong(QUESTIONS[0]))
    paths = write_submission("Trainee123", "Amina Yusuf", answers, course=course)
    student = student_id("Trainee123", "Amina Yusuf")
    assert student == "amina-yusuf-Traine"
    assert (course / "submitted" / student / MODULE / f"{MODULE}.ipynb") in paths
    full = sum(q.points for q in QUESTIONS)
    assert autograde(course, student) == full - QUESTIONS[0].points
