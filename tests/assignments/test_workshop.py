"""nbgrader assignments generated from the bank, graded by real nbgrader commands."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from gradebook import MODULE, QUESTIONS, autograde, nbgrader, score, submit, workshop_copy

from cmcourse.assignments.generate import WORKSHOP, _solution, assignments, module_notebook
from cmcourse.core.bank import check, load_bank, right_answer

pytestmark = pytest.mark.nbgrader


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    return workshop_copy(tmp_path_factory.mktemp("course"))


def wrong(q) -> str:
    if q.type == "single":
        return json.dumps(next(o.id for o in q.options if o.id != q.answer))
    if q.type == "true_false":
        return repr(not q.answer)
    if q.type == "ordering":
        return json.dumps(q.shuffled)
    raise AssertionError(q.type)


def test_every_graded_cell_has_an_id_and_points_and_a_hidden_test_with_the_answer():
    nb = module_notebook("1")
    graded = [c for c in nb.cells if c.metadata["nbgrader"]["grade"]]
    assert len(graded) == len(QUESTIONS)
    for cell, q in zip(graded, QUESTIONS, strict=True):
        meta = cell.metadata["nbgrader"]
        assert meta["grade_id"] == f"test-{q.id}" and meta["points"] == q.points
        assert meta["locked"] and cell.source.startswith('"""')
        hidden = cell.source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
        imported, test = ast.parse(hidden).body  # no name a trainee's cell could rebind
        assert isinstance(imported, ast.ImportFrom)
        assert imported.module == "cmcourse.assignments.kernel"
        assert [a.name for a in imported.names] == ["assert_right"]
        call = test.value
        assert call.func.id == "assert_right"
        assert [ast.literal_eval(a) for a in call.args] == [q.id, right_answer(q)]


def _forms(nb: nbformat.NotebookNode) -> dict:
    """The answer forms the locked setup cell gives `record`."""
    setup = next(c for c in nb.cells if c.metadata["nbgrader"]["grade_id"] == "setup")
    call = next(
        n.value
        for n in ast.parse(setup.source).body
        if isinstance(n, ast.Expr) and isinstance(n.value, ast.Call)
    )
    assert isinstance(call.func, ast.Name) and call.func.id == "start_assignment"
    return ast.literal_eval(call.args[0])


@pytest.mark.parametrize("key", list(assignments()))
def test_released_notebooks_carry_no_answer_key(course, key):
    name = assignments()[key]
    text = (course / "release" / name / f"{name}.ipynb").read_text()
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
    assert "assert_right(" not in text
    nb = nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)
    questions = load_bank()[key].questions
    cells = {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells}
    for q in questions:
        answer, test = cells[f"answer-{q.id}"], cells[f"test-{q.id}"]
        assert "None  # replace None" in answer
        for source in (answer, test):  # not even a single letter "b" or a True
            assert _solution(q) not in source and json.dumps(right_answer(q)) not in source
    # The setup cell says what form each answer takes, and nothing about which is right.
    forms = _forms(nb)
    assert forms == {q.id: q.answer_form() for q in questions}
    for q in questions:
        assert set(forms[q.id]) <= {"kind", "options", "terms", "labels", "items"}
        if q.type == "ordering":
            assert forms[q.id]["items"] != right_answer(q)
        if q.type == "matching":
            assert forms[q.id]["labels"] == sorted(forms[q.id]["labels"])


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


# Code in an answer cell that would make every hidden test pass, were it run at grading.
CHEATS = {
    "rebind": "assert_right = lambda *a: None",
    "builtins": (
        "import builtins, sys; builtins.assert_right = "
        'sys.modules["cmcourse.assignments.kernel"].assert_right = lambda *a: None'
    ),
    "function": (
        "def assert_right(*args):\n    pass\n\n\n"
        "import cmcourse.assignments.kernel\n\n"
        "cmcourse.assignments.kernel.assert_right = assert_right"
    ),
    "exec": 'exec("import cmcourse.assignments.kernel as k; k.assert_right = lambda *a: None")',
}


def _half_right() -> tuple[dict[str, str], float]:
    """Every other answer right, the rest wrong: the answers and what they earn."""
    answers = {q.id: (_solution(q) if n % 2 == 0 else wrong(q)) for n, q in enumerate(QUESTIONS)}
    return answers, sum(q.points for n, q in enumerate(QUESTIONS) if n % 2 == 0)


