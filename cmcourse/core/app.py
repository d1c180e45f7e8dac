"""The course as one app: one Voilà page and one kernel for a trainee's whole visit.

    course_app()        # course/index.ipynb: the header, the content area, the map first

A page turn runs the next page's notebook (its markdown and its calls, as authored; the
notebooks still run on their own too) in this kernel, in a fresh namespace, and shows what it
draws in the content area; the widgets of the page before are closed. The router (router.js)
ties the browser to it: links and Back/Forward open pages here, the address names the page
(`?page=1.2`), so a reload or a shared link opens the same one.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import ctypes
import functools
import gc
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import CodeType
from typing import Any

import anywidget
import ipywidgets as w
import traitlets
from IPython.display import HTML, display

# Every open widget of this kernel, by id: ipywidgets 8 keeps no public list (Widget.widgets is
# deprecated); the app closes a page's widgets when the page is left.
from ipywidgets.widgets.widget import _instances

from cmcourse.core import identity, page
from cmcourse.core.outline import Page, load_outline
from cmcourse.core.paths import ROOT
from cmcourse.core.safety import friendly, safe, setup_logging

log = logging.getLogger("cm101")
ROUTER = Path(__file__).with_name("router.js")


class Router(anywidget.AnyWidget):
    _esm = ROUTER
    heartbeat = traitlets.Int(15).tag(sync=True)  # seconds between the browser's pings
    # A shared device: after this many seconds without a click, key or scroll, the browser
    # signs the trainee out (0: never), through the server's sign-out at `sign_out`.
    idle = traitlets.Int(0).tag(sync=True)
    sign_out = traitlets.Unicode("").tag(sync=True)


# -- a page's notebook, read once per kernel --------------------------------------------
@dataclass(frozen=True)
class Cell:
    html: str | None = None  # a markdown cell, rendered
    code: CodeType | None = None  # a code cell, but for a last expression...
    last: CodeType | None = None  # ...whose value is shown, as in a notebook
    uses: tuple[str, ...] = ()  # what the cell imports from cmcourse


_CELLS: dict[Path, tuple[int, tuple[Cell, ...]]] = {}


def page_cells(path: Path) -> tuple[Cell, ...]:
    """A notebook's cells, markdown rendered and code compiled (kept until the file changes)."""
    stamp = path.stat().st_mtime_ns
    kept = _CELLS.get(path)
    if kept and kept[0] == stamp:
        return kept[1]
    cells = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "markdown":
            cells.append(Cell(html=markdown_html(source)))
        elif cell["cell_type"] == "code":
            tree = ast.parse(source, filename=str(path))
            uses = tuple(
                alias.name
                for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and node.module == "cmcourse"
                for alias in node.names
            )
            last = None
            if tree.body and isinstance(end := tree.body[-1], ast.Expr):
                tree.body.pop()
                last = compile(ast.Expression(end.value), str(path), "eval")
            cells.append(Cell(code=compile(tree, str(path), "exec"), last=last, uses=uses))
    _CELLS[path] = (stamp, tuple(cells))
    return _CELLS[path][1]


@functools.cache
def _markdown() -> Callable[[str], Any]:
    import mistune  # nbconvert's markdown parser; loaded with the first page

    return mistune.create_markdown(escape=False, plugins=["table", "strikethrough", "url"])


def markdown_html(source: str) -> str:
    """A markdown cell as the course shows it (the SCORM export renders pages with it too)."""
    return _table_boxes(str(_markdown()(source)))


# A table of a page's text wider than a phone scrolls sideways in a box of its own (WCAG 1.4.10
# lets a data table do so), which a keyboard can reach and scroll (tabindex) and a screen reader
# names; the text around it still fits the screen.
TABLE_BOX = (
    '<div class="cm-scroll" role="region" tabindex="0" '
    'aria-label="Table (scrolls sideways on a narrow screen)">'
)


def _table_boxes(html: str) -> str:
    return html.replace("<table>", TABLE_BOX + "<table>").replace("</table>", "</table></div>")


def run_cells(cells: tuple[Cell, ...]) -> None:
    """Run a page's cells in a fresh namespace, showing what each shows."""
    namespace: dict[str, Any] = {"__name__": "__main__"}
    for cell in cells:
        if cell.html is not None:
            page.show(f'<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown">{cell.html}</div>')
            continue
        if cell.code is not None:
            exec(cell.code, namespace)
        if cell.last is not None:
            value = eval(cell.last, namespace)
            if value is not None:
                display(value)


