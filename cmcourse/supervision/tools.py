"""The supervision tools as forms: one renderer for every tool described in supervision/tools/.

    tool("meeting_record", page)   # in a notebook, after page = course_page("tool-meeting")

Every control has a visible label and is reached with the keyboard. The trainee saves a
record with their progress (several per tool: one per meeting, per observation...), opens
any saved record again, and downloads it as HTML or PDF. A group record is checked for
case-identifying details on every change and on saving: a plain warning names the field and
suggests the case code, and the text is kept as typed (a supervisor's work is never lost).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache
from html import escape
from typing import Any

import ipywidgets as w
from IPython.display import HTML, display

from cmcourse.core.page import CoursePage
from cmcourse.core.paths import CASESTUDIES
from cmcourse.core.safety import kindly, safe
from cmcourse.core.store import ProgressStore
from cmcourse.html.parts import download_link
from cmcourse.html.printable import to_html, to_pdf
from cmcourse.html.theme import STYLE
from cmcourse.supervision.toolspec import (
    Guide,
    Point,
    Section,
    ToolField,
    ToolRecords,
    ToolSpec,
    load_register,
    load_tool,
    privacy_applies,
    privacy_warnings,
    record_document,
    value_at,
)
from cmsim.case import Case
from cmsim.checklist import ITEMS, evaluate
from cmsim.dates import fmt
from cmsim.errors import CmsimError
from cmsim.replay import replay

FULL = {"width": "100%", "max_width": "60em"}
WIDE = {"width": "100%", "max_width": "36em"}  # room for a long label and the menu
LABEL = {"description_width": "initial"}
Callback = Callable[[], None]


# -- one control per kind of field -------------------------------------------------------
class Control:
    """A field's widget: `get` and `set` its value as plain data, `watch` for changes."""

    widget: w.Widget
    inputs: list[w.Widget]

    def get(self) -> Any:
        return self.inputs[0].value

    def set(self, value: Any) -> None:
        self.inputs[0].value = value

    def watch(self, callback: Callback) -> None:
        for widget in self.inputs:
            widget.observe(lambda _change: callback(), names="value")


class TextControl(Control):
    def __init__(self, field: ToolField, label: str):
        if field.kind == "long_text":
            box: w.Widget = w.Textarea(rows=4, layout=w.Layout(**FULL))
            box.add_class("cm-stack")
        else:
            box = w.Text(layout=w.Layout(width="100%", max_width="40em"))
        box.description = label
        box.placeholder = field.hint
        box.continuous_update = False
        box.style = LABEL
        self.widget = box
        self.inputs = [box]

    def get(self) -> str:
        return self.widget.value.strip()

    def set(self, value: Any) -> None:
        self.widget.value = "" if value is None else str(value)


class DateControl(Control):
    def __init__(self, field: ToolField, label: str):
        self.widget = w.DatePicker(description=label, style=LABEL)
        self.inputs = [self.widget]

    def get(self) -> str:
        return self.widget.value.isoformat() if self.widget.value else ""

    def set(self, value: Any) -> None:
        try:
            self.widget.value = dt.date.fromisoformat(value) if value else None
        except (TypeError, ValueError):
            self.widget.value = None


class ChoiceControl(Control):
    def __init__(self, field: ToolField, label: str):
        self.widget = w.Dropdown(
            options=[("choose…", None)] + [(o, o) for o in field.choices],
            value=None,
            description=label,
            style=LABEL,
            layout=w.Layout(**WIDE),
        )
        self.inputs = [self.widget]

    def set(self, value: Any) -> None:
        self.widget.value = value if value in [v for _l, v in self.widget.options] else None


class NumberControl(Control):
    def __init__(self, field: ToolField, label: str):
        self.widget = w.BoundedIntText(value=0, min=0, max=9999, description=label, style=LABEL)
        self.inputs = [self.widget]

    def set(self, value: Any) -> None:
        try:
            self.widget.value = max(0, min(9999, int(value or 0)))
        except (TypeError, ValueError):
            self.widget.value = 0


