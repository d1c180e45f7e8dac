"""A trainee's hand-in: the answers as nbgrader submissions, so a trainer grades the friendly
course with `nbgrader autograde`. The results page takes `hand_in` as a callable; the core never
imports this wing."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat

from cmcourse.assignments.generate import WORKSHOP, assignments, module_notebook, python_literal

if TYPE_CHECKING:
    from cmcourse.core.results import Summary
    from cmcourse.core.store import ProgressStore

log = logging.getLogger("cm101")


def workshop_dir() -> Path:
    """The nbgrader course directory that receives submissions ($CM101_WORKSHOP_DIR)."""
    import os

    return Path(os.environ.get("CM101_WORKSHOP_DIR", WORKSHOP))


def student_id(trainee_id: str, name: str) -> str:
    """An nbgrader student id a trainer recognises: the name, then the trainee's id."""
    import re

    slug = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:30] or "trainee"
    return f"{slug}-{trainee_id[:6]}"


def write_submission(
    trainee_id: str, name: str, answers: dict[str, Any], course: Path = WORKSHOP
) -> list[Path]:
    """The trainee's answers as nbgrader submissions (submitted/<student>/<assignment>/), one
    per assignment (the modules and Nadia's case), so the trainer grades the friendly course
    with `nbgrader autograde`."""
    import datetime as dt

    student = student_id(trainee_id, name)
    written = []
    for key, assignment in assignments().items():
        nb = module_notebook(key)
        for cell in nb.cells:
            grade_id = cell.metadata["nbgrader"]["grade_id"]
            if grade_id.startswith("answer-"):
                qid = grade_id.removeprefix("answer-")
                cell.source = f'record(\n    "{qid}",\n    {python_literal(answers.get(qid))},\n)'
            elif grade_id.startswith("test-"):
                # What a trainee receives has no hidden test; autograde puts it back.
                cell.source = cell.source.split("### BEGIN HIDDEN TESTS")[0].rstrip() + "\n"
        folder = course / "submitted" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / f"{assignment}.ipynb")
        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f %Z")
        (folder / "timestamp.txt").write_text(stamp)
        written.append(folder / f"{assignment}.ipynb")
    return written


def hand_in(store: ProgressStore, summary: Summary) -> str:
    """Write the answers as nbgrader submissions; say plainly if that failed."""
    try:
        write_submission(store.trainee_id, store.name or "", summary.answers, workshop_dir())
    except OSError:
        log.exception("writing the nbgrader submission failed")
        return (
            "Your results are saved, but they could not be handed in to your trainer for "
            "grading just now; please tell your trainer."
        )
    if os.environ.get("JUPYTERHUB_USER"):  # on a workshop hub the trainer collects through
        # nbgrader's exchange: the copy above stays in the trainee's own folder
        return (
            "Your results are saved with your progress, which your trainer's workshop view "
            "shows. To hand in an assignment for grading, submit it from the Assignments tab "
            "of JupyterLab, as your trainer explains."
        )
    return "Your answers have also been handed in to your trainer for grading."
