"""Grading runs trainees' code (issue 17, critical): a submission that tries to write outside
its sandbox, read the hub's secrets or the answer keys, reach the network or shadow the
grading code gets nowhere, and its grade is still recorded. Real nbgrader autograde runs."""

from __future__ import annotations

import json
import os
import secrets
import socket
import sys
from pathlib import Path

import nbformat
import pytest
from gradebook import MODULE, QUESTIONS, autograde, submit, workshop_copy

from cmcourse.assignments import sandbox
from cmcourse.assignments.generate import _solution

pytestmark = pytest.mark.nbgrader

ROOT = Path(__file__).resolve().parents[2]

ATTACK = """
import json, os, socket
report = {{"uid": os.getuid()}}

def attempt(name, action):
    try:
        report[name] = action()
    except Exception as problem:
        report[name] = "refused: " + type(problem).__name__

attempt("write outside", lambda: open({outside!r}, "w").write("a trainee was here"))
attempt("write the environment", lambda: open({venv!r}, "w").write("x"))
attempt("read a secret", lambda: open({secret!r}).read())
attempt("read the answer key", lambda: open({bank!r}).read()[:80])
attempt("read the solutions", lambda: os.listdir({source!r}))
attempt("read /etc/shadow", lambda: open("/etc/shadow").read()[:20])
attempt("network", lambda: str(socket.create_connection(("127.0.0.1", {port}), 3)))
attempt("take all the memory", lambda: len(bytearray(8 * 2**30)))
def fill(folder):
    for name in ("a", "b"):
        with open(os.path.join(folder, name), "wb") as out:
            for _ in range(90):
                out.write(bytes(2**20))
    return "filled"
attempt("fill /tmp", lambda: fill("/tmp"))
for name in ("a", "b"):
    if os.path.exists(os.path.join("/tmp", name)):
        os.remove(os.path.join("/tmp", name))
print("SANDBOX " + json.dumps(report))
"""

# The grading code shadowed by a file handed in with the notebook: every test would pass.
SHADOW = "def assert_right(*args):\n    pass\n\ndef record(*args):\n    pass\n"


# Autograde runs none of a trainee's code but their answers' values (cmcourse/assignments/
# literal.py, tested in tests/assignments/test_workshop.py); the sandbox is the guard behind it,
# and the only one for `nbgrader validate`. Here it is tested alone: this copy runs the code.
RUN_TRAINEE_CODE = """
from cmcourse.assignments.literal import LiteralAnswers
c.Autograde.sanitize_preprocessors = [
    p for p in c.Autograde.sanitize_preprocessors if p is not LiteralAnswers
]
"""


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    root = workshop_copy(tmp_path_factory.mktemp("sandboxed"))
    with (root / "nbgrader_config.py").open("a") as config:
        config.write(RUN_TRAINEE_CODE)
    return root


def test_a_hostile_submission_gets_nowhere_and_is_still_graded(course, tmp_path):
    outside = tmp_path / "written-by-a-trainee"
    secret = tmp_path / "hub-secret"
    secret.write_text(f"cookie-secret-{secrets.token_hex(8)}")
    secret.chmod(0o600)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.setblocking(False)
    attack = ATTACK.format(
        outside=str(outside),
        venv=str(Path(sys.prefix) / "written-by-a-trainee"),
        secret=str(secret),
        bank=str(ROOT / "course" / "bank" / "module1.yaml"),
        source=str(course / "source" / MODULE),
        port=listener.getsockname()[1],
    )

    def hostile(cell, grade_id):
        if grade_id.startswith("answer-"):  # every answer cell runs the attack first
            cell.source = attack + "\n" + cell.source

    # Every answer right but one, so the grade tells a real score from a shadowed one.
    answers = {q.id: _solution(q) for q in QUESTIONS}
    answers[QUESTIONS[0].id] = "None"
    submit(course, "hostile", answers, edit=hostile)
    shadow = course / "submitted" / "hostile" / MODULE / "cmcourse" / "assignments"
    shadow.mkdir(parents=True)
    (shadow.parent / "__init__.py").write_text("")
    (shadow / "__init__.py").write_text("")
    (shadow / "kernel.py").write_text(SHADOW)

    full = sum(q.points for q in QUESTIONS)
    assert autograde(course, "hostile") == full - QUESTIONS[0].points  # recorded, and real

    graded = nbformat.read(
        course / "autograded" / "hostile" / MODULE / f"{MODULE}.ipynb", as_version=4
    )
    printed = [
        o.get("text", "")
        for c in graded.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    ]
    reports = [
        json.loads(t.split("SANDBOX ", 1)[1].splitlines()[0]) for t in printed if "SANDBOX " in t
    ]
    assert len(reports) == len(QUESTIONS)
    for report in reports:
        uid = report.pop("uid")
        assert uid != 0 and (os.geteuid() != 0 or uid == sandbox.NOBODY)
        for what, outcome in report.items():
            assert str(outcome).startswith("refused: "), f"{what}: {outcome}"
    assert not outside.exists() and not (Path(sys.prefix) / "written-by-a-trainee").exists()
    assert secret.read_text() not in json.dumps(printed)
    with pytest.raises(BlockingIOError):
        listener.accept()  # nobody knocked
    listener.close()


def test_grading_says_what_to_install_when_the_sandbox_is_missing(monkeypatch):
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    assert sandbox.check() == sandbox.INSTALL_BUBBLEWRAP
    assert "apt-get install bubblewrap" in sandbox.INSTALL_BUBBLEWRAP


def test_the_grading_kernel_starts_only_for_a_grading_run(tmp_path, capsys):
    stray = tmp_path / "kernel-1.json"  # e.g. the trainer's own runtime folder: other kernels
    stray.write_text("{}")
    assert sandbox.main(["-f", str(stray)]) == 1
    assert "make grade ASSIGNMENT=module1" in capsys.readouterr().err
