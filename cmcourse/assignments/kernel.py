"""What trainees call in nbgrader assignments: `record(question_id, value)`.

The value is passed explicitly (no kernel globals are read); `record` checks its type and
shape and says how to fix it, without ever revealing whether it is right. The notebook's
locked setup cell gives `start_assignment` the form of each answer (its kind and the ids a
trainee may use, never the answer), and each hidden test calls
`assert_right(question_id, expected)` with the answer key, which nbgrader strips from what it
releases.

Standard library only, and no reading of the question bank: every graded kernel imports this,
so what it costs is paid once per submission (bench/bench_autograde.py). What counts as the
right answer is `cmcourse.core.answers.is_right`, the same function the course's checks use.
"""

from __future__ import annotations

import sys
from typing import Any

from cmcourse.core.answers import is_right, problem

_forms: dict[str, dict[str, Any]] = {}
_answers: dict[str, Any] = {}


def start_assignment(forms: dict[str, dict[str, Any]]) -> None:
    """Get this kernel ready for an assignment (its locked setup cell calls this).

    `forms` says what form each question's answer takes, by question id: {"kind": single,
    multiple, true_false, matching, ordering, date or number, and the ids the kind needs:
    "options", "terms" and "labels", or "items"}. Errors are shown as plain tracebacks: a
    failed hidden test then reads as its message, and costs the grading kernel a hundredth
    of a second instead of the first verbose traceback's tenth or more.
    """
    _forms.update(forms)
    ipython = sys.modules.get("IPython")  # only inside a kernel; never imported here
    shell = ipython.get_ipython() if ipython else None
    if shell is not None and hasattr(shell, "InteractiveTB"):
        shell.InteractiveTB.set_mode("Plain")


def record(question_id: str, value: Any) -> None:
    """Record your answer to one question. It is checked only for its form here."""
    form = _forms.get(question_id)
    if form is None:
        print(
            f"Not recorded: this notebook has no question {question_id!r}. Keep the question "
            "id as it was given, and run the notebook's first code cell before this one."
        )
        return
    why = problem(form, value)
    if why:
        print(f"Not recorded yet for {question_id}: {why}.")
        _answers.pop(question_id, None)
        return
    _answers[question_id] = list(value) if isinstance(value, tuple | set) else value
    print(f"Answer to {question_id} recorded.")


def recorded(question_id: str) -> Any:
    return _answers.get(question_id)


def assert_right(question_id: str, expected: Any) -> None:
    """For the assignment's hidden tests: fail unless the recorded answer is `expected`."""
    value = _answers.get(question_id)
    assert value is not None, f"No answer was recorded for {question_id}."
    right = is_right(_forms[question_id]["kind"], value, expected)
    assert right, f"The answer to {question_id} is not right."
