"""The workshop's nbgrader course folder for tests: a copy of workshop/ with every assignment
generated, submissions written as a trainee's notebook would be, real nbgrader commands."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from cmcourse.assignments.generate import WORKSHOP, assignments
from cmcourse.core.bank import load_bank

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


def score(course: Path, student: str, assignment: str = MODULE) -> float:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return gb.find_submission(assignment, student).score


def autograde(course: Path, student: str, assignment: str = MODULE) -> float:
    done = nbgrader(course, "autograde", assignment, "--student", student, "--force")
    assert done.returncode == 0, done.stdout + done.stderr
    return score(course, student, assignment)


def workshop_copy(folder: Path) -> Path:
    """A copy of workshop/ in `folder` (nothing nbgrader made), every assignment generated."""
    root = folder / "workshop"
    shutil.copytree(
        WORKSHOP,
        root,
        ignore=shutil.ignore_patterns(
            "release", "submitted", "autograded", "feedback", "gradebook.db"
        ),
    )
    for name in assignments().values():
        done = nbgrader(root, "generate_assignment", name, "--force")
        assert done.returncode == 0, done.stdout + done.stderr
    return root
