"""The course app in real Chromium: page turns, the first page of a visit, the kernel's memory
and the CPU of a turn, beside a bare one-widget Voilà page measured in the same run.

    .venv/bin/python bench/bench_app.py [--loads 5]

Voilà runs as `make serve` runs it (one kernel kept waiting for the app and one for the bare
page, the figures and dashboards drawn ahead by `python -m cmcourse.warm`). One signed-in
trainee then turns every page of the course with its *Next* link, and turns Module 1 again.

- A page turn runs from the click to the moment the whole next page is drawn (its footer, the
  last thing on it, is on the screen: every question above it can be answered).
- A bare page load runs from the request to its one button on the screen; the first page of a
  visit from the request to the signed-in course map, with a kernel waiting (loads 8 s apart)
  and with the pool used up (loads back to back).
- CPU per turn: the kernel's (with what it starts) and the Voilà server's CPU seconds over the
  turns, per turn.
- Kernel memory: the app kernel's resident memory after the last page, beside a kernel
  waiting in the pool.
Targets (issue 13) are printed beside each figure.
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

BARE = "bench/pages/bare.ipynb"
APP = "course/index.ipynb"
TURNED = "!document.body.classList.contains('cm-turning')"


def rank(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def kernels(server: psutil.Process) -> list[psutil.Process]:
    return [p for p in server.children(recursive=True) if "ipykernel" in " ".join(p.cmdline())]


def cpu(process: psutil.Process) -> float:
    """CPU seconds, with those of the children it has waited for (the PDF written apart)."""
    times = process.cpu_times()
    return times.user + times.system + times.children_user + times.children_system


def load(context, url: str, marker: str) -> float:
    """One page load in a new tab (the browser's cache warm, as a trainee's is)."""
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.locator(marker).first.wait_for(state="visible", timeout=120_000)
    elapsed = time.perf_counter() - start
    page.close()
    return elapsed


def turn(page) -> tuple[str, float]:
    """Click Next; the seconds until the next page is drawn to its footer."""
    start = time.perf_counter()
    page.locator("a[rel=next]").first.click()
    page.wait_for_function(TURNED, timeout=120_000)
    page.locator(".cm-app-content .cm-footer").first.wait_for(state="visible", timeout=120_000)
    return page.url.rsplit("=", 1)[-1], time.perf_counter() - start


def spaced_loads(context, url: str, marker: str, loads: int, pause: float) -> list[float]:
    times = []
    for _ in range(loads):
        time.sleep(pause)  # the pool's kernel is started again meanwhile
        times.append(load(context, url, marker))
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        data = Path(tmp)
        env = os.environ | {"CM101_DATA_DIR": str(data), "JUPYTER_RUNTIME_DIR": str(data)}
        subprocess.run([sys.executable, "-m", "cmcourse.warm"], cwd=ROOT, env=env, check=True)
        port = free_port()
        proc = subprocess.Popen(
            [
                *voila_command(port, 1, preheated=[*PREHEATED, BARE]),
                *("--CourseVoila.extra_pages", BARE),  # the baseline, rendered only when told to
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}/voila/render/"
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            assert wait_until_up(base, 90), "Voilà did not start"
            server = psutil.Process(proc.pid)
            time.sleep(15)  # the two pools fill
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            _trainee, token = registered_session(data, "Bench Trainee")
            cookie = {"name": "cm101_session", "value": token, "domain": "127.0.0.1", "path": "/"}
            context.add_cookies([cookie])
            button = "button:has-text('Bare button')"
            load(context, base + BARE, button)  # fills the browser's cache
            bare = spaced_loads(context, base + BARE, button, args.loads, 8)
            first = spaced_loads(context, base + APP, ".cm-map h1", args.loads, 8)
            dry = spaced_loads(context, base + APP, ".cm-map h1", args.loads, 0)

            page = context.new_page()
            page.goto(base + APP + "?page=intro")
            page.locator(".cm-app-content .cm-footer").wait_for(timeout=120_000)
            # The trainee's kernel is the one that works through the turns (the pool's new
            # kernels wait idle beside it).
            before = {k: cpu(k) for k in kernels(server)}
            server_before = cpu(server)
            turns = []
            while page.locator("a[rel=next]").count():
                turns.append(turn(page))
            kernel = max(before, key=lambda k: cpu(k) - before[k])
            used = cpu(kernel) - before[kernel] + cpu(server) - server_before
            cpu_turn = used / len(turns)
            memory = kernel.memory_info().rss / 2**20
            waiting = [k for k in kernels(server) if k != kernel]  # the pools (the app's is larger)
            idle = max(k.memory_info().rss for k in waiting) / 2**20 if waiting else 0.0
            # Module 1 again, in the same kernel: the map's link, then Next.
            page.get_by_role("link", name="Course map").first.click()
            page.wait_for_function(TURNED, timeout=120_000)
            page.get_by_role("link", name="Module 1: learning objectives").first.click()
            page.wait_for_function(TURNED, timeout=120_000)
            again = [turn(page)[1] for _ in range(4)]
        finally:
            browser.close()
            proc.terminate()
            proc.wait(timeout=30)

    times = [t for _, t in turns]
    t_bare = statistics.median(bare)
    median, p95 = statistics.median(times), rank(times, 0.95)
    print(f"\nThe course app, one trainee, real Chromium ({len(turns)} page turns)")
    print(f"  bare one-widget Voilà page load, median of {len(bare)}: {t_bare:.2f} s")
    print("    " + ", ".join(f"{x:.2f}" for x in bare))

    def verdict(ok: bool) -> str:
        return "meets" if ok else "misses"

    print(
        f"  page turn, first visit of every page: median {median:.2f} s, 95th percentile "
        f"{p95:.2f} s; target 0.30 / 0.60 s: {verdict(median <= 0.3)} / {verdict(p95 <= 0.6)}"
    )
    print(
        f"    ratio median turn / bare page {median / t_bare:.2f}; target 0.15: "
        f"{verdict(median / t_bare <= 0.15)}"
    )
    slowest = sorted(turns, key=lambda x: -x[1])[:5]
    print("    slowest: " + ", ".join(f"{pid} {t:.2f} s" for pid, t in slowest))
    print(
        f"  page turn, Module 1 again in the same kernel: median {statistics.median(again):.2f} s"
        f" (" + ", ".join(f"{x:.2f}" for x in again) + ")"
    )
    t_first = statistics.median(first)
    print(
        f"  first page of a visit (the map, signed in), median of {len(first)}: {t_first:.2f} s, "
        f"ratio to the bare page {t_first / t_bare:.2f}; target 1.0: {verdict(t_first <= t_bare)}"
    )
    print("    " + ", ".join(f"{x:.2f}" for x in first))
    print(
        f"  the same, loads back to back (the pool used up: each waits for a kernel starting), "
        f"median {statistics.median(dry):.2f} s, ratio {statistics.median(dry) / t_bare:.2f}"
    )
    print("    " + ", ".join(f"{x:.2f}" for x in dry))
    print(f"  CPU per page turn (kernel + server): {cpu_turn:.3f} s; target 0.15 s: "
          f"{verdict(cpu_turn <= 0.15)}")  # fmt: skip
    print(
        f"  kernel memory after every page of the course: {memory:.0f} MB; target 150 MB: "
        f"{verdict(memory <= 150)} (a kernel waiting in the pool, every page read and "
        f"imported ahead: {idle:.0f} MB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
