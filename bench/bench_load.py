"""Load test of the workshop hub on loopback: trainees sign in and open course pages at once.

    sudo .venv/bin/python bench/bench_load.py [--trainees 30] [--bursts 1,2,4,10,30]
                                              [--paced 10,20,30] [--pace 60]

A throwaway hub (hub/throwaway.py) with that many workshop accounts; each simulated trainee is
an HTTP client with its own cookies that signs in through the hub's login form and OAuth like
a browser, and leaves a page by shutting its kernel down as Voilà's page does on unload.
Figures printed:

- time to the course map at sign-in, all trainees at once (the hub starts every server);
- memory per trainee: their server and the kernel of the page they have open (proportional
  set size, so shared libraries are counted once across trainees);
- time to a course page when N trainees open the same page at the same moment (the trainer
  says "now open 1.2"), for each N in --bursts: the largest class whose pages stay under 3 s
  (95th percentile) even when all click at once;
- the CPU a page costs, and the page times while N trainees read at their own pace (a new
  page every --pace seconds on average, for each N in --paced): the largest class whose pages
  stay under 3 s in an ordinary stretch of the workshop.

Times run from the request to the last byte of the page: the notebook has run and its HTML is
complete. Drawing the widgets in a browser adds a little (bench/bench_pages.py measures a
whole page load in Chromium for one trainee). Run as root, like the hub.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "hub"))

from throwaway import ThrowawayHub  # noqa: E402

MAP = "course/index.ipynb"
PAGE = "course/module1/1_2_core_steps.ipynb"  # two knowledge checks, a reflection, a figure
MODULE1 = [
    "course/module1/1_1_what_is_case_management.ipynb",
    PAGE,
    "course/module1/1_3_guiding_principles.ipynb",
    "course/module1/1_4_practices.ipynb",
]
UNDER = 3.0  # seconds: the page time a class must keep
TIMEOUT = 120  # seconds: a page not there by then counts as failed
KERNEL = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')


class Trainee:
    """One simulated trainee: a cookie jar, one page open at a time."""

    def __init__(self, url: str, name: str, password: str):
        self.url, self.name, self.password = url, name, password
        self.http = requests.Session()
        self.kernel: str | None = None

    def _page_url(self, path: str) -> str:
        return f"{self.url}/user/{self.name}/voila/render/{path}"

    def sign_in(self) -> float:
        """Seconds from the login form to a complete course map (the server started too)."""
        start = time.perf_counter()
        form = self.http.get(f"{self.url}/hub/login", timeout=60)
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', form.text)
        data = {"username": self.name, "password": self.password}
        if xsrf:
            data["_xsrf"] = xsrf.group(1)
        reply = self.http.post(f"{self.url}/hub/login?next=", data=data, timeout=TIMEOUT)
        deadline = time.monotonic() + 300
        while not (reply.ok and "cm-map" in reply.text and reply.url.endswith(MAP)):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name}: no course map ({reply.status_code} {reply.url})")
            time.sleep(0.5)  # the hub's "your server is starting" page: ask again
            reply = self.http.get(self._page_url(MAP), timeout=TIMEOUT)
        self._opened(reply.text)
        return time.perf_counter() - start

    def open(self, path: str) -> float:
        """Leave the open page (its kernel goes), then open `path`: seconds to the full page."""
        self.leave()
        start = time.perf_counter()
        reply = self.http.get(self._page_url(path), timeout=TIMEOUT)
        elapsed = time.perf_counter() - start
        if not reply.ok or "cm-header" not in reply.text:
            raise RuntimeError(f"{self.name}: {path} answered {reply.status_code}")
        self._opened(reply.text)
        return elapsed

    def _opened(self, html: str) -> None:
        found = KERNEL.search(html)
        self.kernel = found.group(1) if found else None

    def leave(self) -> None:
        if not self.kernel:
            return
        xsrf = next(
            (c.value for c in self.http.cookies if c.name == "_xsrf" and self.name in c.path), ""
        )
        self.http.post(
            f"{self.url}/user/{self.name}/voila/api/shutdown/{self.kernel}",
            headers={"X-XSRFToken": xsrf},
            timeout=60,
        )
        self.kernel = None


def rank(times: list[float], share: float) -> float:
    """The nearest-rank percentile (share 0.95: the 95th)."""
    ordered = sorted(times)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


def percentiles(times: list[float]) -> str:
    return (
        f"p50 {statistics.median(times):5.2f} s  p90 {rank(times, 0.90):5.2f} s  "
        f"p95 {rank(times, 0.95):5.2f} s  max {max(times):5.2f} s"
    )


def memory_per_trainee(hub: ThrowawayHub, names: list[str]) -> list[float]:
    """MB (proportional set size) of each trainee's processes: server and open page's kernel."""
    uids = {hub.uid(n): n for n in names}
    totals = dict.fromkeys(names, 0.0)
    for p in psutil.process_iter(["uids"]):
        name = uids.get(p.info["uids"].real if p.info["uids"] else None)
        if name is None:
            continue
        try:
            totals[name] += p.memory_full_info().pss / 2**20
        except psutil.Error:
            continue
    return list(totals.values())


def all_at_once(trainees: list[Trainee], work) -> tuple[list[float], int]:
    """Run `work(trainee)` for every trainee at the same moment: the times in seconds of those
    that succeeded, and how many failed (an error page, no answer within the time limit)."""
    gate = threading.Barrier(len(trainees))

    def one(t: Trainee) -> float | None:
        gate.wait()
        try:
            return work(t)
        except (requests.RequestException, RuntimeError) as exc:
            print(f"  ! {t.name}: {exc}", file=sys.stderr)
            return None

    with ThreadPoolExecutor(max_workers=len(trainees)) as pool:
        results = list(pool.map(one, trainees))
    return [r for r in results if r is not None], sum(r is None for r in results)


def report(times: list[float], failed: int) -> str:
    text = percentiles(times) if times else "no page loaded"
    return text + (f"  ({failed} failed)" if failed else "")


def cpu_seconds(hub: ThrowawayHub) -> dict[int, float]:
    """CPU seconds so far of each process the hub started (servers, kernels, proxy)."""
    out = {}
    for p in hub.processes():
        try:
            t = p.cpu_times()
            out[p.pid] = t.user + t.system
        except psutil.Error:
            continue
    return out


def used_since(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds spent between two readings (processes gone since were idle kernels)."""
    return sum(t - before.get(pid, 0.0) for pid, t in after.items())


