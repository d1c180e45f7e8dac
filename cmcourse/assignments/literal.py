"""Grading reads a trainee's answers as values, and runs none of their code.

`LiteralAnswers` is an nbgrader preprocessor that `workshop/nbgrader_config.py` adds to
`nbgrader autograde`, after nbgrader's `OverwriteCells` has put the locked cells back as they
were generated and before the notebook is run. Every other code cell (an answer cell, a cell
a trainee added or whose nbgrader metadata they changed) keeps only the statements that give
an answer as a value:

    record("m1-six-steps", "b")          # the call the answer cell is generated with
    my_answer = ["a", "c"]                # a name given a value (not one of the notebook's
    record("m1-roles", my_answer)         # own names, nor one of Python's)

Values are read with `ast.literal_eval` and written back by this module, so what runs is
text it wrote itself. Anything else (a function, an import, `exec(...)`, an answer computed
by a call such as `"b".lower()`, a line that rebinds `assert_right`) is left out, and a
comment in its place says what and why: the trainee reads it in nbgrader's feedback. What is
longer than any answers take (MAX_CELL, MAX_WRITTEN, MAX_NOTEBOOK) is left out unread.

A text cell that is not one of the assignment's (markdown or raw, added by the trainee) is
shown as plain text typed by them: the feedback and nbgrader's formgrader render markdown with
its links live, and a `javascript:` link a trainer clicks there runs as the trainer.
"""

from __future__ import annotations

import ast
import builtins
import keyword
import math
import re
from typing import Any

from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor

# The kernel helper's names: never the target of a trainee's assignment.
KERNEL_NAMES = frozenset({"record", "recorded", "assert_right", "start_assignment"})
WHY = (
    'only answers written as values are graded (such as "b", True or ["a", "c"], given '
    "to record or to a name), so other code in an answer cell is not run."
)


class NotAValue(ValueError):
    """A statement grading leaves out, and why (the end of the comment left in its place)."""


def value_source(value: Any) -> str:
    """`value` written as Python literal syntax only: no names, no calls. Tuples and sets
    become lists, as `record` stores them."""
    if value is None or isinstance(value, bool | int | str):
        return repr(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NotAValue("a number too large to be an answer, so it was not recorded.")
        return repr(value)
    if isinstance(value, list | tuple | set | frozenset):
        return "[" + ", ".join(value_source(v) for v in value) + "]"
    # A key stays a key: a tuple written as a list would not be one.
    if isinstance(value, dict) and all(k is None or isinstance(k, bool | int | str) for k in value):
        items = (f"{value_source(k)}: {value_source(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    raise NotAValue(
        "answers are text, numbers, True or False, and lists or pairings of these; this one "
        "is not, so it was not recorded."
    )


# What grading reads: more than any answers take, and it is left out unread (grading runs as
# the trainer: a cell or notebook made to take hours or all the memory would stop it).
MAX_CELL = 20_000  # characters of a cell's source
MAX_WRITTEN = 2 * MAX_CELL  # characters a cell's answers are written back as
MAX_NOTEBOOK = 1_000_000  # characters of all the trainee's cells together
TOO_LONG = "it is longer than any answer, so it was not recorded."


def _excerpt(statement: ast.stmt, lines: list[str]) -> str:
    """The statement's first line, shortened, from the cell's lines split once (Python's own
    `ast.get_source_segment` splits the whole cell again for each statement)."""
    line = lines[statement.lineno - 1].encode()  # offsets count UTF-8 bytes
    end = statement.end_col_offset if statement.end_lineno == statement.lineno else None
    text = line[statement.col_offset : end].decode(errors="replace")
    parts = text.splitlines() or [""]  # every line break Python knows, and more
    first = parts[0].strip()
    if statement.end_lineno != statement.lineno or len(parts) > 1 or len(first) > 60:
        first = first[:60].rstrip() + " ..."
    return first.replace("`", "'")


def _left_out(line: int, excerpt: str, why: str = WHY) -> str:
    return f"# Left out at grading, line {line} (`{excerpt}`): {why}"


def literal_cell(source: str, protected: frozenset[str], names: dict[str, Any]) -> str:
    """The answer cell `source` as grading runs it: its answers as values, and a comment for
    everything left out. `names` holds the values given to names so far (updated here);
    `protected` the names a trainee may not give a value to."""
    if len(source) > MAX_CELL:
        return (
            f"# Left out at grading: this cell is longer than any answers take (over "
            f"{MAX_CELL:,} characters), so none of it was read or run."
        )
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError) as problem:
        line = getattr(problem, "lineno", None)  # a SyntaxError's; a ValueError has none
        where = f" (line {line})" if line else ""
        return (
            f"# Left out at grading: this cell is not valid Python{where}, so no answer in it "
            "could be read and none of it was run."
        )
    lines = re.split(r"\r\n|\r|\n", source)  # as Python numbers a cell's lines
    out: list[str] = []
    written = 0
    for statement in tree.body:
        try:
            text = _statement(statement, protected, names)
            if written + len(text) > MAX_WRITTEN:
                raise NotAValue(TOO_LONG)
            written += len(text)
            out.append(text)
        except NotAValue as problem:
            out.append(_left_out(statement.lineno, _excerpt(statement, lines), str(problem)))
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            out.append(_left_out(statement.lineno, _excerpt(statement, lines)))
    return "\n".join(out)


