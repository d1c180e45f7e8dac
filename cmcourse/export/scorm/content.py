"""The course's pages as static HTML: each notebook read as the course app reads it (its
markdown rendered by `core.app.markdown_html`, its calls in order), each call turned into what a
static page can show. A call the package does not know stops the build, naming the page: no
page of the package has a hole where the course shows something.
"""

from __future__ import annotations

import ast
import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any, ClassVar

from cmcourse.core.app import markdown_html
from cmcourse.core.bank import Reflection, find
from cmcourse.core.outline import Outline, Page
from cmcourse.core.paths import ROOT
from cmcourse.export.output import ExportProblem
from cmcourse.export.scorm.questions import question_html, reflection_html

# The parts of the course in the package: the three modules of CM 101, one SCO each.
MODULES = ("module1", "module2", "module3")

FULL_COURSE = "the full CM 101 course"


@dataclass
class PackagePage:
    id: str
    title: str
    html: list[str] = field(default_factory=list)
    questions: list[Any] = field(default_factory=list)
    reflections: list[Reflection] = field(default_factory=list)
    images: list[str] = field(default_factory=list)  # package paths of its pictures


@dataclass
class Module:
    key: str
    title: str
    pages: list[PackagePage]
    files: dict[str, bytes]  # its pictures, by package path

    @property
    def launch(self) -> str:
        return f"{self.key}.html"


def _source(cell: dict[str, Any]) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else str(source)


def _constant_args(call: ast.Call, where: str) -> list[Any]:
    if call.keywords or not all(isinstance(a, ast.Constant) for a in call.args):
        raise ExportProblem(f"{where}: {ast.unparse(call)} takes values the package cannot fix")
    return [a.value for a in call.args if isinstance(a, ast.Constant)]


