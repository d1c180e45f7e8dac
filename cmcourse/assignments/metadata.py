"""What grading reads of a submitted notebook's metadata comes from the gradebook.

A trainee's JupyterLab writes a notebook's metadata as freely as its cells, and nbgrader trusts
it: a locked cell copied and pasted, or a cell's nbgrader schema of another version, stopped
the whole autograde for everyone after it; a cell marked graded or not graded against the
gradebook failed that trainee's notebook; and widget state in the notebook's metadata made
nbgrader's formgrader (a trainer's browser, on the hub's address) load the script each widget
names. `GradebookMetadata`, autograde's first sanitizing step after ClearOutput, gives each
cell that names one of the assignment's cells that cell's nbgrader metadata as the gradebook has
it, takes it from any other cell (a cell of the trainee's own, graded as such), and keeps of the
notebook's own metadata only what runs it.
"""

from __future__ import annotations

from typing import Any

from nbformat import from_dict
from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor

SCHEMA = 3  # nbgrader's cell metadata schema, as the released notebooks carry it
NOTEBOOK_KEYS = ("kernelspec", "language_info")


class GradebookMetadata(NbGraderPreprocessor):
    """Cell and notebook metadata from the gradebook (module docstring)."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            notebook = gb.find_notebook(info["notebook"], info["assignment"])
            points = {cell.name: cell.max_score for cell in notebook.grade_cells}
            solutions = {cell.name for cell in notebook.solution_cells}
            cells = {
                cell.name: {
                    "schema_version": SCHEMA,
                    "grade_id": cell.name,
                    "grade": cell.name in points,
                    "solution": cell.name in solutions,
                    "locked": cell.locked,
                    "task": False,
                    **({"points": points[cell.name]} if cell.name in points else {}),
                }
                for cell in notebook.source_cells
            }
        nb.metadata = from_dict({k: nb.metadata[k] for k in NOTEBOOK_KEYS if k in nb.metadata})
        seen = set()
        for cell in reversed(nb.cells):  # a cell copied: the last copy is the one (as nbgrader)
            grade_id = _grade_id(cell.metadata.get("nbgrader"))
            cell.metadata = from_dict({})
            if grade_id in cells and grade_id not in seen:
                cell.metadata.nbgrader = from_dict(cells[grade_id])
                seen.add(grade_id)
            cell.pop("attachments", None)
        return nb, resources


def _grade_id(meta: Any) -> str | None:
    found = meta.get("grade_id") if isinstance(meta, dict) else None
    return found if isinstance(found, str) else None
