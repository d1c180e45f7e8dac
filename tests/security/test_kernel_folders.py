"""Kernel connection folders (issue 17, low): each place that makes a folder for kernels'
connection files removes it when its server stops, also when stopped by SIGTERM: the course
server (`make serve`), nbgrader's grading run (workshop/nbgrader_config.py); the hub's is in
tests/hub/test_hub_removal.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from cmcourse.assignments.sandbox import RUN_PREFIX
from cmcourse.core.serve import RUNTIME_PREFIX, free_port

ROOT = Path(__file__).resolve().parents[2]


def new_folders(prefix: str, before: set[Path]) -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob(f"{prefix}*")) - before


def wait_for(check, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.3)
    return check()


@pytest.mark.server
def test_the_course_servers_kernel_folder_goes_when_it_is_stopped(tmp_path):
    before = set(Path(tempfile.gettempdir()).glob(f"{RUNTIME_PREFIX}*"))
    env = os.environ | {"CM101_DATA_DIR": str(tmp_path / "data")}
    port = free_port()
    serve = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cmcourse.core.serve",
            "--no-browser",
            f"--port={port}",
            "--preheat=1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # The kernel kept waiting for the course app writes its connection file there.
        def connection_files():
            return [
                f for d in new_folders(RUNTIME_PREFIX, before) for f in d.rglob("kernel-*.json")
            ]

        files = wait_for(connection_files, 120)
        assert files, "no kernel connection file in a folder of the server's own"
        folder = next(d for d in new_folders(RUNTIME_PREFIX, before) if files[0].is_relative_to(d))
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=60)
        assert not folder.exists()
    finally:
        if serve.poll() is None:
            serve.kill()


LOAD_CONFIG = """
import sys, time
from traitlets.config import Config
c = Config()
exec(open(sys.argv[1]).read(), {"get_config": lambda: c, "__file__": sys.argv[1]})
print(c.KernelManager.connection_file, flush=True)
time.sleep(120)
"""


def test_a_grading_runs_connection_folder_goes_also_when_it_is_killed():
    """nbgrader loads workshop/nbgrader_config.py, which makes the run's folder; stopped by
    SIGTERM (as a machine shutting down or a scheduler's time limit does), it is removed."""
    run = subprocess.Popen(
        [sys.executable, "-c", LOAD_CONFIG, str(ROOT / "workshop" / "nbgrader_config.py")],
        cwd=ROOT / "workshop",
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        connection_file = Path(run.stdout.readline().strip())
        folder = connection_file.parent
        assert folder.name.startswith(RUN_PREFIX) and folder.is_dir()
        run.send_signal(signal.SIGTERM)
        run.wait(timeout=30)
        assert not folder.exists()
    finally:
        if run.poll() is None:
            run.kill()
