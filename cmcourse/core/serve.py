"""Serve the course with Voilà on 127.0.0.1.

python -m cmcourse.core.serve [--port N] [--no-browser] [--preheat N] [--shared-minutes N]
                              [--classroom [--max-trainees N]]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import webbrowser

from cmcourse.core.paths import ROOT

MAP_PATH = "voila/render/course/index.ipynb"
RUNTIME_PREFIX = "cm101-runtime-"  # the folder of one server's kernel connection files
# Debian's Chromium, as the browser tests and benchmarks drive it (headless, no network).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
# The course's Voilà template (share/jupyter/voila/templates/cm101): Jupyter finds it through
# JUPYTER_PATH, set by voila_command here and by the hub's spawner and image.
JUPYTER_DATA = ROOT / "share" / "jupyter"
TEMPLATE = "cm101"
# The widget managers, and anywidget for the course app's router.
WIDGET_EXTENSIONS = [
    "@jupyter-widgets/jupyterlab-manager",
    "@voila-dashboards/widgets-manager8",
    "anywidget",
]
# The course app: every page of the course opens inside it, so it is the one page with kernels
# kept waiting.
PREHEATED = ["course/index.ipynb"]


def voila_args(
    port: int,
    preheat: int = 0,
    cull_idle: int = 120,
    preheated: list[str] | None = None,
    ip: str = "127.0.0.1",
) -> list[str]:
    """Voilà's settings for the course, in one place (used by serve, tests and benchmarks)."""
    args = [
        str(ROOT),
        f"--port={port}",
        f"--Voila.ip={ip}",
        "--no-browser",
        f"--VoilaConfiguration.template={TEMPLATE}",
        "--VoilaConfiguration.show_tracebacks=False",
        # A page's layout is the course's: not chosen from its address; and no file of the
        # folder is served as it is (a figure is drawn into its page).
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
        "--VoilaConfiguration.file_allowlist=[]",
        # The trainee's identity travels in a cookie, which the kernel reads from its env.
        "--VoilaConfiguration.http_header_envs=Cookie",
        # Every page load starts a kernel: idle ones (a closed tab, a plain HTTP GET) go.
        f"--MappingKernelManager.cull_idle_timeout={cull_idle}",
        f"--MappingKernelManager.cull_interval={max(1, min(30, cull_idle // 4))}",
        "--MappingKernelManager.cull_connected=False",
        # Only the widget managers: the other JupyterLab extensions in the environment
        # (nbgrader's, the notebook's) fail to load in Voilà and slow every page down.
        f"--VoilaConfiguration.extension_allowlist={json.dumps(WIDGET_EXTENSIONS)}",
    ]
    if preheat > 0:
        # Voilà would keep `preheat` kernels waiting for EVERY notebook under the root (60 and
        # more: gigabytes, and minutes of CPU at start). Only the pages a class opens together
        # at the start of a workshop get a pool; the others start their kernel on request.
        pools = {"default": {"pool_size": 0}} | {
            page: {"pool_size": preheat} for page in preheated or PREHEATED
        }
        args += [
            "--preheat_kernel=True",
            "--pool_size=0",
            f"--VoilaKernelManager.kernel_pools_config={json.dumps(pools)}",
        ]
    return args


def voila_command(
    port: int,
    preheat: int = 0,
    cull_idle: int = 120,
    preheated: list[str] | None = None,
    ip: str = "127.0.0.1",
) -> list[str]:
    path = jupyter_path(os.environ.get("JUPYTER_PATH"))
    args = voila_args(port, preheat, cull_idle, preheated, ip)
    # Voilà with the course's sign-in in front of its pages (cmcourse.server).
    return ["env", f"JUPYTER_PATH={path}", sys.executable, "-m", "cmcourse.server", *args]


def jupyter_path(existing: str | None = None) -> str:
    """JUPYTER_PATH with the course's own Jupyter data (its Voilà template) first."""
    return os.pathsep.join([str(JUPYTER_DATA), *([existing] if existing else [])])


def free_port() -> int:
    """A port on 127.0.0.1 nobody is using now (for tests and benchmarks)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_free(port: int) -> bool:
    """No server listens on the port (connections closing after a stopped server don't count,
    as Voilà itself reuses the address)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def wait_until_up(url: str, seconds: float = 60, server: subprocess.Popen | None = None) -> bool:
    """True once the server at `url` answers; False after `seconds` or if `server` exits."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and (server is None or server.poll() is None):
        try:
            with urllib.request.urlopen(url.rsplit("/voila", 1)[0] + "/", timeout=2):
                return True
        except OSError:
            time.sleep(0.3)
    return False


def room_address() -> str:
    """This machine's address on the room's network (the one its default route leaves by;
    nothing is sent), or 127.0.0.1 when it has no network."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.254.254.254", 9))
            return str(s.getsockname()[0])
        except OSError:
            return "127.0.0.1"