class ActionsControl(Control):
    """Rows of (what, who, by when); a row can be added or removed."""

    PARTS = ("what", "who", "by_when")

    def __init__(self, field: ToolField, label: str):
        self.field = field
        self.label = label
        self.callbacks: list[Callback] = []
        self.rows: list[dict[str, w.Text]] = []
        self.box = w.VBox(layout=w.Layout(**FULL))
        add = w.Button(
            description="Add an action",
            tooltip=f"Add an action to: {label}",
            layout=w.Layout(width="auto"),
        )
        add.on_click(lambda _b: self._add())
        self.widget = w.VBox(
            [w.HTML(f"<h4>{escape(label)}</h4>"), self.box, w.HBox([add])],
            layout=w.Layout(**FULL),
        )
        self.inputs = []
        self.set([])

    def _row(self, n: int, value: dict[str, Any]) -> w.Widget:
        texts = {
            "what": w.Text(description=f"Action {n}:", placeholder="what is to be done"),
            "who": w.Text(description="Who:", placeholder="who does it"),
            "by_when": w.Text(description="By when:", placeholder="e.g. 20/06/2024"),
        }
        texts["who"].value = self.field.who
        for part, text in texts.items():
            text.continuous_update = False
            text.style = LABEL
            text.value = str(value.get(part) or text.value)
            text.observe(lambda _change: self._changed(), names="value")
        texts["what"].layout = w.Layout(width="40%")
        texts["who"].layout = w.Layout(width="22%")
        texts["by_when"].layout = w.Layout(width="24%")
        self.rows.append(texts)
        remove = w.Button(
            description="Remove", tooltip=f"Remove action {n} of: {self.label}", icon="trash"
        )
        remove.layout = w.Layout(width="auto", flex="0 0 auto")
        remove.on_click(lambda _b, row=texts: self._remove(row))
        return w.HBox([texts["what"], texts["who"], texts["by_when"], remove])

    def _changed(self) -> None:
        for callback in self.callbacks:
            callback()

    def _add(self) -> None:
        self.box.children = [*self.box.children, self._row(len(self.rows) + 1, {})]
        self._changed()

    def _remove(self, row: dict[str, w.Text]) -> None:
        keep = [self._read(r) for r in self.rows if r is not row]
        self.set(keep)
        self._changed()

    def _read(self, row: dict[str, w.Text]) -> dict[str, str]:
        return {part: row[part].value.strip() for part in self.PARTS}

    def get(self) -> list[dict[str, str]]:
        """The actions written: a row with nothing to do but a name is not an action."""
        return [r for r in map(self._read, self.rows) if r["what"] or r["by_when"]]

    def set(self, value: Any) -> None:
        rows = [r for r in value or [] if isinstance(r, dict)] or [{}]
        self.rows = []
        self.box.children = [self._row(n, r) for n, r in enumerate(rows, start=1)]

    def watch(self, callback: Callback) -> None:
        self.callbacks.append(callback)


@cache
def _case(script: str) -> Case:
    return replay(CASESTUDIES / script)


