"""Every notebook page runs headless without error or warning, and Voilà really serves it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from cmcourse.core.serve import free_port

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(
    p
    for folder in ("course", "casestudies", "supervision")
    for p in (ROOT / folder).rglob("*.ipynb")
    if ".ipynb_checkpoints" not in p.parts
)

pytestmark = pytest.mark.notebooks


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


def test_voila_serves_the_nadia_summary_without_its_answers_code_or_traceback(tmp_path):
    port = free_port()
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
        # Nobody signed in has completed a step: nothing of the case study's file is shown
        # (it would give the steps' answers away), only the way to start.
        assert "Nadia&#x27;s case, from identification to closure" in html or (
            "Nadia's case, from identification to closure" in html
        )
        assert "Sign in" in html
        assert "CM-2022-0417" not in html and "12/12/2027" not in html
        assert "Traceback" not in html
        assert "nadia_case()" not in html  # sources are not shown
    finally:
        server.terminate()
        server.wait(timeout=30)


def _source(path: Path) -> str:
    return "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells)


def test_every_page_of_the_course_map_exists_and_calls_its_own_page_id():
    from cmcourse.core.outline import load_outline

    for page in load_outline().pages():
        path = ROOT / page.path
        assert path.exists(), f"{page.id}: {page.path} is missing"
        if page.id != "map":
            assert f'"{page.id}"' in _source(path), f"{page.path} does not open page {page.id}"


def test_every_bank_item_of_a_section_is_on_its_page():
    from cmcourse.core.bank import load_bank
    from cmcourse.core.outline import load_outline

    pages = {p.section: _source(ROOT / p.path) for p in load_outline().pages() if p.section}
    for bank in load_bank().values():
        for item in [*bank.questions, *bank.reflections]:
            assert item.section in pages, f"{item.id}: no page for section {item.section}"
            assert f'"{item.id}"' in pages[item.section], f"{item.id} is not on its page"


def _only_calls(source: str) -> list[str]:
    """What in a cell is more than imports and calls with literal arguments."""
    import ast

    problems = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            continue
        value = node.value if isinstance(node, ast.Expr | ast.Assign) else None
        if isinstance(node, ast.Assign) and not all(isinstance(t, ast.Name) for t in node.targets):
            value = None
        literal_args = isinstance(value, ast.Call) and all(
            isinstance(a, ast.Constant | ast.Name | ast.Call | ast.Attribute)
            for a in [*value.args, *(k.value for k in value.keywords)]
        )
        if not literal_args:
            problems.append(ast.unparse(node)[:60])
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebooks_hold_content_and_calls_only(path):
    """No logic, loops, functions or widget wiring in cells: they live in the packages."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert _only_calls(cell.source) == [], f"{path.name}: {cell.source[:80]}"


def test_the_content_check_flags_logic_in_a_cell():
    assert _only_calls('page = course_page("1.1")\npage.question("m1-six-steps")') == []
    assert _only_calls("for x in range(3):\n    print(x)")
    assert _only_calls("answer = 1 + 2")
    assert _only_calls("def helper():\n    return 1")
    assert _only_calls('page.question("a" if True else "b")')


def test_links_stay_under_the_servers_base_url_on_a_jupyterhub(monkeypatch):
    """On a hub each trainee's server lives under /user/<name>/: links must stay there."""
    from cmcourse.core.outline import load_outline
    from cmcourse.core.page import page_url as _url

    page = load_outline().page("1.2")
    monkeypatch.setenv("VOILA_BASE_URL", "/user/amina/")
    assert _url(page) == "/user/amina/voila/render/course/index.ipynb?page=1.2"
    monkeypatch.delenv("VOILA_BASE_URL")
    assert _url(page) == "/voila/render/course/index.ipynb?page=1.2"


def test_the_results_page_has_one_footer(tmp_path, monkeypatch):
    """Previous, the course map and Take a break appear once under the results (they were
    shown twice: by the results panel and by the page's own footer call)."""
    from builders import signed_in

    _trainee, cookie = signed_in(tmp_path, "Footer Reader")
    monkeypatch.setenv("CM101_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HTTP_COOKIE", cookie)
    path = ROOT / "course" / "results.ipynb"
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    states = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    texts = [str(s["state"].get("value", "")) for s in states.values()]
    assert sum('class="cm-footer"' in t for t in texts) == 1
    breaks = [s for s in states.values() if s["state"].get("description", "").startswith("Take")]
    assert len(breaks) == 1