def classroom_banner(url: str) -> str:
    """What the trainer reads out or shows: the address as text and as a QR code."""
    import io

    import segno

    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True)
    return (
        f"\nCM 101 classroom server. Trainees open:\n\n    {url}\n\n{out.getvalue()}\n"
        "Only trainees on the class list can sign in: add them and print their cards on the "
        "trainer's class list page (the trainer passphrase is above).\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cm101-serve", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8866)))
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")
    parser.add_argument(
        "--preheat",
        type=int,
        default=0,
        help="kernels kept waiting for the course map, introduction and Module 1 pages "
        "(0: every page load starts its kernel)",
    )
    parser.add_argument(
        "--shared-minutes",
        type=int,
        default=0,
        help="shared devices: sign a trainee out after this many idle minutes (0: never)",
    )
    parser.add_argument(
        "--classroom",
        action="store_true",
        help="serve the room's network: class-list sign-in only, a cap on kernels",
    )
    parser.add_argument(
        "--max-trainees",
        type=int,
        default=40,
        help="classroom: trainees served at once; past it a page says the course is full",
    )
    args = parser.parse_args(argv)
    url = f"http://127.0.0.1:{args.port}/{MAP_PATH}"
    if not port_is_free(args.port):
        print(
            f"Port {args.port} is already in use on this machine: the course may already be "
            f"running at {url}\nTo start another server, choose a free port, e.g. "
            "`make serve PORT=9000`.",
            file=sys.stderr,
        )
        return 1
    env = dict(os.environ)
    if args.classroom:
        from cmcourse.core.store import data_dir

        # Hand-ins go beside progress, outside the folder the course serves.
        env.setdefault("CM101_WORKSHOP_DIR", str(data_dir() / "workshop"))
        room = f"http://{room_address()}:{args.port}/"
        env["CM101_COURSE_ADDRESS"] = room  # for the sign-in cards
        command = voila_command(args.port, args.preheat, ip="0.0.0.0")
        command += [
            "--CourseVoila.roster_only=True",
            f"--CourseVoila.max_kernels={args.max_trainees}",
        ]
    else:
        command = voila_command(args.port, args.preheat)
    if args.shared_minutes > 0:
        command.append(f"--CourseVoila.shared_minutes={args.shared_minutes}")
    # The kernels' connection files in a folder of this run's own, removed when it ends (also
    # on Ctrl+C or SIGTERM): none are left behind in the shared Jupyter runtime folder.
    runtime = tempfile.mkdtemp(prefix=RUNTIME_PREFIX)
    env["JUPYTER_RUNTIME_DIR"] = runtime
    command.append(f"--Voila.connection_dir_root={runtime}")  # Voilà's own voila_* folder
    try:
        return _serve(command, env, url, args)
    finally:
        shutil.rmtree(runtime, ignore_errors=True)


def _serve(command: list[str], env: dict[str, str], url: str, args: argparse.Namespace) -> int:
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    # Draw the figures and dashboards once, beside Voilà, so no trainee waits for them (each
    # is written whole, then renamed: stopping this half-way leaves no broken file).
    warm = subprocess.Popen([sys.executable, "-m", "cmcourse.warm"], cwd=ROOT)
    threading.Thread(target=warm.wait, daemon=True).start()  # collected as soon as it ends
    # Stopping the launcher (Ctrl+C or a kill) stops Voilà and the drawing too.
    signal.signal(signal.SIGTERM, lambda *_: server.terminate())
    try:
        if wait_until_up(url, 120, server):
            print(f"\nCM 101 is ready: {url}\n(Ctrl+C stops the server.)\n", flush=True)
            if args.classroom:
                print(classroom_banner(env["CM101_COURSE_ADDRESS"]), flush=True)
            if not args.no_browser:
                webbrowser.open(url)
        else:
            print("Voilà did not start: its messages above say why.", file=sys.stderr)
            server.terminate()
        return server.wait()
    except KeyboardInterrupt:
        server.terminate()
        return server.wait()
    finally:
        if warm.poll() is None:
            warm.terminate()


if __name__ == "__main__":
    sys.exit(main())