class ChecklistControl(Control):
    """The case file checklist: cmsim answers it from a chosen case file as of the record's
    date; the supervisor changes any answer and writes comments."""

    ANSWERS = (("–", None), ("Y", "Y"), ("N", "N"), ("NA", "NA"))

    def __init__(self, field: ToolField, label: str, spec: ToolSpec, view: ToolView):
        self.field = field
        self.spec = spec
        self.view = view
        self.case = w.Dropdown(
            options=[("choose a case file…", None)] + [(c.label, c.key) for c in spec.cases],
            value=None,
            description="Case file to review:",
            style=LABEL,
            layout=w.Layout(**WIDE),
        )
        self.fill = w.Button(
            description="Fill in from the case file",
            tooltip="Answer the checklist from the chosen case file (replaces the answers below)",
            layout=w.Layout(width="auto"),
        )
        self.status = w.HTML()
        self.fill.on_click(safe(self._say)(lambda _b: self.fill_from_file()))
        self.case.observe(safe(self._say)(lambda _c: self._case_chosen()), names="value")
        self.found: dict[tuple[str, int], tuple[str, str]] = {}  # what the file gave
        self.filled_from: dict[str, str] = {}
        self.answers: dict[tuple[str, int], w.Dropdown] = {}
        self.comments: dict[tuple[str, int], w.Textarea] = {}
        children: list[w.Widget] = [
            w.HTML(
                "<p>Choose a case file: cmsim answers each item from the file as of the date "
                "above and gives its reason as a first comment. Change any answer and write "
                "your own comments and recommendations.</p>"
            ),
            w.HBox([self.case, self.fill]),
            self.status,
        ]
        for section, texts in ITEMS.items():
            children.append(w.HTML(f"<h4>{escape(section)}</h4>"))
            for number, text in enumerate(texts.values(), start=1):
                key = (section, number)
                self.answers[key] = w.Dropdown(
                    options=list(self.ANSWERS),
                    value=None,
                    description=f"{section} {number}: Y/N/NA",
                    style=LABEL,
                    layout=w.Layout(**WIDE),
                )
                self.comments[key] = w.Textarea(
                    description=f"{section} {number}: comments/recommendations",
                    continuous_update=False,
                    style=LABEL,
                    rows=3,
                    layout=w.Layout(**FULL),
                )
                self.comments[key].add_class("cm-stack")
                item = w.VBox(
                    [
                        w.HTML(f"<p>{number}. {escape(text)}</p>"),
                        self.answers[key],
                        self.comments[key],
                    ],
                    layout=w.Layout(**FULL),
                )
                item.add_class("cm-item")
                children.append(item)
        self.widget = w.VBox(children, layout=w.Layout(**FULL))
        self.inputs = [*self.answers.values(), *self.comments.values()]

    def _say(self, html: str) -> None:
        self.status.value = html

    def edited(self) -> bool:
        """Whether anything differs from what the file gave (so a new fill would lose work)."""
        for key, answer in self.answers.items():
            found, reason = self.found.get(key, (None, ""))
            if answer.value != found or self.comments[key].value.strip() != reason:
                return True
        return False

    def _case_chosen(self) -> None:
        if self.view.loading or self.case.value is None:
            return
        if self.edited():
            self._say(
                '<p role="status">Your answers below are kept. Press <em>Fill in from the '
                "case file</em> to replace them with this file's answers.</p>"
            )
            return
        self.fill_from_file()

    def fill_from_file(self) -> None:
        choice = next((c for c in self.spec.cases if c.key == self.case.value), None)
        if choice is None:
            self._say('<p role="status">Choose a case file first.</p>')
            return
        as_of_text = self.view.controls[self.field.as_of].get()
        as_of = dt.date.fromisoformat(as_of_text) if as_of_text else dt.date.today()
        case = _case(choice.script)
        items = evaluate(case.file, case.sop, as_of)
        self.found = {(i.section, i.number): (i.answer, i.reason) for i in items}
        self.filled_from = {"case": choice.key, "label": choice.label, "as_of": as_of.isoformat()}
        with self.view.quietly():
            for item in items:
                key = (item.section, item.number)
                self.answers[key].value = item.answer
                self.comments[key].value = item.reason
            facts = {
                "case_code": case.file.code,
                "caseworker": case.file.registration.caseworker if case.file.registration else "",
            }
            for fact, path in self.field.fills.items():
                self.view.controls[path].set(facts[fact] or "")
        self.view.changed()
        counts = {a: sum(1 for i in items if i.answer == a) for a in ("Y", "N", "NA")}
        self._say(
            f'<p role="status" aria-live="polite">Filled in from {escape(choice.label)} as of '
            f"{fmt(as_of)}: {counts['Y']} Y, {counts['N']} N, {counts['NA']} NA. Check each "
            "answer and add your comments.</p>"
        )

    def get(self) -> dict[str, Any]:
        items = []
        for (section, number), answer in self.answers.items():
            found, reason = self.found.get((section, number), (None, ""))
            items.append(
                {
                    "section": section,
                    "number": number,
                    "text": list(ITEMS[section].values())[number - 1],  # as printed
                    "answer": answer.value,
                    "comment": self.comments[(section, number)].value.strip(),
                    "found": found,
                    "reason": reason,
                }
            )
        return {
            "case": self.filled_from.get("case"),
            "case_label": self.filled_from.get("label"),
            "as_of": self.filled_from.get("as_of"),
            "items": items,
        }

    def set(self, value: Any) -> None:
        value = value if isinstance(value, dict) else {}
        self.found = {}
        self.filled_from = {}
        if value.get("case"):
            self.filled_from = {
                "case": value["case"],
                "label": value.get("case_label") or "",
                "as_of": value.get("as_of") or "",
            }
        saved = {(i.get("section"), i.get("number")): i for i in value.get("items", [])}
        for key, answer in self.answers.items():
            item = saved.get(key, {})
            if item.get("found"):
                self.found[key] = (item["found"], item.get("reason") or "")
            answer.value = item.get("answer") if item.get("answer") in ("Y", "N", "NA") else None
            self.comments[key].value = str(item.get("comment") or "")
        known = [c.key for c in self.spec.cases]
        self.case.value = value.get("case") if value.get("case") in known else None
        self.status.value = ""