class _Reader:
    """Turns one notebook's cells into a page of the package."""

    def __init__(self, page: Page, outline: Outline, modules: dict[str, str]) -> None:
        self.page = PackagePage(page.id, page.title)
        self.outline = outline
        self.modules = modules  # every page of the package: the title of its module
        self.files: dict[str, bytes] = {}
        self.where = f"page {page.id} ({page.path})"

    def read(self, path: Path) -> PackagePage:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "markdown":
                self.page.html.append(
                    f'<div class="jp-RenderedHTMLCommon">{markdown_html(_source(cell))}</div>'
                )
            elif cell["cell_type"] == "code":
                for statement in ast.parse(_source(cell)).body:
                    self.statement(statement)
        return self.page

    def statement(self, node: ast.stmt) -> None:
        if isinstance(node, ast.ImportFrom) and node.module == "cmcourse":
            return
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name)
            and node.value.func.id == "course_page"
        ):
            return  # the header and the visit: the player's own
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            call = node.value
            func = call.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                name = f"page.{func.attr}"
            elif isinstance(func, ast.Name):
                name = func.id
            else:
                name = ast.unparse(func)
            handler = self.HANDLERS.get(name)
            if handler is not None:
                handler(self, *_constant_args(call, self.where))
                return
        raise ExportProblem(
            f"{self.where}: the SCORM package does not know how to show "
            f"`{ast.unparse(node)}`; add it to cmcourse/export/scorm/content.py"
        )

    # -- what each call of a page becomes ---------------------------------------------------
    def question(self, question_id: str) -> None:
        question = find(question_id)
        self.page.questions.append(question)
        self.page.html.append(question_html(question))

    def reflection(self, reflection_id: str) -> None:
        reflection = find(reflection_id)
        self.page.reflections.append(reflection)
        self.page.html.append(reflection_html(reflection))

    def see(self, page_id: str) -> None:
        other = self.outline.page(page_id)
        part = self.outline.part_of(page_id)
        if self.modules.get(page_id) == self.modules.get(self.page.id):
            link = f'<a href="#{escape(page_id)}">{escape(other.title)} →</a>'
        elif page_id in self.modules:  # another SCO: the platform's menu opens it
            link = f"{escape(other.title)} (in {escape(part.title)}, from your platform's menu)"
        else:
            link = f"{escape(other.title)} (in {FULL_COURSE})"
        self.page.html.append(
            f'<p class="cm-see"><strong>{escape(part.title)}:</strong> {link}</p>'
        )

    def footer(self) -> None:
        """The page's own navigation is the player's (Previous and Next within the module)."""

    def show_figure(self, name: str) -> None:
        from cmcourse.lessons.figures import figure_html

        html = figure_html(name)  # drawn once, by the course's own code
        found = re.search(r'src="data:image/png;base64,([^"]+)"', html)
        if not found:
            raise ExportProblem(f"{self.where}: the figure {name} has no picture")
        target = f"img/{name}.png"
        self.files[target] = base64.b64decode(found[1])
        self.page.images.append(target)
        # Loaded when its page is shown, not with the module's first page.
        self.page.html.append(html.replace(found[0], f'src="{target}" loading="lazy"'))

    def deadline_calculator(self) -> None:
        from cmcourse.lessons.calculators import DEADLINE_EXAMPLE, deadlines_html
        from cmsim.dates import parse_day_first
        from cmsim.sop import GUIDELINES_SOP

        level, day = DEADLINE_EXAMPLE
        self._stand_in(
            "The deadline calculator",
            f"In {FULL_COURSE} you choose the timelines, a risk level and a date; here is what "
            f"it shows for a {level.value.lower()}-risk case registered on {day} under the "
            "Guidelines' timelines.",
            deadlines_html(level, parse_day_first(day), GUIDELINES_SOP),
        )

    def staffing_calculator(self) -> None:
        from cmcourse.lessons.calculators import STAFFING_EXAMPLE, staffing_html

        cases, workers, supervisors = STAFFING_EXAMPLE
        self._stand_in(
            "The staffing calculator",
            f"In {FULL_COURSE} you enter your own caseload and team; here is what it shows for "
            f"{cases} open cases, {workers} caseworkers and {supervisors} supervisor.",
            staffing_html(cases, workers, supervisors),
        )

    def budget_checklist(self) -> None:
        from cmcourse.lessons.calculators import BUDGET_ITEMS

        boxes = "".join(
            f'<label class="cm-choice"><input type="checkbox"> <span><strong>{escape(name)}'
            f"</strong>: {escape(detail)}</span></label>"
            for name, detail in BUDGET_ITEMS
        )
        self._stand_in(
            "Budget items for case management",
            f"Tick what your programme's budget covers. Here the ticks are for you only and are "
            f"not saved; {FULL_COURSE} also lists what is still missing.",
            f'<div class="cm-choices">{boxes}</div>',
        )

    def _stand_in(self, title: str, line: str, body: str) -> None:
        self.page.html.append(
            f'<section class="cm-worked" aria-label="{escape(title)}"><p><strong>'
            f'{escape(title)}</strong></p><p class="cm-fixed">{escape(line)}</p>{body}</section>'
        )

    HANDLERS: ClassVar[dict[str, Callable[..., None]]] = {
        "page.question": question,
        "page.reflection": reflection,
        "page.see": see,
        "page.footer": footer,
        "show_figure": show_figure,
        "deadline_calculator": deadline_calculator,
        "staffing_calculator": staffing_calculator,
        "budget_checklist": budget_checklist,
    }


def read_modules(outline: Outline, keys: tuple[str, ...] = MODULES) -> list[Module]:
    """The modules of the course, each page read from its notebook."""
    parts = {part.key: part for part in outline.parts}
    missing = [k for k in keys if k not in parts]
    if missing:
        raise ExportProblem(f"the course outline has no part {', '.join(missing)}")
    in_package = {page.id: parts[k].title for k in keys for page in parts[k].pages}
    modules = []
    for key in keys:
        pages, files = [], {}
        for page in parts[key].pages:
            reader = _Reader(page, outline, in_package)
            pages.append(reader.read(ROOT / page.path))
            files.update(reader.files)
        modules.append(Module(key, parts[key].title, pages, files))
    return modules
