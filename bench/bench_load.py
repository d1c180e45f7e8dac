"""Load test of the workshop hub on loopback: trainees sign in and turn pages of the course.

    sudo .venv/bin/python bench/bench_load.py [--trainees 30] [--bursts 1,2,4,10,30]
                                              [--pace 60] [--paced-for 90] [--serve N]

A throwaway hub (hub/throwaway.py) with that many workshop accounts, the course running as its
service cm101-course (/services/cm101-course/). Each simulated trainee is an HTTP client with
its own cookies that signs in at the hub's login form and follows the redirects as a browser
does: the hub's default URL (the course app), the course's OAuth round trip through the hub,
back to the app with the course's session. It then speaks to the app's kernel over the
service's kernel websocket as the page's script does: each page turn makes the kernel really
draw the page (every widget of it) and is timed until the kernel says the page is shown.
Figures printed:

- time to a usable course map when all trainees sign in at once, then when all of them,
  signed in, open the course again at the same moment (reloading together);
- time of a page turn when N trainees click Next at the same moment, for each N in --bursts;
- the CPU a page turn costs (every process of the hub, or of the course server);
- memory per trainee: the proportional set size (PSS, shared libraries counted once across
  processes) of the kernel of each trainee's open page, found in the course server's process
  tree by the Voila kernel id that trainee's page got (every kernel runs as the one account
  cm101-course, so the account says nothing); the course server itself, shared by everyone,
  beside it;
- page turns while every trainee reads at their own pace (Next every --pace seconds on
  average).

--serve N measures the same with the course server alone, no hub (as `make serve PREHEAT=N`:
N kernels waiting, sign-in with a name and a new PIN on its own page): the baseline to compare
the hub with in the same run. Targets (issue 13) are printed beside the figures. Run the hub
as root, like the hub itself.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psutil
import requests
from websockets.exceptions import WebSocketException
from websockets.sync.client import connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "hub"))
sys.path.insert(0, str(ROOT))

from throwaway import ThrowawayHub  # noqa: E402

from cmcourse.core.serve import MAP_PATH, free_port, voila_command, wait_until_up  # noqa: E402
from cmcourse.server.service import NAME, PREFIX  # noqa: E402

APP = "course/index.ipynb"  # the course app: every page opens inside it
# The pages turned to, in course order from the map (a burst turns everyone to the next one).
PAGES = ["map", "intro", "m1", "1.1", "1.2", "1.3", "1.4", "m2", "2.1", "2.2", "2.3", "2.4"]
TIMEOUT = 120  # seconds: a page not there by then counts as failed
KERNEL = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')
KERNEL_FILE = re.compile(r"kernel-([0-9a-f-]{36})\.json")


def _message(session: str, msg_type: str, content: dict, metadata: dict | None = None) -> str:
    """A Jupyter message on the kernel's shell channel, as Voilà's page sends it (JSON)."""
    header = {
        "msg_id": uuid.uuid4().hex,
        "username": "bench",
        "session": session,
        "msg_type": msg_type,
        "version": "5.3",
        "date": dt.datetime.now(dt.UTC).isoformat(),
    }
    return json.dumps(
        {
            "header": header,
            "parent_header": {},
            "metadata": metadata or {},
            "content": content,
            "channel": "shell",
            "buffers": [],
        }
    )


class Trainee:
    """One simulated trainee in the course app: a cookie jar and the websocket to the app's
    kernel, speaking to the app's router as the page's script does (cmcourse/core/router.js):
    {ready} when the page is up, {open: page} on a click, each answered by {shown} once the
    kernel has drawn the page."""

    def __init__(self, url: str, name: str, password: str, hub: bool = True):
        self.url, self.name, self.password, self.hub = url, name, password, hub
        self.http = requests.Session()
        self.kernel: str | None = None
        self.socket: Any = None
        self.router: str | None = None
        self.session = uuid.uuid4().hex

    def _course(self) -> str:
        """The course server's address: the hub's service, or the server alone."""
        return f"{self.url}{PREFIX.rstrip('/')}" if self.hub else self.url

    def sign_in(self) -> float:
        """Seconds from the login form to a usable course map: the app's page, its kernel, and
        the map drawn by that kernel."""
        start = time.perf_counter()
        if self.hub:  # the hub's login, then its default URL and the course's OAuth round trip
            form = self.http.get(f"{self.url}/hub/login", timeout=60)
            xsrf = re.search(r'name="_xsrf" value="([^"]+)"', form.text)
            data = {"username": self.name, "password": self.password}
            data |= {"_xsrf": xsrf.group(1)} if xsrf else {}
            reply = self.http.post(f"{self.url}/hub/login?next=", data=data, timeout=TIMEOUT)
        else:  # the course server's own sign-in: name and PIN, as on its page
            form = {"how": "new", "name": self.name, "pin": self.password, "pin2": self.password}
            reply = self.http.post(f"{self.url}/cm101/sign-in", data=form, timeout=TIMEOUT)
        self._open(reply)
        return time.perf_counter() - start

    def again(self) -> float:
        """Seconds from opening the app's address again (signed in) to a usable map."""
        self.leave()
        start = time.perf_counter()
        self._open(self.http.get(f"{self._course()}/{MAP_PATH}", timeout=TIMEOUT))
        return time.perf_counter() - start

    def _open(self, reply: requests.Response) -> None:
        """The app's page answered: connect to its kernel and wait for the map."""
        if not (reply.ok and reply.url.endswith(APP) and KERNEL.search(reply.text)):
            raise RuntimeError(f"{self.name}: no course app ({reply.status_code} {reply.url})")
        self._connect(reply.text)
        self._send({"ready": "map"})
        self._wait_for("map")

    def turn(self, page: str) -> float:
        """Seconds from the click on a link to `page` until the kernel has drawn it."""
        start = time.perf_counter()
        self._send({"open": page, "how": "push"})
        self._wait_for(page)
        return time.perf_counter() - start

    # -- the kernel's websocket ----------------------------------------------------------
    def _connect(self, html: str) -> None:
        self.kernel = KERNEL.search(html).group(1)
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        address = self._course().replace("http", "ws", 1)
        self.socket = connect(
            f"{address}/api/kernels/{self.kernel}/channels?session_id={self.session}",
            additional_headers={"Cookie": cookies},
            open_timeout=TIMEOUT,
            max_size=None,
            # Every message read off the socket, as a browser does: with websockets' default
            # queue (16) the kernel's unread status messages stop it reading during a pause,
            # pongs included, and the connection fails its keepalive ping.
            max_queue=None,
            legacy=True,  # a connection kept open across calls, not a `with` block
        )
        # Find the router among the app's widgets, as the page's widget manager does.
        control = uuid.uuid4().hex
        self.socket.send(
            _message(
                self.session,
                "comm_open",
                {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}},
                {"version": "1.0.0"},  # ipywidgets 8's control protocol
            )
        )
        self.socket.send(
            _message(
                self.session,
                "comm_msg",
                {"comm_id": control, "data": {"method": "request_states"}},
            )
        )
        while self.router is None:
            msg = self._receive()
            data = msg.get("content", {}).get("data", {})
            if data.get("method") == "update_states":
                self.router = next(
                    model
                    for model, state in data["states"].items()
                    if state.get("model_name") == "AnyModel"
                )

    def _send(self, content: dict) -> None:
        body = {"comm_id": self.router, "data": {"method": "custom", "content": content}}
        self.socket.send(_message(self.session, "comm_msg", body))

    def _receive(self) -> dict:
        raw = self.socket.recv(timeout=TIMEOUT)
        return json.loads(raw) if isinstance(raw, str) else {}

    def _wait_for(self, page: str) -> None:
        while True:
            data = self._receive().get("content", {}).get("data", {})
            shown = data.get("content", {}).get("shown") if data.get("method") == "custom" else None
            if shown and shown["page"] == page:
                return

    def leave(self) -> None:
        """Close the page: its websocket, and its kernel, as Voilà's page does on unload (with
        the course's xsrf cookie; the server alone sets none with a page rendered ahead, and
        then refuses, 403, as it would the page: that kernel goes when culled)."""
        if self.socket is not None:
            self.socket.close()
            self.socket, self.router = None, None
        if not self.kernel:
            return
        path = PREFIX if self.hub else "/"  # the course's xsrf cookie, not the hub's
        xsrf = self.http.cookies.get("_xsrf", "", path=path)
        self.http.post(
            f"{self._course()}/voila/api/shutdown/{self.kernel}",
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


class SharedServer:
    """One course server for the whole room, as `make serve PREHEAT=N` runs it: Voilà with N
    kernels of the app waiting, the drawings made ahead; each trainee signs in on its page."""

    def __init__(self, trainees: list[str], preheat: int):
        self.names, self.preheat = trainees, preheat
        self.data = Path(tempfile.mkdtemp(prefix="cm101-load-"))
        self.url = f"http://127.0.0.1:{free_port()}"
        self.proc: subprocess.Popen | None = None
        # Each trainee signs in with a PIN of their own, as new trainees on the sign-in page.
        self.passwords = {name: f"{4821 + 7 * i:04d}" for i, name in enumerate(trainees)}

    def __enter__(self) -> SharedServer:
        env = os.environ | {"CM101_DATA_DIR": str(self.data), "JUPYTER_RUNTIME_DIR": str(self.data)}
        subprocess.run([sys.executable, "-m", "cmcourse.warm"], cwd=ROOT, env=env, check=True)
        port = int(self.url.rsplit(":", 1)[1])
        self.proc = subprocess.Popen(
            voila_command(port, self.preheat, preheated=[APP]),
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_until_up(f"{self.url}/voila/render/", 90, self.proc), "Voilà did not start"
        deadline = time.monotonic() + 600
        while len(self.kernels()) < self.preheat and time.monotonic() < deadline:
            time.sleep(1)
        settle(self)  # every waiting kernel has read the pages ahead
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc:
            self.proc.terminate()
            self.proc.wait(timeout=60)
        shutil.rmtree(self.data, ignore_errors=True)

    def processes(self) -> list[psutil.Process]:
        server = psutil.Process(self.proc.pid) if self.proc else None
        return [server, *server.children(recursive=True)] if server else []

    def kernels(self) -> list[psutil.Process]:
        return [p for p in self.processes() if "ipykernel" in " ".join(p.cmdline())]

    def refilled(self, in_use: int, limit: float = 600) -> float:
        """Wait until the pool is full again beside the `in_use` kernels of open pages (Voilà
        replaces a kernel taken from it after its fill delay); seconds waited."""
        start = time.monotonic()
        while len(self.kernels()) < in_use + self.preheat and time.monotonic() - start < limit:
            time.sleep(1)
        settle(self)
        return time.monotonic() - start

    def course(self) -> psutil.Process:
        """The course server's process (its kernels are its children)."""
        assert self.proc is not None
        return psutil.Process(self.proc.pid)


def course_service(hub: ThrowawayHub) -> psutil.Process:
    """The hub's course service: the course server running as its account cm101-course."""
    return next(
        p
        for p in hub.processes()
        if p.username() == NAME and "cmcourse.server" in " ".join(p.cmdline())
    )


def memory(course: psutil.Process, trainees: list[Trainee]) -> tuple[list[float], float]:
    """MB (PSS) of the kernel of each trainee's open page, found among the course server's
    children by the kernel id the page got (its connection file, kernel-<id>.json), and of the
    course server itself, which every trainee shares."""
    kernels: dict[str, float] = {}
    for p in course.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            found = KERNEL_FILE.search(" ".join(p.cmdline()))
            if found:
                kernels[found.group(1)] = p.memory_full_info().pss / 2**20
    mine = [kernels.get(t.kernel or "", 0.0) for t in trainees]
    return mine, course.memory_full_info().pss / 2**20


def all_at_once(trainees: list[Trainee], work) -> tuple[list[float], int]:
    """Run `work(trainee)` for every trainee at the same moment: the times in seconds of those
    that succeeded, and how many failed (an error page, no answer within the time limit)."""
    gate = threading.Barrier(len(trainees))

    def one(t: Trainee) -> float | None:
        gate.wait()
        try:
            return work(t)
        except (requests.RequestException, RuntimeError, OSError, WebSocketException) as exc:
            print(f"  ! {t.name}: {exc!r}", file=sys.stderr)
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


def paced(trainees: list[Trainee], where: dict[str, int], pace: float, seconds: float) -> list:
    """Every trainee reads a page for a while (exponential, mean `pace` s), then clicks Next,
    for `seconds`: the times of the turns."""
    deadline = time.monotonic() + seconds
    times: list[float] = []
    lock = threading.Lock()

    def reader(k: int, t: Trainee) -> None:
        rng = random.Random(k)
        while True:
            gap = rng.expovariate(1 / pace)
            if time.monotonic() + gap > deadline:
                return  # the next turn would come after the end: this reader is done
            time.sleep(gap)
            where[t.name] = (where[t.name] + 1) % len(PAGES)
            try:
                took = t.turn(PAGES[where[t.name]])
            except (OSError, RuntimeError, WebSocketException) as exc:
                print(f"  ! {t.name}: {exc!r}", file=sys.stderr)
                continue
            with lock:
                times.append(took)

    with ThreadPoolExecutor(max_workers=len(trainees)) as pool:
        list(pool.map(reader, range(len(trainees)), trainees))
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=30)
    parser.add_argument("--bursts", default="1,2,4,10,30")
    parser.add_argument("--pace", type=float, default=60, help="mean seconds on a page")
    parser.add_argument("--paced-for", type=float, default=90, help="seconds of reading")
    parser.add_argument(
        "--serve",
        type=int,
        metavar="N",
        help="one shared course server with N app kernels waiting (make serve PREHEAT=N) "
        "instead of the hub",
    )
    args = parser.parse_args(argv)
    if os.geteuid() != 0 and not args.serve:
        print("Run as root, like the hub: sudo .venv/bin/python bench/bench_load.py")
        return 2
    bursts = sorted({min(int(b), args.trainees) for b in args.bursts.split(",")})
    tag = os.urandom(2).hex()
    names = [f"load{n:02d}-{tag}" for n in range(1, args.trainees + 1)]
    began = time.monotonic()
    print(
        f"Machine: {psutil.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.1f} GB; "
        f"load average before: {os.getloadavg()[0]:.1f}"
    )
    room = (
        SharedServer(names, args.serve) if args.serve else ThrowawayHub([f"trainer-{tag}"], names)
    )
    with room as hub:
        trainees = [Trainee(hub.url, n, hub.passwords[n], hub=not args.serve) for n in names]
        n_all = len(trainees)

        signed, failed = all_at_once(trainees, Trainee.sign_in)
        how = "on the sign-in page (name and a new PIN)" if args.serve else "at the hub's login"
        print(f"\n{n_all} trainees sign in at once {how}:")
        print(f"  to a usable course map: {report(signed, failed)}")
        if args.serve:
            print(f"  (the pool was full again and idle {hub.refilled(n_all):.0f} s later)")
        else:
            print(f"  (the kernels were idle {settle(hub):.0f} s later)")

        again, failed = all_at_once(trainees, Trainee.again)
        waiting = f", {args.serve} app kernels waiting" if args.serve else ""
        print(f"\n{n_all} trainees, signed in, open the course again at once{waiting}:")
        print(f"  to a usable course map: {report(again, failed)}; target: all within 30 s: "
              f"{'meets' if again and not failed and max(again) <= 30 else 'misses'}")  # fmt: skip
        print(f"  (the kernels were idle {settle(hub):.0f} s later)")

        print("\nN trainees click Next at the same moment (each burst: the next page):")
        where = dict.fromkeys(names, 0)
        cpu = []
        under_a_second = 0  # the largest burst whose 95th percentile stays under 1 s
        for n in bursts:
            start = cpu_seconds(hub)
            for t in trainees[:n]:
                where[t.name] += 1
            times, failed = all_at_once(trainees[:n], lambda t: t.turn(PAGES[where[t.name]]))
            cpu.append(used_since(start, cpu_seconds(hub)) / n)
            pages = sorted({PAGES[where[t.name]] for t in trainees[:n]})
            target = ""
            if n == n_all:
                met = times and not failed and rank(times, 0.95) <= 1.5
                target = f"  target p95 1.5 s: {'meets' if met else 'misses'}"
            print(f"  N = {n:2d} (to {', '.join(pages)}): {report(times, failed)}{target}")
            if times and not failed and rank(times, 0.95) < 1.0:
                under_a_second = n
            settle(hub)
        print(f"  CPU per turn (server and kernel): {statistics.median(cpu):.2f} s")

        mem, shared = memory(hub.course() if args.serve else course_service(hub), trainees)
        beside = f"the course server {shared:.0f} MB"
        if not args.serve:
            root = sum(p.memory_full_info().pss for p in hub.processes() if p.uids().real == 0)
            beside += f", hub and proxy {root / 2**20:.0f} MB"
        print("\nMemory per trainee (the kernel of their page, PSS):")
        print(
            f"  median {statistics.median(mem):.0f} MB, max {max(mem):.0f} MB; target 150 MB: "
            f"{'meets' if max(mem) <= 150 else 'misses'}; {beside}"
        )
        available = psutil.virtual_memory().available / 2**20
        print(f"  memory alone would hold about {n_all + int(available / max(mem))} trainees")
        print(
            f"\n{n_all} trainees read at their own pace (Next every {args.pace:g} s on average, "
            f"for {args.paced_for:g} s):"
        )
        times = paced(trainees, where, args.pace, args.paced_for)
        print(f"  {report(times, 0)}  ({len(times)} turns)")
        if args.serve and times:  # the classroom server on a trainer's laptop (issue 15)
            laptop = 8 * 1024 - 1536 - shared  # 8 GB, less 1.5 GB for the system
            print(
                f"\nA 2-core, 8 GB laptop as the classroom server, {n_all} trainees: memory "
                f"holds about {int(laptop / statistics.median(mem))}; reading at their own pace, "
                f"page turns p95 {rank(times, 0.95):.2f} s; clicking Next at the same second, "
                f"p95 under 1 s for up to {under_a_second} of them."
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
