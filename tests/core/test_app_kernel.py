"""The course app's kernel side (cmcourse/core/app.py), without a browser: how a page's
notebook is read and run. The browser tests (tests/browser/test_app.py) drive the whole app."""

from __future__ import annotations

import os
import subprocess
import sys

from builders import write_notebook

from cmcourse.core import app


def notebook(tmp_path, *cells: tuple[str, str]):
    return write_notebook(tmp_path / "page.ipynb", *cells)


def test_a_page_is_read_as_its_markdown_and_its_calls(tmp_path):
    path = notebook(
        tmp_path,
        ("code", "from cmcourse import course_page, show_figure\nx = 1"),
        ("markdown", "# A title\n\n| a | b |\n|---|---|\n| 1 | 2 |"),
        ("code", "x + 1"),
    )
    first, title, last = app.page_cells(path)
    assert first.uses == ("course_page", "show_figure") and first.last is None
    assert "<h1>A title</h1>" in title.html and "<td>2</td>" in title.html
    assert last.last is not None  # the value of a last expression is shown, as in a notebook
    assert app.page_cells(path) == (first, title, last)  # read once, until the file changes


def test_a_changed_page_is_read_again(tmp_path):
    path = notebook(tmp_path, ("markdown", "# Before"))
    assert "Before" in app.page_cells(path)[0].html
    path.write_text(path.read_text().replace("Before", "After"))
    os.utime(path, ns=(1, path.stat().st_mtime_ns + 1_000_000))
    assert "After" in app.page_cells(path)[0].html


def test_each_page_runs_in_a_fresh_namespace(tmp_path, capsys):
    one = notebook(tmp_path, ("code", "secret = 42"))
    app.run_cells(app.page_cells(one))
    two = tmp_path / "two.ipynb"
    two.write_text(one.read_text().replace("secret = 42", "print('secret' in dir())"))
    app.run_cells(app.page_cells(two))
    assert capsys.readouterr().out.strip() == "False"


def test_no_module_of_the_course_makes_a_widget_when_imported():
    """The app closes every widget of a page it leaves: a widget made at import time (a shared
    Layout) would be closed with the first page using it and break every page after."""
    code = (
        "import importlib, pkgutil, ipywidgets, cmcourse\n"
        "from ipywidgets.widgets.widget import _instances\n"
        "before = len(_instances)\n"
        "for m in pkgutil.walk_packages(cmcourse.__path__, 'cmcourse.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(len(_instances) - before)\n"
    )
    made = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert made.stdout.strip() == "0"


def test_a_fault_outside_the_page_still_ends_in_a_plain_message(tmp_path, monkeypatch):
    """Whatever fails while a page is opened (here: reading who is signed in), the trainee
    sees a plain message where the page would be, and the browser stops waiting."""
    from cmcourse.core import page

    monkeypatch.setenv("CM101_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(page, "ON_SAVED", [])  # the app's hook stays in this test
    shell = app.CourseApp()
    sent = []
    monkeypatch.setattr(shell.router, "send", sent.append)

    def unreadable():
        raise OSError("disk gone")

    monkeypatch.setattr(page, "trainee_store", unreadable)
    shell._message(None, {"open": "1.1", "how": "push"}, None)
    shown = shell.content.children[0].value
    assert 'class="cm-error"' in shown and "Your saved work is safe" in shown
    assert "disk gone" not in shown and {"failed": True} in sent