def _control(field: ToolField, label: str, spec: ToolSpec, view: ToolView) -> Control:
    if field.kind in ("short_text", "long_text"):
        return TextControl(field, label)
    if field.kind == "date":
        return DateControl(field, label)
    if field.kind == "choice":
        return ChoiceControl(field, label)
    if field.kind == "number":
        return NumberControl(field, label)
    if field.kind == "actions":
        return ActionsControl(field, label)
    return ChecklistControl(field, label, spec, view)


# -- guidance as HTML ---------------------------------------------------------------------
def _points_html(points: list[Point]) -> str:
    if not points:
        return ""
    items = "".join(f"<li>{escape(p.text)}{_points_html(p.points)}</li>" for p in points)
    return f"<ul>{items}</ul>"


def guides_html(guides: list[Guide]) -> str:
    return "".join(
        (f"<p><strong>{escape(g.heading)}</strong></p>" if g.heading else "")
        + (f"<p>{escape(g.text)}</p>" if g.text else "")
        + _points_html(g.points)
        for g in guides
    )


def about_html(spec: ToolSpec) -> str:
    facts = "".join(
        f"<p><strong>{name}:</strong> {escape(text)}</p>"
        for name, text in (
            ("Definition", spec.definition),
            ("Purpose of the tool", spec.purpose),
            ("Frequency", spec.frequency),
        )
    )
    guidance = f"<p><strong>Guidance:</strong></p>{guides_html(spec.guidance)}"
    return (
        f"<details><summary><strong>About the {escape(spec.title)} (from the "
        f"guidelines)</strong></summary>{facts}{guidance if spec.guidance else ''}</details>"
    )


def section_html(section: Section) -> str:
    """A section's heading and guidance; a section with guidance only is folded away."""
    description = f"<p><em>{escape(section.description)}</em></p>" if section.description else ""
    body = description + guides_html(section.guidance)
    if not section.fields:
        return (
            f"<details><summary><strong>{escape(section.title)}</strong></summary>{body}</details>"
        )
    return f"<h3>{escape(section.title)}</h3>{body}"