@pytest.mark.parametrize("cheat", list(CHEATS))
def test_code_in_an_answer_cell_is_not_run_at_grading(course, cheat):
    """A trainee cannot give themselves marks: only the answers' values are graded."""
    answers, earned = _half_right()

    def edit(cell, grade_id):
        if grade_id.startswith("answer-"):
            cell.source = CHEATS[cheat] + "\n" + cell.source

    submit(course, f"cheat-{cheat}", answers, edit=edit)
    assert autograde(course, f"cheat-{cheat}") == earned


def test_a_cell_added_by_a_trainee_is_not_run_at_grading(course):
    answers, earned = _half_right()

    def edit(cell, grade_id):
        if grade_id == f"answer-{QUESTIONS[0].id}":
            cell.metadata.pop("nbgrader")  # an answer cell that no longer says it is one
            cell.source = CHEATS["exec"] + "\n" + cell.source

    submit(course, "added", answers, edit=edit)
    nb = course / "submitted" / "added" / MODULE / f"{MODULE}.ipynb"
    notebook = nbformat.read(nb, as_version=4)
    notebook.cells.insert(3, nbformat.v4.new_code_cell(CHEATS["function"]))
    notebook.cells.insert(2, nbformat.v4.new_code_cell(CHEATS["builtins"]))
    nbformat.write(notebook, nb)
    assert autograde(course, "added") == earned


def test_an_answer_computed_by_a_call_is_not_graded(course):
    """`"b".lower()` is code, not a value: the right answer written so earns nothing."""
    answers, earned = _half_right()
    for n, q in enumerate(QUESTIONS):
        if n % 2:
            answers[q.id] = f"{_solution(q)}.__class__({_solution(q)})"  # the right value
    answers[QUESTIONS[0].id] = '"{}".lower()'.format(_solution(QUESTIONS[0]).strip('"').upper())
    submit(course, "calls", answers)
    assert autograde(course, "calls") == earned - QUESTIONS[0].points


def test_an_answer_given_to_a_name_of_the_trainees_own_is_graded(course):
    answers, earned = _half_right()

    def edit(cell, grade_id):
        qid = grade_id.removeprefix("answer-")
        if qid in answers:  # my_answer = "b" and record("m1-...", my_answer)
            cell.source = f'my_answer = {answers[qid]}\nrecord("{qid}", my_answer)'

    submit(course, "named", answers, edit=edit)
    assert autograde(course, "named") == earned


def test_the_feedback_says_what_was_left_out_and_why(course):
    answers, _ = _half_right()

    def edit(cell, grade_id):
        if grade_id == f"answer-{QUESTIONS[0].id}":
            cell.source = CHEATS["rebind"] + "\n" + cell.source
        elif grade_id == f"answer-{QUESTIONS[1].id}":
            cell.source = CHEATS["exec"] + "\n" + cell.source

    submit(course, "told", answers, edit=edit)
    autograde(course, "told")
    done = nbgrader(course, "generate_feedback", MODULE, "--student", "told", "--force")
    assert done.returncode == 0, done.stdout + done.stderr
    html = (course / "feedback" / "told" / MODULE / f"{MODULE}.html").read_text()
    assert html.count("Left out at grading") == 2
    assert "assert_right is a name the notebook or Python itself uses" in html
    assert "only answers written as values are graded" in html
    assert "other code in an answer cell is not run" in html


def test_text_a_trainee_added_is_shown_as_typed_with_no_live_link_or_html(course):
    """The feedback, and nbgrader's formgrader where a trainer reads submissions, render the
    graded notebook's markdown: a link there would run as whoever clicks it."""
    answers, earned = _half_right()
    submit(course, "texts", answers)
    nb = course / "submitted" / "texts" / MODULE / f"{MODULE}.ipynb"
    notebook = nbformat.read(nb, as_version=4)
    link = "[See my full answer](javascript:alert(document.cookie))"
    notebook.cells.insert(2, nbformat.v4.new_markdown_cell(f"My notes <b>here</b>\n\n{link}"))
    raw = nbformat.v4.new_raw_cell("<img src=x onerror=alert(1)>")
    raw.metadata["raw_mimetype"] = "text/html"
    notebook.cells.insert(4, raw)
    nbformat.write(notebook, nb)
    assert autograde(course, "texts") == earned
    done = nbgrader(course, "generate_feedback", MODULE, "--student", "texts", "--force")
    assert done.returncode == 0, done.stdout + done.stderr
    html = (course / "feedback" / "texts" / MODULE / f"{MODULE}.html").read_text()
    assert 'href="javascript:' not in html and "<img src=x" not in html and "<b>here" not in html
    assert html.count("Text added by the trainee, not graded, shown as it was typed") == 2
    assert "My notes &lt;b&gt;here&lt;/b&gt;" in html and link in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


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
    assert score(course, "good") == sum(q.points for q in QUESTIONS)
    assert "broken" in done.stdout + done.stderr


