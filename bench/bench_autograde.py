"""Time to autograde module 1 with real `nbgrader autograde`, beside a one-cell assignment.

    .venv/bin/python bench/bench_autograde.py [--submissions 30] [--runs 2]

Target: autograding a module 1 submission takes at most 1.3 x what nbgrader takes for a
minimal assignment (one graded cell), measured in the same run on the same machine. Both are
graded in a temporary copy of workshop/, the submissions made as
tests/assignments/test_workshop.py makes them; runs alternate between the two and the best
run of each counts (this machine is shared and its speed varies). The ratio compares a
typical submission (the median one, plus its share of the run's start-up; see `autograde`),
which other people's jobs disturb less than total time; the ratio of total times is shown
beside it. Then it shows where the kernel's time goes, cell by cell, and what the
assignment's setup cell costs. Always exits 0."""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cmcourse.assignments.generate import WORKSHOP, _meta, _solution  # noqa: E402
from cmcourse.core.bank import find  # noqa: E402 - after the path set-up

BIN = Path(sys.executable).parent
ENV = os.environ | {"PATH": f"{BIN}:{os.environ['PATH']}"}
TARGET = 1.3
MODULE = "module1"
BASELINE = "baseline"
SOURCE = WORKSHOP / "source" / MODULE / f"{MODULE}.ipynb"
_CELLS = nbformat.read(SOURCE, as_version=4).cells
# The questions as the committed assignment has them (the bank may be ahead of it).
QUESTIONS = [
    find(cell.metadata["nbgrader"]["grade_id"].removeprefix("answer-"))
    for cell in _CELLS
    if cell.metadata["nbgrader"]["grade_id"].startswith("answer-")
]
# The locked cell every grading kernel runs first: what it imports is paid per submission.
SETUP = next(c.source for c in _CELLS if c.metadata["nbgrader"]["grade_id"] == "setup")


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [str(BIN / "nbgrader"), *args],
        cwd=course,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if done.returncode != 0:
        raise SystemExit(f"nbgrader {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done


def baseline_notebook() -> nbformat.NotebookNode:
    """The smallest assignment: one graded, locked test cell."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_code_cell(
            '"""One plus one is two."""\nassert 1 + 1 == 2',
            metadata=_meta("test-baseline", grade=True, solution=False, locked=True, points=1),
        )
    ]
    return nb


def wrong(q) -> str:
    if q.type == "single":
        return json.dumps(next(o.id for o in q.options if o.id != q.answer))
    if q.type == "true_false":
        return repr(not q.answer)
    if q.type == "ordering":
        return json.dumps(q.shuffled)
    raise AssertionError(q.type)


def make_course(tmp: Path, submissions: int) -> tuple[Path, dict[str, float]]:
    """A copy of workshop/ with both assignments released and submitted by every student;
    returns the course folder and each student's expected module 1 score."""
    course = tmp / "workshop"
    shutil.copytree(
        WORKSHOP,
        course,
        ignore=shutil.ignore_patterns(
            "release", "submitted", "autograded", "feedback", "gradebook.db", "*.ipynb"
        ),
    )
    # The ignore above also skipped the sources (and report.ipynb): copy module 1's back.
    source = course / "source" / MODULE
    source.mkdir(parents=True, exist_ok=True)
    shutil.copy(SOURCE, source)
    (course / "source" / BASELINE).mkdir(parents=True, exist_ok=True)
    nbformat.write(baseline_notebook(), course / "source" / BASELINE / f"{BASELINE}.ipynb")
    for assignment in (MODULE, BASELINE):
        nbgrader(course, "generate_assignment", assignment, "--force")

    released = nbformat.read(course / "release" / MODULE / f"{MODULE}.ipynb", as_version=4)
    bare = nbformat.read(course / "release" / BASELINE / f"{BASELINE}.ipynb", as_version=4)
    expected = {}
    for n in range(submissions):
        student = f"trainee{n:02d}"
        nb = nbformat.from_dict(json.loads(json.dumps(released)))
        score = 0
        for i, q in enumerate(QUESTIONS):
            right = (n + i) % 3 != 0  # a known mix: about two answers in three right
            score += q.points if right else 0
            for cell in nb.cells:
                if cell.metadata.get("nbgrader", {}).get("grade_id") == f"answer-{q.id}":
                    cell.source = f'record("{q.id}", {_solution(q) if right else wrong(q)})'
        expected[student] = score
        for assignment, notebook in ((MODULE, nb), (BASELINE, bare)):
            folder = course / "submitted" / student / assignment
            folder.mkdir(parents=True, exist_ok=True)
            nbformat.write(notebook, folder / f"{assignment}.ipynb")
    return course, expected


def autograde(course: Path, assignment: str) -> tuple[float, float]:
    """Seconds for the whole run, and for a typical submission in it: the median
    submission's own time (from nbgrader's time-stamped log, so a burst of someone else's
    work on this shared machine slows a few submissions, not the figure) plus its share of
    the run's start-up."""
    start = time.perf_counter()
    done = nbgrader(
        course, "autograde", assignment, "--force",
        "--Application.log_format=%(created).3f %(message)s",
    )  # fmt: skip
    wall = time.perf_counter() - start
    stamped = [
        (float(line.split(" ", 1)[0]), line)
        for line in (done.stderr + done.stdout).splitlines()
        if re.match(r"\d+\.\d{3} ", line)
    ]
    # A submission runs from its "Creating/updating student" line to the next one's.
    starts = [t for t, line in stamped if "Creating/updating student with ID" in line]
    own = [b - a for a, b in itertools.pairwise([*starts, stamped[-1][0]])]
    return wall, statistics.median(own) + (wall - sum(own)) / len(own)


def scores(course: Path, assignment: str) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {s.student.id: s.score for s in gb.assignment_submissions(assignment)}


# -- where the time goes ----------------------------------------------------------------------
def cell_times(notebook: Path) -> list[tuple[float, str]]:
    """Seconds per cell when the autograded notebook is run again in a fresh kernel."""
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", record_timing=True, allow_errors=True,
        resources={"metadata": {"path": str(notebook.parent)}},
    )  # fmt: skip
    client.execute(stderr=subprocess.DEVNULL)  # the kernel's start-up notices
    out = []
    for cell in nb.cells:
        timing = cell.metadata.get("execution", {})
        if cell.cell_type != "code" or "shell.execute_reply" not in timing:
            continue
        began = _instant(timing["iopub.execute_input"])
        ended = _instant(timing["shell.execute_reply"])
        out.append((ended - began, cell.source.strip().splitlines()[0][:60]))
    return out


