"""nbgrader assignments generated from the question bank (one per module).

    python -m cmcourse.assignments.generate generate      # write workshop/source/ from course/bank/

Each question becomes three cells: its prompt (locked), an answer cell where the trainee
passes a value to `record(...)`, and a locked, graded test cell whose hidden test imports
`assert_right` and carries the right answer (grading keeps only the answers' values:
`cmcourse/assignments/literal.py`); nbgrader strips hidden tests and solutions on release, so
the released notebook carries no answer key. A locked setup cell gives `record` each answer's
form (kind and ids), so a grading kernel loads neither the bank nor pydantic
(bench/bench_autograde.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

from cmcourse.core.bank import load_bank
from cmcourse.core.paths import ROOT

WORKSHOP = ROOT / "workshop"
SOURCE = WORKSHOP / "source"


def _meta(
    grade_id: str, *, grade: bool, solution: bool, locked: bool, points: int | None = None
) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def python_literal(value: Any) -> str:
    """A value the bank or the course holds (JSON-like) as Python source on one line."""
    return repr(value) if value is None or isinstance(value, bool) else json.dumps(value)


def _solution(q: Any) -> str:
    return python_literal(q.right_answer())


LINE = 100  # ruff's line length: generated code is left as `ruff format` would write it


def _literal(value: Any, indent: int, tail: str = "", start: int | None = None) -> str:
    """`value` as Python source in a block indented by `indent`, starting at column `start`
    (`indent` if not given) and followed by `tail`: on one line if it fits, else one item a
    line with trailing commas, which `ruff format` keeps."""
    if isinstance(value, bool) or not isinstance(value, dict | list):
        return python_literal(value) + tail
    flat = json.dumps(value)
    if (indent if start is None else start) + len(flat) + len(tail) <= LINE:
        return flat + tail
    inner = indent + 4
    if isinstance(value, dict):
        items = [
            f"{json.dumps(k)}: {_literal(v, inner, ',', inner + len(json.dumps(k)) + 2)}"
            for k, v in value.items()
        ]
    else:
        items = [_literal(v, inner, ",") for v in value]
    brackets = "{}" if isinstance(value, dict) else "[]"
    lines = "".join(f"{' ' * inner}{item}\n" for item in items)
    return f"{brackets[0]}\n{lines}{' ' * indent}{brackets[1]}{tail}"


def _call(name: str, *args: Any) -> str:
    """A call with literal arguments, laid out as `ruff format` would leave it."""
    flat = f"{name}({', '.join(_literal(a, 0) for a in args)})"
    if "\n" not in flat and len(flat) <= LINE:
        return flat
    return f"{name}(\n" + "".join(f"    {_literal(a, 4, ',')}\n" for a in args) + ")"


def module_notebook(module: str) -> NotebookNode:
    bank = load_bank()[module]
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    heading = (
        f"# CM 101, Module {bank.module}: {bank.title}. Knowledge checks"
        if module.isdigit()
        else f"# CM 101, {bank.title}: the caseworker's decisions\n\nRead Nadia's case study "
        "(its overview and six steps) first: each question is a decision the caseworker made "
        "in her case."
    )
    cells = [
        nbformat.v4.new_markdown_cell(
            f"{heading}\n\n"
            "Answer each question in the cell under it: replace `None` with your answer, then "
            "run the cell. It tells you if your answer is not in the expected form (for "
            "example a letter where a list is needed); it does not tell you if it is right. "
            "Do not change the other cells.",
            metadata=_meta("intro", grade=False, solution=False, locked=True),
        ),
        nbformat.v4.new_code_cell(
            "from cmcourse.assignments.kernel import record, start_assignment\n\n"
            "# The form each answer takes (never the answer), so each cell can check yours.\n"
            + _call("start_assignment", {q.id: q.answer_form() for q in bank.questions}),
            metadata=_meta("setup", grade=False, solution=False, locked=True),
        ),
    ]
    for n, q in enumerate(bank.questions, 1):
        right = q.right_answer()  # a computed question runs cmsim: once, for both cells
        cells.append(
            nbformat.v4.new_markdown_cell(
                f"## Question {n} (section {q.section}, {q.points} point{'s' * (q.points != 1)})"
                f"\n\n{q.prompt}\n\n{q.assignment_help()}",
                metadata=_meta(f"prompt-{q.id}", grade=False, solution=False, locked=True),
            )
        )
        cells.append(
            nbformat.v4.new_code_cell(
                f'record(\n    "{q.id}",\n    ### BEGIN SOLUTION\n'
                f"    {_literal(right, 4, ',')}\n    ### END SOLUTION\n)",
                metadata=_meta(f"answer-{q.id}", grade=False, solution=True, locked=False),
            )
        )
        cells.append(
            nbformat.v4.new_code_cell(
                f'"""Question {n} ({q.id}) is answered right."""\n\n'
                "### BEGIN HIDDEN TESTS\n"
                # imported here, so no name a trainee's cell could give a value to is used
                "from cmcourse.assignments.kernel import assert_right\n\n"
                f"{_call('assert_right', q.id, right)}\n"
                "### END HIDDEN TESTS",
                metadata=_meta(
                    f"test-{q.id}", grade=True, solution=False, locked=True, points=q.points
                ),
            )
        )
    for cell in cells:  # ids that stay the same when the notebook is generated again
        cell.id = cell.metadata["nbgrader"]["grade_id"]
    nb.cells = cells
    return nb


def assignments() -> dict[str, str]:
    """The workshop's assignments by bank key: one per CM 101 module with knowledge checks,
    and one for the structured decisions of the Nadia case study."""
    return {
        key: f"module{key}" if key.isdigit() else key
        for key, bank in sorted(load_bank().items())
        if bank.questions and (key.isdigit() or key == "nadia")
    }


def generate(source: Path = SOURCE) -> list[Path]:
    """Write every assignment's source notebook."""
    written = []
    for key, name in assignments().items():
        path = source / name / f"{name}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(module_notebook(key), path)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="cm101-workshop",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("command", choices=["generate"])
    args = parser.parse_args(argv)
    if args.command == "generate":
        for path in generate():
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