# -- the app --------------------------------------------------------------------------
class CourseApp:
    """The header (who is signed in, Sign out) and the page shown."""

    def __init__(self, heartbeat: int = 15, later: Callable[[], None] | None = None) -> None:
        self.outline = load_outline()
        self.router = Router(
            heartbeat=heartbeat,
            idle=identity.shared_minutes() * 60,
            sign_out=identity.sign_out_url(),
        )
        self.router.on_msg(self._message)
        self.header = w.HTML(layout=w.Layout(width="100%"))
        self.header.add_class("cm-app-header")  # stays at the top as the page scrolls
        self.content = w.Box(layout=w.Layout(display="block", width="100%"))
        self.content.add_class("cm-app-content")
        self.widget = w.VBox([self.router, self.header, self.content])
        self.widget.add_class("cm-app")
        self.current: Page | None = None
        self._later = later  # run once the first page is shown, while the trainee reads it
        self.store = page.trainee_store()
        self._shell = set(_instances)  # every widget above: they stay for the visit
        page.ON_SAVED[:] = [self._refresh_header]

    # -- messages from the router ------------------------------------------------------
    def _message(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        try:
            self._answer(content)
        except Exception as exc:  # the trainee sees a plain message where the page would be
            self.content.children = (w.HTML(friendly(exc)),)
            self.router.send({"failed": True})

    def _answer(self, content: dict[str, Any]) -> None:
        if "ping" in content:
            self.router.send({"pong": content["ping"]})
            if content.get("active"):
                identity.current_trainee()  # the trainee is at work: the session stays alive
        elif "ready" in content:
            if self.current is None:
                self.open(str(content["ready"]), "first")
            else:  # the page was drawn again (a reconnection): the address is still right
                self._announce("replace")
        elif "open" in content:
            self.open(str(content["open"]), str(content.get("how", "push")))

    # -- opening a page ------------------------------------------------------------------
    def find(self, page_id: str) -> Page | None:
        if page_id == page.map_page().id:
            return page.map_page()
        return next((p for p in self.outline.pages() if p.id == page_id), None)

    def open(self, page_id: str, how: str = "push") -> None:
        """Show a page of the course in place of the one shown (an unknown id: the map)."""
        found = self.find(page_id)
        if found is None:
            found, how = page.map_page(), ("first" if how == "first" else "replace")
        shown_before = [key for key in _instances if key not in self._shell]
        out = w.Output(layout=w.Layout(width="100%"))
        self.content.children = (out,)
        with out:
            if found.id != page_id:
                page.show(
                    '<div class="cm-notice" role="alert">There is no page of the course at '
                    "that address (the link may be mistyped or from another version of the "
                    "course). Here is the course map: choose the page from it.</div>"
                )
            try:
                run_cells(page_cells(ROOT / found.path))
            except Exception as exc:  # a page that fails: a plain message, navigation stays
                display(HTML(friendly(exc)))
                if found.id != page.map_page().id:
                    page.show(page.footer_html(found.id))
        self.current = found
        was_signed_in = self.store is not None
        self.store = page.trainee_store()
        if was_signed_in and self.store is None:  # signed out elsewhere, reset, or idle
            self.router.send({"leave": f"{identity.sign_in_url()}?bye=ended"})
            return
        self._refresh_header()
        self._announce(how)
        self._close(shown_before)  # after the page is on its way: it need not wait for this
        _give_back_memory()
        if self._later:
            _while_reading(self._later)
            self._later = None

    @staticmethod
    def _close(keys: list[str]) -> None:
        """Close the widgets of the page shown before: a visit of fifty pages holds one's."""
        for key in keys:
            widget = _instances.get(key)
            if widget is not None:
                widget.close()

    def _refresh_header(self) -> None:
        if self.current is not None:
            self.header.value = page.header_html(self.current, self.store)

    def _announce(self, how: str) -> None:
        """Tell the browser which page is shown: its address, title and how it came."""
        if self.current is None:
            return
        self.router.send(
            {
                "shown": {
                    "page": self.current.id,
                    "title": f"{self.current.title} · CM 101",
                    "how": how,
                    "address": page.page_url(self.current),
                }
            }
        )


def load_ahead(load: Callable[[str], object]) -> None:
    """In a kernel started ahead of its trainee, while it waits: read every page and `load`
    what the pages import from cmcourse, so that no first visit of a page waits for it. What
    is loaded then stays for the visit: the garbage collector need not look at it again."""
    from cmcourse.core.bank import load_bank

    for shown in [page.map_page(), *load_outline().pages()]:
        for cell in page_cells(ROOT / shown.path):
            for name in cell.uses:
                load(name)
    load_bank()
    gc.collect()
    gc.freeze()


def _while_reading(work: Callable[[], None], seconds: float = 2.0) -> None:
    """Run `work` on the kernel's own loop in a moment (between two messages from the page),
    once the trainee has a page to read; its errors go to the log."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # not in a kernel (a notebook test): nothing to prepare ahead
        return

    def run() -> None:
        try:
            work()
        except Exception:
            log.exception("loading the pages ahead failed (they load when opened)")

    loop.call_later(seconds, run)


def _give_back_memory() -> None:
    """Return the memory freed by the page before to the system (glibc keeps freed memory
    for reuse; a page turn frees a page's widgets and drawings)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: memory is reused anyway
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def course_app(load: Callable[[str], object]) -> None:
    """Show the course app (course/index.ipynb); `load` imports what a page imports."""
    setup_logging()
    page.IN_APP = True
    heartbeat = int(os.environ.get("CM101_HEARTBEAT_SECONDS", "15"))
    later = None
    if os.environ.get("VOILA_PREHEAT") == "True":  # waiting for its trainee: time to spare
        load_ahead(load)
    else:  # the trainee is waiting: first their page, then the others while they read it
        later = functools.partial(load_ahead, load)

    @safe(lambda html: display(HTML(html)))
    def start() -> None:
        display(CourseApp(heartbeat, later).widget)

    start()