def settle(hub: ThrowawayHub, limit: float = 120) -> float:
    """Wait until the hub's processes are nearly idle (servers done starting); seconds waited."""
    start = time.monotonic()
    while time.monotonic() - start < limit:
        before = cpu_seconds(hub)
        time.sleep(3)
        if used_since(before, cpu_seconds(hub)) / 3 < 0.15:  # under 0.15 of a core
            break
    return time.monotonic() - start


def paced(trainees: list[Trainee], pace: float, seconds: float) -> list[float]:
    """Every trainee opens a page, reads it for a while (exponential, mean `pace` s), opens
    the next one, for `seconds`: the times of the pages opened."""
    deadline = time.monotonic() + seconds
    times: list[float] = []
    lock = threading.Lock()

    def reader(k: int, t: Trainee) -> None:
        rng = random.Random(k)
        page = k % len(MODULE1)
        while True:
            gap = rng.expovariate(1 / pace)
            if time.monotonic() + gap > deadline:
                return  # the next page would come after the end: this reader is done
            time.sleep(gap)
            try:
                took = t.open(MODULE1[page % len(MODULE1)])
            except (requests.RequestException, RuntimeError) as exc:
                print(f"  ! {t.name}: {exc}", file=sys.stderr)
                continue
            page += 1
            with lock:
                times.append(took)

    with ThreadPoolExecutor(max_workers=len(trainees)) as pool:
        list(pool.map(reader, range(len(trainees)), trainees))
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=30)
    parser.add_argument("--bursts", default="1,2,4,10,30")
    parser.add_argument("--page", default=PAGE, help="the page every burst opens")
    parser.add_argument("--pace", type=float, default=60, help="mean seconds on a page")
    parser.add_argument("--paced", default="10,20,30", help="class sizes reading at their pace")
    parser.add_argument("--paced-for", type=float, default=90, help="seconds of each")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("Run as root, like the hub: sudo .venv/bin/python bench/bench_load.py")
        return 2
    bursts = sorted({min(int(b), args.trainees) for b in args.bursts.split(",")})
    classes = sorted({min(int(b), args.trainees) for b in args.paced.split(",")})
    tag = os.urandom(2).hex()
    names = [f"load{n:02d}-{tag}" for n in range(1, args.trainees + 1)]
    began = time.monotonic()
    print(
        f"Machine: {psutil.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.1f} GB; "
        f"load average before: {os.getloadavg()[0]:.1f}"
    )
    with ThrowawayHub([f"trainer-{tag}"], names) as hub:
        trainees = [Trainee(hub.url, n, hub.passwords[n]) for n in names]
        used_before = psutil.virtual_memory().used / 2**20

        signed, failed = all_at_once(trainees, Trainee.sign_in)
        print(f"\n{len(trainees)} trainees sign in at once and reach the course map:")
        print(f"  {report(signed, failed)}")
        print(f"  (the servers were idle {settle(hub):.0f} s later)")

        print(f"\nN trainees open the same course page at the same moment ({args.page}):")
        held, before, cpu = 0, 0, []  # held: the largest N under the limit, and all below it
        for n in bursts:
            start = cpu_seconds(hub)
            times, failed = all_at_once(trainees[:n], lambda t: t.open(args.page))
            cpu.append(used_since(start, cpu_seconds(hub)) / n)
            ok = not failed and rank(times, 0.95) < UNDER
            if ok and held == before:
                held = n
            before = n
            print(f"  N = {n:2d}: {report(times, failed)}  {'under' if ok else 'over'} {UNDER:g} s")
        per_page = statistics.median(cpu)
        print(f"  CPU per page (server and kernel): {per_page:.2f} s")
        mem = memory_per_trainee(hub, names)
        hub_mb = sum(
            p.memory_full_info().pss / 2**20 for p in hub.processes() if p.uids().real == 0
        )
        grew = psutil.virtual_memory().used / 2**20 - used_before
        # Measured now: every trainee has just opened a page (before idle kernels are culled).
        print("\nMemory per trainee (their server + the page they have open, PSS):")
        print(
            f"  median {statistics.median(mem):.0f} MB, max {max(mem):.0f} MB; hub, proxy and "
            f"services {hub_mb:.0f} MB; the machine's used memory grew by {grew:.0f} MB"
        )
        available = psutil.virtual_memory().available / 2**20
        by_memory = len(trainees) + int(available / max(mem))

        print(
            f"\nN trainees read at their own pace (a new page every {args.pace:g} s on average, "
            f"for {args.paced_for:g} s):"
        )
        paced_held, before = 0, 0
        for n in classes:
            settle(hub)
            times = paced(trainees[:n], args.pace, args.paced_for)
            ok = bool(times) and rank(times, 0.95) < UNDER
            if ok and paced_held == before:
                paced_held = n
            before = n
            print(
                f"  N = {n:2d}: {report(times, 0)}  ({len(times)} pages)  "
                f"{'under' if ok else 'over'} {UNDER:g} s"
            )

        def trainees_word(n: int) -> str:
            return f"{n} trainee{'s' * (n != 1)}"

        print(
            f"\nLargest class with pages under {UNDER:g} s (95th percentile), measured:\n"
            f"  everyone opening a page at the same moment: {trainees_word(held)}\n"
            f"  reading at their own pace (a page every {args.pace:g} s each): "
            f"{trainees_word(paced_held)} (of {', '.join(map(str, classes))} tried)\n"
            f"Memory alone would hold about {by_memory} ({available / 1024:.1f} GB still "
            f"available with {len(trainees)} signed in)."
        )
        for t in trainees:
            t.leave()
    print(
        f"\nLoad average after: {os.getloadavg()[0]:.1f}; "
        f"run took {time.monotonic() - began:.0f} s."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