def _setup(key: str = "1") -> dict:
    """The names the assignment's locked setup cell gives a kernel, after running it."""
    names: dict = {}
    exec(module_notebook(key).cells[1].source, names)
    return names


@pytest.mark.parametrize(
    "typed",
    [
        'record("m1-six-steps", {(1, 2): "a"})',  # a tuple key written back as a list: no key
        'record("m1-six-steps", b"b")',
        'record("m1-six-steps", 1 + 2j)',
        'record("m1-six-steps", ...)',
    ],
)
def test_a_value_grading_cannot_record_is_left_out_in_plain_words(typed):
    from cmcourse.assignments.literal import KERNEL_NAMES, literal_cell

    graded = literal_cell(typed, KERNEL_NAMES, {})
    assert graded.startswith("# Left out at grading, line 1 ")
    assert "answers are text, numbers, True or False" in graded
    exec(compile(graded, "<cell>", "exec"), {})  # what grading runs of it runs without an error


def test_a_cell_made_to_take_grading_hours_or_all_its_memory_is_left_out():
    """Grading runs as the trainer: a cell longer than any answers, or answers written back
    many times over, would stop it for everyone."""
    from cmcourse.assignments.literal import KERNEL_NAMES, MAX_WRITTEN, literal_cell

    long = literal_cell('record("m1-six-steps", "b")\n' + "f()\n" * 6000, KERNEL_NAMES, {})
    assert long.count("\n") == 0 and "longer than any answers take" in long
    names: dict = {}
    literal_cell('a = "' + "x" * 15_000 + '"', KERNEL_NAMES, names)
    aliases = literal_cell("b = a\n" * 2000, KERNEL_NAMES, names)  # 30 MB, written back
    assert len(aliases) < MAX_WRITTEN + 2000 * 200
    assert "line 3 (`b = a`): it is longer than any answer, so it was not recorded" in aliases
    many = literal_cell("f()\n" * 4000 + 'h("\u00e9t\u00e9"); g(\n)', KERNEL_NAMES, {})
    assert many.count("# Left out at grading") == 4002  # each said, read once
    assert 'line 4001 (`h("\u00e9t\u00e9")`)' in many and "line 4001 (`g( ...`)" in many


