"""Page speed and kernel memory in real Chromium, beside a bare one-widget Voilà page.

    .venv/bin/python bench/bench_pages.py [--loads 5]

Targets (issue 3): a course page is interactive within 1.5 s of the request and no kernel
exceeds 150 MB. Figures are printed with their ratio to the bare page measured in the same
run, for Voilà's cold start and with preheated kernels as `make serve` keeps them (one per
page; loads back to back drain the pool, and a load then waits for a kernel starting, which
is measured too).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cmcourse.core.accounts import registered_session  # noqa: E402
from cmcourse.core.serve import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    PREHEATED,
    free_port,
    voila_command,
    wait_until_up,
)

BARE = "bench/pages/bare.ipynb"  # a page of one button: what any Voilà page costs

PAGES = {
    "bare one-widget page": (BARE, "button:has-text('Bare button')"),
    "course page 1.1": (
        "course/module1/1_1_what_is_case_management.ipynb",
        "button:has-text('Take a break and continue later')",
    ),
}


def kernels(server: psutil.Process) -> dict[int, float]:
    """Resident memory (MB) of each kernel the server started."""
    out = {}
    for child in server.children(recursive=True):
        try:
            if "ipykernel" in " ".join(child.cmdline()):
                out[child.pid] = child.memory_info().rss / 2**20
        except psutil.Error:
            continue
    return out


def load(context, url: str, marker: str) -> float:
    """One page load in a new tab of the same browser (its cache warm, as a trainee's is)."""
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_selector(marker, state="visible", timeout=120_000)
    page.locator(marker).first.wait_for(state="visible")
    elapsed = time.perf_counter() - start
    page.close()
    return elapsed


def wait_for_pool(server: psutil.Process, seconds: float = 180) -> int:
    """Wait until the number of kernels stops growing (the preheated pools are full)."""
    deadline, last, steady = time.monotonic() + seconds, -1, 0
    while time.monotonic() < deadline:
        count = len(kernels(server))
        steady = steady + 1 if count == last else 0
        if steady >= 5 and count > 0:
            return count
        last = count
        time.sleep(1)
    return last


def measure(context, server, url: str, marker: str, loads: int, pause: float) -> dict:
    times, memory = [], []
    for _ in range(loads):
        time.sleep(pause)
        before = set(kernels(server))
        times.append(load(context, url, marker))
        after = kernels(server)
        new = [mb for pid, mb in after.items() if pid not in before] or list(after.values())
        memory.append(max(new))
    return {"times": times, "memory": memory, "peak_kernel": max(kernels(server).values())}


def run_server(preheat: int, data: Path, loads: int, browser) -> dict:
    port = free_port()
    env = os.environ | {"CM101_DATA_DIR": str(data), "JUPYTER_RUNTIME_DIR": tempfile.mkdtemp()}
    proc = subprocess.Popen(
        [
            *voila_command(port, preheat, preheated=[*PREHEATED, BARE]),
            *("--CourseVoila.extra_pages", BARE),  # the baseline, rendered only when told to
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/voila/render/"
    try:
        assert wait_until_up(base, 90), "Voilà did not start"
        server = psutil.Process(proc.pid)
        if preheat:
            print(f"  (preheated pools full: {wait_for_pool(server)} kernels waiting)")
        context = browser.new_context()
        _trainee, token = registered_session(data, "Bench Trainee")
        cookie = {"name": "cm101_session", "value": token, "domain": "127.0.0.1", "path": "/"}
        context.add_cookies([cookie])
        results = {}
        for name, (path, marker) in PAGES.items():
            url = base + path
            load(context, url, marker)  # the first load fills the browser's cache
            if preheat:
                # Spaced loads find a kernel waiting; back-to-back loads drain the pool.
                results[name] = measure(context, server, url, marker, loads, pause=10)
                results[name + " (pool dry)"] = measure(context, server, url, marker, loads, 0)
            else:
                results[name] = measure(context, server, url, marker, loads, pause=1)
        context.close()
        return results
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def report(label: str, results: dict, suffix: str = "") -> None:
    bare = results["bare one-widget page" + suffix]
    course = results["course page 1.1" + suffix]
    t_bare, t_course = statistics.median(bare["times"]), statistics.median(course["times"])
    m_bare, m_course = statistics.median(bare["memory"]), statistics.median(course["memory"])
    print(f"\n{label}")
    print(f"  time to interactive, median of {len(course['times'])} loads (each load listed)")
    for name, t, data in (("bare page", t_bare, bare), ("course page", t_course, course)):
        print(f"    {name:<12}{t:6.2f} s   " + ", ".join(f"{x:.2f}" for x in data["times"]))
    slowest = max(course["times"])
    print(
        f"    ratio course/bare {t_course / t_bare:.2f}; target 1.5 s: "
        f"{'meets' if t_course <= 1.5 else 'misses'} at the median (slowest {slowest:.2f} s)"
    )
    print(
        f"  kernel memory, resident MB: bare {m_bare:.1f}, course {m_course:.1f}, ratio "
        f"{m_course / m_bare:.2f}; largest kernel {course['peak_kernel']:.1f} MB; target 150 MB: "
        f"{'meets' if course['peak_kernel'] <= 150 else 'misses'}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        cold = run_server(0, Path(tmp) / "cold", args.loads, browser)
        report("Cold start: a kernel is started for each page load", cold)
        warm = run_server(1, Path(tmp) / "warm", args.loads, browser)
        report("Preheated: one kernel waiting per page, loads 10 s apart", warm)
        report(
            "Preheated, pool dry: loads back to back fall back to a cold start", warm, " (pool dry)"
        )
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