def _instant(stamp: str) -> float:
    import datetime as dt

    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def kernel_start(runs: int = 3) -> float:
    """Seconds to start a python3 kernel and run one empty cell (best of runs)."""
    from jupyter_client.manager import start_new_kernel

    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        km, kc = start_new_kernel(kernel_name="python3", stderr=subprocess.DEVNULL)
        kc.execute_interactive("pass", timeout=60)
        best = min(best, time.perf_counter() - start)
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return best


def fresh(code: str, runs: int = 5) -> float:
    """Best time of `code` in a fresh interpreter where ipykernel is already imported (as in
    a kernel), measured inside it."""
    timed = (
        "import time, ipykernel.ipkernel\nt = time.perf_counter()\n"
        f"{code}\nprint(time.perf_counter() - t)"
    )
    return min(
        float(
            subprocess.run(
                [sys.executable, "-c", timed], cwd=ROOT, capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(runs)
    )


STEPS = {  # (file, function) in nbgrader's autograde -> what it is
    ("nbclient/client.py", "setup_kernel"): "start and stop the kernel",
    ("nbconvert/preprocessors/execute.py", "preprocess_cell"): "run the cells in the kernel",
    ("nbgrader/preprocessors/checkcellmetadata.py", "preprocess"): "check cell metadata (x2)",
    ("nbgrader/preprocessors/overwritecells.py", "preprocess"): "restore locked cells",
    ("nbgrader/preprocessors/saveautogrades.py", "preprocess"): "save grades to the gradebook",
    ("nbgrader/converters/autograde.py", "convert_single_notebook"): "all, per submission",
}


def nbgrader_steps(course: Path, assignment: str, students: int) -> dict[str, float]:
    """Seconds per submission in each step of `nbgrader autograde`, under cProfile."""
    import pstats

    out = Path(course) / f"{assignment}.prof"
    subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(out), str(BIN / "nbgrader"),
         "autograde", assignment, "--force"],
        cwd=course, env=ENV, capture_output=True, check=True,
    )  # fmt: skip
    stats = pstats.Stats(str(out)).stats  # type: ignore[attr-defined]
    steps = dict.fromkeys(STEPS.values(), 0.0)
    for (filename, _line, function), (_cc, _nc, _tt, cumulative, _callers) in stats.items():
        for (suffix, name), label in STEPS.items():
            if function == name and filename.endswith(suffix):
                steps[label] += cumulative / students
    return steps