def test_a_notebook_longer_than_any_answers_is_graded_on_what_comes_first(course):
    from cmcourse.assignments.literal import MAX_CELL, MAX_NOTEBOOK

    answers, earned = _half_right()
    submit(course, "longer", answers)
    nb = course / "submitted" / "longer" / MODULE / f"{MODULE}.ipynb"
    notebook = nbformat.read(nb, as_version=4)
    filler = "# " + "x" * (MAX_CELL - 10)
    for _ in range(MAX_NOTEBOOK // MAX_CELL + 5):  # after the answers
        notebook.cells.append(nbformat.v4.new_code_cell(filler))
    nbformat.write(notebook, nb)
    assert autograde(course, "longer") == earned
    graded = nbformat.read(course / "autograded" / "longer" / MODULE / f"{MODULE}.ipynb", 4)
    said = [c.source for c in graded.cells if "cells before this one are longer" in c.source]
    assert 1 <= len(said) <= 6


def test_record_checks_the_form_of_an_answer_and_never_says_if_it_is_right(capsys):
    from cmcourse.assignments.kernel import recorded

    record = _setup()["record"]
    q = QUESTIONS[0]
    record(q.id, 3)
    out = capsys.readouterr().out
    assert out.startswith(f"Not recorded yet for {q.id}: give one letter as text, one of 'a', ")
    assert recorded(q.id) is None
    record(q.id, "a")
    out = capsys.readouterr().out
    assert "recorded" in out and "right" not in out.lower() and "correct" not in out.lower()
    assert recorded(q.id) == "a"


def test_the_form_message_of_an_ordering_does_not_give_the_order_away(capsys):
    record = _setup()["record"]
    q = next(q for q in QUESTIONS if q.type == "ordering")
    record(q.id, ["closure"])
    out = capsys.readouterr().out
    assert "give a list with every item once" in out
    assert ", ".join(map(repr, q.shuffled)) in out
    assert ", ".join(map(repr, right_answer(q))) not in out


def test_a_date_is_recorded_only_if_it_is_a_calendar_day_written_day_first(capsys):
    from cmcourse.assignments.kernel import recorded

    record = _setup("3")["record"]
    q = next(q for q in load_bank()["3"].questions if getattr(q, "answer_kind", "") == "date")
    for text, why in (
        ("31/02/2023", "28 February is the last day of February"),
        ("5 Sept 2022", "cannot be read as a date"),
    ):
        record(q.id, text)
        said = capsys.readouterr().out
        assert why in said and "give a date as text written dd/mm/yyyy" in said
        assert recorded(q.id) is None
    for text in ("5/9/2022", "2022-09-05"):  # as the course accepts them
        record(q.id, text)
        assert recorded(q.id) == text


def test_a_changed_question_id_is_not_recorded_and_says_why(capsys):
    record = _setup()["record"]
    record("m1-no-such-question", "a")
    assert "this notebook has no question 'm1-no-such-question'" in capsys.readouterr().out


def _variants(q) -> list:
    """Answers of the right form, right and wrong, as a trainee could write them."""
    right = right_answer(q)
    if q.type == "single":
        return [f" {right} ", *(o.id for o in q.options)]
    if q.type == "multiple":
        ids = [o.id for o in q.options]
        return [list(reversed(right)), ids, ids[:1], [f" {right[0]}", *right[1:]]]
    if q.type == "true_false":
        return [True, False]
    if q.type == "matching":
        labels = list(right.values())
        return [right, dict(zip(right, labels[1:] + labels[:1], strict=True))]
    if q.type == "ordering":
        return [right, list(q.shuffled), right[1:] + right[:1]]
    if q.answer_kind == "number":
        return [right, float(right), str(right), right + 1, "many"]
    day, month, year = right.split("/")
    return [
        f" {right}",
        f"{int(day)}/{int(month)}/{year}",  # as the course accepts it
        f"{day}/{month}/{int(year) + 1}",
        f"{month}/{day}/{year}",
        "31/02/2023",
    ]


@pytest.mark.parametrize("key", list(assignments()))
def test_the_hidden_tests_agree_with_the_bank_on_every_question(key):
    """The grading kernel compares with the answer its hidden test carries, without the
    bank: it must count as right exactly what the course counts as right."""
    from cmcourse.assignments.kernel import assert_right

    record = _setup(key)["record"]
    for q in load_bank()[key].questions:
        for value in _variants(q):
            record(q.id, value)
            try:
                assert_right(q.id, right_answer(q))
                graded = True
            except AssertionError:
                graded = False
            assert graded == check(q, value).correct, (q.id, value)


def test_a_grading_kernel_loads_neither_the_bank_nor_pydantic():
    """What makes autograding a module cost about what grading one cell costs."""
    setup = module_notebook("1").cells[1].source
    probe = (
        f"{setup}\nimport sys\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'pydantic', 'yaml', 'cmsim'} or m == 'cmcourse.core.bank'))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_committed_assignments_match_the_question_bank():
    """A question fixed in the bank is fixed in the assignments: regenerate to update."""
    names = assignments()
    assert list(names.values()) == ["module1", "module2", "module3", "nadia"]
    for key, name in names.items():
        committed = nbformat.read(WORKSHOP / "source" / name / f"{name}.ipynb", as_version=4)
        fresh = module_notebook(key)
        assert [(c.id, c.source) for c in committed.cells] == [
            (c.id, c.source) for c in fresh.cells
        ], f"workshop/source/{name} is stale: run python -m cmcourse.assignments.generate generate"


def test_submit_results_in_the_course_hands_answers_in_for_nbgrader(course):
    from cmcourse.assignments.submit import student_id, write_submission

    answers = {q.id: right_answer(q) for q in QUESTIONS}
    answers[QUESTIONS[0].id] = json.loads(wrong(QUESTIONS[0]))
    paths = write_submission("Trainee123", "Amina Yusuf", answers, course=course)
    student = student_id("Trainee123", "Amina Yusuf")
    assert student == "amina-yusuf-Traine"
    assert (course / "submitted" / student / MODULE / f"{MODULE}.ipynb") in paths
    full = sum(q.points for q in QUESTIONS)
    assert autograde(course, student) == full - QUESTIONS[0].points


def test_every_assignment_handed_in_all_right_scores_full_marks(course):
    """Dates, numbers, lists and mappings as the course saves them grade as right."""
    from cmcourse.assignments.submit import student_id, write_submission

    banks = load_bank()
    answers = {q.id: right_answer(q) for key in assignments() for q in banks[key].questions}
    write_submission("Trainee456", "Brian Okello", answers, course=course)
    student = student_id("Trainee456", "Brian Okello")
    for key, name in assignments().items():
        full = sum(q.points for q in banks[key].questions)
        assert autograde(course, student, name) == full, name


def _tamper(kind: str):
    """A change a trainee's JupyterLab (or the trainee) makes to a notebook's nbgrader
    metadata, as an edit for submit()."""
    first = {"done": False}

    def edit(cell, grade_id):
        meta = cell.metadata.get("nbgrader", {})
        if kind == "schema" and grade_id.startswith("answer-"):
            meta["schema_version"] = 9
        elif kind == "answer-graded" and grade_id.startswith("answer-"):
            meta.update(grade=True, points=5)
        elif kind == "test-ungraded" and grade_id.startswith("test-"):
            meta["grade"] = False
            meta.pop("points", None)
        elif kind == "no-id" and grade_id.startswith("test-") and not first["done"]:
            meta.pop("grade_id")
            first["done"] = True

    return edit


TAMPERED = ["copied", "schema", "answer-graded", "test-ungraded", "no-id"]


def test_metadata_a_trainee_changed_neither_stops_the_grading_nor_changes_a_grade(course):
    """nbgrader stopped the whole autograde at the first notebook whose cell metadata it could
    not read (a locked cell copied and pasted, a schema of another version), or failed that
    trainee's notebook: grading takes every cell's nbgrader metadata from the gradebook."""
    right = {q.id: _solution(q) for q in QUESTIONS}
    full = sum(q.points for q in QUESTIONS)
    for kind in TAMPERED:
        submit(course, f"meta-{kind}", right, edit=_tamper(kind))
    copied = course / "submitted" / "meta-copied" / MODULE / f"{MODULE}.ipynb"
    notebook = nbformat.read(copied, as_version=4)
    test = next(c for c in notebook.cells if "test-" in str(c.metadata.get("nbgrader")))
    pasted = nbformat.from_dict(json.loads(json.dumps(test)) | {"id": "pasted-copy"})
    notebook.cells.insert(notebook.cells.index(test), pasted)  # as JupyterLab pastes a copy
    nbformat.write(notebook, copied)
    submit(course, "meta-zz-after", right)

    done = nbgrader(course, "autograde", MODULE, "--student=meta-*", "--force")
    assert done.returncode == 0, done.stdout + done.stderr
    assert score(course, "meta-zz-after") == full
    for kind in TAMPERED:
        expected = full - (QUESTIONS[0].points if kind == "no-id" else 0)
        assert score(course, f"meta-{kind}") == expected, kind


def test_notebook_metadata_a_trainee_added_is_not_carried_into_grading(course):
    """Widget state in a notebook's metadata makes nbgrader's formgrader, where a trainer reads
    submissions, load each widget's module as a script: one named by a trainee would run as
    the trainer."""
    answers, earned = _half_right()
    submit(course, "widgets", answers)
    nb = course / "submitted" / "widgets" / MODULE / f"{MODULE}.ipynb"
    notebook = nbformat.read(nb, as_version=4)
    notebook.metadata["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {
            "state": {
                "m": {
                    "model_module": "https://attacker.example/owned.js",
                    "model_name": "X",
                    "model_module_version": "1",
                    "state": {},
                }
            },
            "version_major": 2,
            "version_minor": 0,
        }
    }
    notebook.cells[1].metadata["widgets"] = {"attacker.example": True}
    nbformat.write(notebook, nb)
    assert autograde(course, "widgets") == earned
    graded = course / "autograded" / "widgets" / MODULE / f"{MODULE}.ipynb"
    assert "attacker.example" not in graded.read_text()
    done = nbgrader(course, "generate_feedback", MODULE, "--student", "widgets", "--force")
    assert done.returncode == 0, done.stdout + done.stderr
    html = (course / "feedback" / "widgets" / MODULE / f"{MODULE}.html").read_text()
    assert "attacker.example" not in html
