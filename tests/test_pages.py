"""Every notebook page runs headless without error or warning, and Voilà really serves it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(
    p
    for folder in ("course", "casestudies")
    for p in (ROOT / folder).rglob("*.ipynb")
    if ".ipynb_checkpoints" not in p.parts
)


def test_there_are_pages_to_serve():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_executes_without_error_or_warning(path):
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), (
        "notebooks are committed without outputs"
    )
    # Any warning becomes an error inside the kernel.
    nb.cells.insert(0, nbformat.v4.new_code_cell("import warnings; warnings.simplefilter('error')"))
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output.get("output_type") != "error"
            assert output.get("name") != "stderr", output.get("text")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_voila_serves_the_nadia_summary_without_code_or_traceback(tmp_path):
    port = _free_port()
    page = ROOT / "casestudies" / "nadia" / "case_summary.ipynb"
    voila = Path(sys.executable).parent / "voila"
    env = os.environ | {"JUPYTER_RUNTIME_DIR": str(tmp_path)}
    server = subprocess.Popen(
        [
            str(voila),
            str(page),
            f"--port={port}",
            "--Voila.ip=127.0.0.1",
            "--no-browser",
            "--VoilaConfiguration.show_tracebacks=False",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        html = ""
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as reply:
                    html = reply.read().decode()
                break
            except OSError:
                time.sleep(0.5)
        assert "CM-2022-0417" in html
        assert "Weeks open" in html and "12/12/2027" in html
        assert "Traceback" not in html
        assert "nadia_case()" not in html  # sources are not shown
    finally:
        server.terminate()
        server.wait(timeout=30)