# -- the tool -----------------------------------------------------------------------------
class ToolView:
    """One tool's form, the trainee's saved records of it, save and export."""

    def __init__(self, tool_id: str, spec: ToolSpec, store: ProgressStore | None, author: str = ""):
        self.tool_id = tool_id
        self.spec = spec
        self.author = author or (store.name if store else "") or ""
        self.records = ToolRecords(store, tool_id, spec) if store else None
        self.record_id: str | None = None
        self.dirty = False
        self.loading = False
        self._pending: tuple[str, str | None] | None = None  # an action waiting to be confirmed
        self.register, self.register_problem = None, ""
        try:
            self.register = load_register(spec)
        except CmsimError as exc:  # the tool still works; names just cannot be checked
            self.register_problem = str(exc)

        self.controls: dict[str, Control] = {}
        body: list[w.Widget] = [w.HTML(about_html(spec), layout=w.Layout(**FULL))]
        self.where = w.HTML()
        self.menu = w.Dropdown(
            description="Your saved records:", style=LABEL, layout=w.Layout(**WIDE)
        )
        self.open_button = w.Button(
            description="Open",
            tooltip="Open the chosen saved record",
            layout=w.Layout(width="auto"),
        )
        self.new_button = w.Button(
            description="Start a new record",
            tooltip="Start a new, empty record",
            layout=w.Layout(width="auto"),
        )
        if self.records:
            body.append(w.HBox([self.menu, self.open_button, self.new_button]))
        body.append(self.where)
        for section in spec.sections:
            body.append(w.HTML(section_html(section), layout=w.Layout(**FULL)))
            for field in section.fields:
                control = _control(field, spec.label_of(section, field), spec, self)
                control.watch(self.changed)
                self.controls[f"{section.key}.{field.key}"] = control
                body.append(control.widget)
        self.warnings = w.HTML(layout=w.Layout(**FULL))
        self.save_button = w.Button(
            description="Save",
            button_style="primary",
            tooltip="Save this record with my progress",
            disabled=self.records is None,
            layout=w.Layout(width="auto"),
        )
        self.export_button = w.Button(
            description="Download as HTML and PDF",
            tooltip="Make this record into an HTML page and a PDF to download",
            layout=w.Layout(width="auto"),
        )
        self.status = w.HTML()
        self.links = w.HTML()
        body += [
            self.warnings,
            w.HBox([self.save_button, self.export_button]),
            self.status,
            self.links,
        ]
        handled = safe(self._say)
        self.save_button.on_click(handled(lambda _b: self.save()))
        self.export_button.on_click(handled(lambda _b: self.export()))
        self.open_button.on_click(handled(lambda _b: self.open(self.menu.value)))
        self.new_button.on_click(handled(lambda _b: self.new()))
        self.widget = w.VBox(body, layout=w.Layout(**FULL))
        self.widget.add_class("cm-tool")

        saved = self.records.options() if self.records else []
        self._refresh_menu(saved[0][1] if saved else None)
        if saved:
            self._load(self.records.get(saved[0][1]))  # type: ignore[union-attr]
        else:
            self._start()

    # -- state ----------------------------------------------------------------------------
    def quietly(self) -> _Quiet:
        """Set values without counting them as the trainee's changes."""
        return _Quiet(self)

    def values(self) -> dict[str, Any]:
        record: dict[str, Any] = {}
        for path, control in self.controls.items():
            section, _, field = path.partition(".")
            record.setdefault(section, {})[field] = control.get()
        return record

    def _set_values(self, values: dict[str, Any]) -> None:
        with self.quietly():
            for path, control in self.controls.items():
                control.set(value_at(values, path))

    def changed(self) -> None:
        if self.loading:
            return
        self.dirty = True
        self._pending = None
        self.check_privacy()

    def _say(self, html: str) -> None:
        self.status.value = html

    def _refresh_menu(self, chosen: str | None) -> None:
        if not self.records:
            return
        options = self.records.options()
        self.menu.options = options or [("no record saved yet", "")]
        self.menu.value = chosen if chosen in [v for _l, v in options] else self.menu.options[0][1]
        self.open_button.disabled = not options

    def _start(self) -> None:
        self._set_values({})
        with self.quietly():
            for path, control in self.controls.items():
                if isinstance(control, DateControl) and path == self.spec.record_label[0]:
                    control.set(dt.date.today().isoformat())
        self.record_id = None
        self.dirty = False
        if self.records:
            self.where.value = "<p><strong>New record</strong> (not saved yet).</p>"
        else:
            self.where.value = (
                '<p class="cm-notice">Sign in at the top of the page to save your records. '
                "You can fill in the tool and download it without signing in.</p>"
            )
        self.check_privacy()

    def _load(self, record: dict[str, Any]) -> None:
        self._set_values(record["values"])
        self.record_id = record["id"]
        self.dirty = False
        self._show_where(record)
        self.check_privacy()

    def _show_where(self, record: dict[str, Any]) -> None:
        saved = dt.datetime.fromisoformat(record["saved_at"])
        label = dict((v, k) for k, v in self.records.options()).get(record["id"], "")  # type: ignore[union-attr]
        self.where.value = (
            f"<p>Editing the saved record <strong>{escape(label)}</strong> (last saved "
            f"{fmt(saved.date())} at {saved:%H:%M}).</p>"
        )

    def _confirmed(self, action: str, target: str | None) -> bool:
        """Leaving unsaved changes takes a second press: work is never dropped silently."""
        if not self.dirty or self._pending == (action, target):
            self._pending = None
            return True
        self._pending = (action, target)
        self._say(
            '<p role="alert">This record has changes that are not saved. Press <em>Save</em> '
            "to keep them, or press the same button again to leave them.</p>"
        )
        return False

    # -- actions --------------------------------------------------------------------------
    def check_privacy(self) -> list[str]:
        """Show (and return) the warnings for case-identifying details in a group record."""
        if not privacy_applies(self.spec, self.values()):
            self.warnings.value = ""
            return []
        if self.register is None:
            self.warnings.value = (
                '<div class="cm-warning" role="status"><p>Names cannot be checked against the '
                f"code register: {escape(self.register_problem)}</p></div>"
            )
            return []
        found = privacy_warnings(self.spec, self.values(), self.register)
        if not found:
            self.warnings.value = ""
            return []
        items = "".join(f"<li>{escape(line)}</li>" for line in found)
        self.warnings.value = (
            '<div class="cm-warning" role="alert"><p><strong>This is a group record: it should '
            "not identify any case.</strong> Please check:</p>"
            f"<ul>{items}</ul><p>Your text is kept as you typed it until you change it.</p></div>"
        )
        return found

    def save(self) -> str | None:
        if self.records is None:
            self._say('<p role="status">Sign in at the top of the page to save your records.</p>')
            return None
        values = self.values()
        self.record_id = self.records.save(values, self.record_id)
        self.dirty = False
        self._pending = None
        self._refresh_menu(self.record_id)
        self._show_where(self.records.get(self.record_id))
        warned = self.check_privacy()
        self._say(
            '<p role="status" aria-live="polite">Saved with your progress.'
            + (" Please look at the warning above." if warned else "")
            + "</p>"
        )
        return self.record_id

    def open(self, record_id: str | None) -> None:
        if self.records is None or not record_id:
            return
        if not self._confirmed("open", record_id):
            return
        self._load(self.records.get(record_id))
        self.links.value = ""
        self._say('<p role="status" aria-live="polite">Record opened.</p>')

    def new(self) -> None:
        if not self._confirmed("new", None):
            return
        self._start()
        self.links.value = ""
        self._say('<p role="status" aria-live="polite">A new, empty record is ready.</p>')

    def document_note(self) -> str:
        who = f"Filled in by {self.author}. " if self.author else ""
        note = f"{who}Printed {fmt(dt.date.today())} from the CM 101 course."
        if self.spec.privacy and privacy_applies(self.spec, self.values()):
            note += " A group record: cases are named by their case code only."
        return note

    def export(self) -> tuple[bytes, bytes]:
        """The record as it is on screen (saved or not), as HTML and PDF links."""
        document = record_document(self.spec, self.values(), self.document_note())
        html = to_html(document).encode()
        pdf = to_pdf(document)
        stem = f"{self.tool_id}-{self.values_date() or 'undated'}"
        self.links.value = (
            '<p role="status" aria-live="polite">Your record is ready: '
            + download_link(f"{self.spec.title} (HTML)", f"{stem}.html", "text/html", html)
            + " &nbsp;|&nbsp; "
            + download_link(f"{self.spec.title} (PDF)", f"{stem}.pdf", "application/pdf", pdf)
            + "</p>"
        )
        self.check_privacy()
        return html, pdf

    def values_date(self) -> str:
        return str(value_at(self.values(), self.spec.record_label[0]) or "")


class _Quiet:
    def __init__(self, view: ToolView):
        self.view = view
        self.was = view.loading

    def __enter__(self) -> None:
        self.view.loading = True

    def __exit__(self, *_exc: object) -> None:
        self.view.loading = self.was


@kindly
def tool(tool_id: str, page: Any = None) -> None:
    """Show a supervision tool on a course page; records are saved with the trainee's
    progress when they are signed in on `page`."""
    spec = load_tool(tool_id)
    store = page.store if isinstance(page, CoursePage) else None
    view = ToolView(tool_id, spec, store)
    display(HTML(STYLE))
    display(view.widget)
