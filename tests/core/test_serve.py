"""The README's first command: `make serve` runs `python -m cmcourse.core.serve`, which starts Voilà
on 127.0.0.1, prints the course map's address and stops everything it started on Ctrl+C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest
from servers import command, kernels

from cmcourse.core.serve import free_port, port_is_free

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[2]


def serve(tmp_path: Path, *args: str) -> subprocess.Popen:
    env = os.environ | {"CM101_DATA_DIR": str(tmp_path), "JUPYTER_RUNTIME_DIR": str(tmp_path)}
    env.pop("JUPYTERHUB_USER", None)
    return subprocess.Popen(
        [sys.executable, "-m", "cmcourse.core.serve", "--no-browser", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def running(p: psutil.Process) -> bool:
    try:
        return p.status() != psutil.STATUS_ZOMBIE  # a zombie has ended
    except psutil.Error:
        return False


def test_serve_prints_the_course_map_address_and_stops_all_it_started(tmp_path):
    port = free_port()
    proc = serve(tmp_path, f"--port={port}", "--preheat=1")
    try:
        line = ""
        deadline = time.monotonic() + 150
        while "CM 101 is ready" not in line and time.monotonic() < deadline:
            line = proc.stdout.readline()
            assert line or proc.poll() is None, proc.stderr.read()
        url = line.split("CM 101 is ready: ", 1)[1].strip()
        assert url == f"http://127.0.0.1:{port}/voila/render/course/index.ipynb"
        with urllib.request.urlopen(url, timeout=90) as reply:
            page = reply.read().decode()
        assert "Introduction to the Inter-Agency Guidelines" in page
        assert "Traceback" not in page and "cdn.jsdelivr.net" not in page
        # The preheated pages have their kernels waiting.
        assert kernels(proc.pid)
        family = psutil.Process(proc.pid).children(recursive=True)
    finally:
        proc.send_signal(signal.SIGTERM)  # as Ctrl+C in the terminal, or a service manager
        proc.wait(timeout=60)
    _, alive = psutil.wait_procs(family, timeout=30)
    assert [command(p) for p in alive if running(p)] == []
    assert port_is_free(port)  # and `make serve` can start again at once


def test_a_port_already_in_use_gets_a_plain_message(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = serve(tmp_path, f"--port={port}")
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert f"Port {port} is already in use" in err and "PORT=9000" in err
    assert "Traceback" not in err + out


def test_every_page_links_the_courses_one_stylesheet_from_its_voila_template(tmp_path):
    """The stylesheet is in the page's head, served by Voilà from the course's template, and
    is the same file the pages show inline elsewhere (theme.STYLE)."""
    import re

    from builders import signed_in
    from servers import start_voila

    from cmcourse.html.theme import STYLESHEET

    proc, base = start_voila(tmp_path)
    _trainee, cookie = signed_in(tmp_path, "Style Reader")
    request = urllib.request.Request(base + "course/index.ipynb", headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=90) as reply:
            head = reply.read().decode().split("</head>")[0]
        (href,) = re.findall(r'href="([^"]*/cm101/static/course\.css[^"]*)"', head)
        origin = base.split("/voila/")[0]
        with urllib.request.urlopen(origin + href, timeout=30) as css:
            assert css.status == 200
            assert css.read().decode() == STYLESHEET.read_text()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