def import_costs(top: int = 6) -> list[tuple[float, str]]:
    """The heaviest imports of the setup cell that a kernel has not already loaded."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import ipykernel.ipkernel\n{SETUP}"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    lines = [ln for ln in done.stderr.splitlines() if ln.startswith("import time:")]
    # Everything ipykernel needs comes first; what follows is what the setup cell adds.
    start = next(i for i, ln in enumerate(lines) if ln.rstrip().endswith("ipykernel.ipkernel"))
    rows = []
    for line in lines[start + 1 :]:
        _own, total, name = line.removeprefix("import time:").split("|")
        depth = (len(name) - len(name.lstrip()) - 1) // 2  # nesting shown by indentation
        if depth <= 2:
            rows.append((int(total) / 1e6, name.strip()))
    return sorted(rows, reverse=True)[:top]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=30)
    parser.add_argument("--runs", type=int, default=2, help="timed runs of each assignment")
    args = parser.parse_args(argv)
    n = args.submissions

    with tempfile.TemporaryDirectory(prefix="cm101-bench-") as tmp:
        t0 = time.perf_counter()
        course, expected = make_course(Path(tmp), n)
        print(f"Course copied, both assignments released, {n} submissions each "
              f"({time.perf_counter() - t0:.1f} s).\n")  # fmt: skip

        times: dict[str, list[float]] = {MODULE: [], BASELINE: []}
        typical: dict[str, list[float]] = {MODULE: [], BASELINE: []}
        for run in range(args.runs):
            order = (BASELINE, MODULE) if run % 2 == 0 else (MODULE, BASELINE)
            for assignment in order:
                wall, one = autograde(course, assignment)
                times[assignment].append(wall)
                typical[assignment].append(one)
                print(f"  run {run + 1}: {assignment:<9} {wall:6.1f} s, typical submission "
                      f"{one:.2f} s")  # fmt: skip
        graded = scores(course, MODULE)
        right = sum(graded.get(s) == v for s, v in expected.items())
        bare_ok = sum(v == 1 for v in scores(course, BASELINE).values())

        best = {a: min(t) / n for a, t in times.items()}
        best_typical = {a: min(t) for a, t in typical.items()}
        ratio = best_typical[MODULE] / best_typical[BASELINE]
        print(f"\nAutograding {n} submissions with `nbgrader autograde` (best of {args.runs}):")
        print(f"  {'assignment':<44}{'total':>8}{'total/sub':>11}{'typical sub':>13}")
        for label, key in (
            ("one graded cell (baseline)", BASELINE),
            (f"module 1 ({len(QUESTIONS)} questions, {3 * len(QUESTIONS) + 2} cells)", MODULE),
        ):
            print(
                f"  {label:<44}{min(times[key]):7.1f}s{best[key]:10.2f}s{best_typical[key]:12.2f}s"
            )
        verdict = "met" if ratio <= TARGET else "MISSED"
        print(f"  ratio module 1 / baseline, typical submission: {ratio:.2f} "
              f"(target <= {TARGET}): {verdict}; by total time: "
              f"{best[MODULE] / best[BASELINE]:.2f}")  # fmt: skip
        print(f"  scores as expected: {right} of {n} module 1 submissions; "
              f"{bare_ok} of {n} baseline submissions")  # fmt: skip

        print("\nWhere a module 1 submission's time goes (one kernel, run again with nbclient):")
        student = next(iter(expected))
        autograded = course / "autograded" / student
        module_cells = cell_times(autograded / MODULE / f"{MODULE}.ipynb")
        bare_cells = cell_times(autograded / BASELINE / f"{BASELINE}.ipynb")
        print(f"  start a python3 kernel and run one cell:     {kernel_start():6.3f} s")
        print(f"  the baseline's one cell:                      {bare_cells[0][0]:6.3f} s")
        print(f"  module 1, all {len(module_cells)} code cells:"
              f"{sum(t for t, _ in module_cells):27.3f} s; the slowest:")  # fmt: skip
        for seconds, first_line in sorted(module_cells, reverse=True)[:3]:
            print(f"    {seconds:6.3f} s  {first_line}")
        print(
            "  in a fresh interpreter with ipykernel loaded, the setup cell (import "
            f"cmcourse.assignments.kernel, the answer forms): {fresh(SETUP):.3f} s"
        )
        print("    heaviest imports the setup cell adds (cumulative):")
        for seconds, name in import_costs():
            print(f"      {seconds:6.3f} s  {name}")

    with tempfile.TemporaryDirectory(prefix="cm101-bench-") as tmp:
        few = 6
        course, _ = make_course(Path(tmp), few)
        for assignment in (BASELINE, MODULE):
            autograde(course, assignment)  # the gradebook is set up; now profile a regrade
        steps = {a: nbgrader_steps(course, a, few) for a in (BASELINE, MODULE)}
        print(
            f"\nInside `nbgrader autograde`, per submission (cProfile, {few} submissions; the "
            "profiler slows Python code, not the kernel):"
        )
        print(f"  {'step':<32}{'baseline':>10}{'module 1':>10}{'extra':>9}")
        for label in STEPS.values():
            b, m = steps[BASELINE][label], steps[MODULE][label]
            print(f"  {label:<32}{b:9.3f}s{m:9.3f}s{m - b:8.3f}s")
    extra = best_typical[MODULE] - best_typical[BASELINE]
    print(f"\nExtra per module 1 submission over the baseline (timed runs): {extra:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
