"""Benchmark figures for the caseload simulator and the cost of importing cmsim.

Run: .venv/bin/python bench/bench_simulate.py

Prints each measurement beside a baseline measured in the same run (this machine is shared
and its speed varies, so the ratio is the steadier figure). Always exits 0.
"""

from __future__ import annotations

import math
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cmsim.caseload.simulator import SimParams, simulate  # noqa: E402 - after the path set-up

SIM_TARGET_S = 2.0
IMPORT_TARGET_S = 0.3
SEED = 2022
# 10,000 cases a year; staffed so caseloads stay near the CPMS limit of 25 (27.4 cases a day
# staying about 160 days need some 220 caseworkers, and one supervisor per 6 of them).
PARAMS = SimParams(days=365, arrivals_per_day=27.4, caseworkers=240, supervisors=40)


def best_of(runs: int, work: Callable[[], object]) -> float:
    best = math.inf
    for _ in range(runs):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def baseline_arrivals(params: SimParams, seed: int) -> int:
    """Only the random draws for arrivals: a Poisson count a day and a risk level a case."""
    rnd = random.Random(seed).random
    floor = math.exp(-params.arrivals_per_day)
    cases = 0
    for _ in range(params.days):
        prod = rnd()
        while prod > floor:
            cases += 1
            rnd()  # the risk level of the new case
            prod *= rnd()
    return cases


def fresh_python(code: str) -> Callable[[], object]:
    def run() -> object:
        return subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)

    return run


def line(label: str, seconds: float, baseline: float, base_label: str, target: float) -> None:
    verdict = "meets" if seconds < target else "MISSES"
    print(
        f"{label}: {seconds:.3f} s (target {target:g} s: {verdict}); "
        f"{base_label}: {baseline:.3f} s; ratio {seconds / baseline:.1f}x"
    )


def main() -> int:
    result = simulate(PARAMS, seed=SEED)
    cases = sum(1 for e in result.events if e.kind == "case_registered")
    print(
        f"Simulation: {cases:,} cases over {PARAMS.days} days "
        f"({PARAMS.arrivals_per_day} a day, {PARAMS.caseworkers} caseworkers), "
        f"{len(result.events):,} events"
    )
    sim = best_of(3, lambda: simulate(PARAMS, seed=SEED))
    base = best_of(3, lambda: baseline_arrivals(PARAMS, SEED))
    line("  simulate, best of 3", sim, base, "baseline arrival draws", SIM_TARGET_S)

    imp = best_of(5, fresh_python("import cmsim"))
    empty = best_of(5, fresh_python("pass"))
    line("import cmsim in a fresh python, best of 5", imp, empty, "python -c pass", IMPORT_TARGET_S)
    sim_imp = best_of(5, fresh_python("import cmsim.caseload.simulator, cmsim.caseload.indicators"))
    print(
        f"  for reference, import cmsim.caseload.simulator and .indicators: {sim_imp:.3f} s "
        f"({sim_imp - empty:.3f} s over python -c pass)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