def _value(node: ast.expr, names: dict[str, Any]) -> Any:
    if isinstance(node, ast.Name) and node.id in names:
        return names[node.id]
    return ast.literal_eval(node)  # ValueError (or TypeError, ...) for anything but a literal


def _statement(statement: ast.stmt, protected: frozenset[str], names: dict[str, Any]) -> str:
    if (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(target := statement.targets[0], ast.Name)
    ):
        name = target.id
        if name in protected or name.startswith("_") or keyword.iskeyword(name):
            raise NotAValue(
                f"{name} is a name the notebook or Python itself uses, so it cannot be given "
                "an answer; use a name of your own."
            )
        value = _value(statement.value, names)
        text = f"{name} = {value_source(value)}"
        names[name] = value
        return text
    if (
        isinstance(statement, ast.Expr)
        and isinstance(call := statement.value, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id == "record"
        and len(call.args) == 2
        and not call.keywords
        and not any(isinstance(a, ast.Starred) for a in call.args)
    ):
        question = _value(call.args[0], names)
        if not isinstance(question, str):
            raise ValueError(question)
        return f"record({value_source(question)}, {value_source(_value(call.args[1], names))})"
    raise ValueError(type(statement).__name__)


def _bound(source: str) -> set[str]:
    """The names a locked cell gives a value to (its imports, say)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.alias):
            found.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            found.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found.add(node.name)
    return found


TYPED = "*Text added by the trainee, not graded, shown as it was typed:*"


def typed_text(source: str) -> str:
    """A trainee's text cell as markdown that shows it as typed: an indented code block, from
    which no line can step out (no link, no HTML, no formatting is rendered)."""
    lines = source.splitlines() or [""]
    return TYPED + "\n\n" + "\n".join("    " + line for line in lines)


class LiteralAnswers(NbGraderPreprocessor):
    """Keep of every code cell that is not a locked cell of the assignment only its answers
    as values, and show every such text cell as typed (module docstring). Runs in autograde's
    sanitizing step, after OverwriteCells."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            notebook = gb.find_notebook(info["notebook"], info["assignment"])
            locked = {
                cell.name: (cell.cell_type, cell.source)
                for cell in notebook.source_cells
                if cell.locked
            }
        trusted = [
            cell
            for cell in nb.cells
            if locked.get(cell.metadata.get("nbgrader", {}).get("grade_id"))
            == (cell.cell_type, cell.source)
        ]
        protected = frozenset(
            KERNEL_NAMES
            | set(dir(builtins))
            | {n for c in trusted if c.cell_type == "code" for n in _bound(c.source)}
        )
        names: dict[str, Any] = {}
        read = 0
        for cell in nb.cells:
            if any(cell is t for t in trusted):
                continue
            read += len(cell.source)
            if read > MAX_NOTEBOOK:
                cell.cell_type, cell.outputs, cell.execution_count = "code", [], None
                cell.source = (
                    "# Left out at grading: the cells before this one are longer than any "
                    f"answers take (over {MAX_NOTEBOOK:,} characters), so it was not read."
                )
                continue
            if cell.cell_type != "code":
                cell.cell_type = "markdown"
                cell.source = typed_text(cell.source)
                cell.pop("attachments", None)
                continue
            cell.source = literal_cell(cell.source, protected, names)
            if "# Left out at grading" in cell.source:
                self.log.warning(
                    "Cell %s: code left out at grading, only its values are graded",
                    cell.metadata.get("nbgrader", {}).get("grade_id", "(added by the trainee)"),
                )
        return nb, resources
