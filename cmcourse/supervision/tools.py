"""The supervision tools as forms: one renderer for every tool described in supervision/tools/.

    tool("meeting_record", page)   # in a notebook, after page = course_page("tool-meeting")

Every control has a visible label and is reached with the keyboard. The trainee saves a
record with their progress (several per tool: one per meeting, per observation...), opens
any saved record again, and downloads it as HTML or PDF. A group record is checked for
case-identifying details (cmsim.privacy) on every change: the box holding one is marked, and
a message at the box says what was found in plain words ("an ID number"). Each detail needs
a choice, "Remove it" (a name becomes its case code, anything else [removed]) or "Keep
anyway" with a reason, before the record is saved or printed; kept details and their
reasons are saved with the record and said in its printed header.
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
from cmcourse.core.render import NOT_CHOSEN
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
    action_place,
    item_place,
    load_register,
    load_tool,
    privacy_review,
    record_document,
    value_at,
)
from cmsim.case import Case
from cmsim.checklist import ITEMS, evaluate
from cmsim.dates import fmt
from cmsim.errors import CmsimError
from cmsim.privacy import CodeRegister, Finding, Kept, Review, keep, reason_problem, remove_mention
from cmsim.replay import replay

FULL = {"width": "100%", "max_width": "60em"}
WIDE = {"width": "100%", "max_width": "36em"}  # room for a long label and the menu
LABEL = {"description_width": "initial"}
Callback = Callable[[], None]
# A box holding an identifying detail: red while it waits for a choice, amber once kept.
MARK = {"open": ("cm-flagged", "3px solid #c62828"), "kept": ("cm-kept", "3px solid #f9a825")}
Boxes = dict[str, tuple[w.Widget, w.Box]]  # place -> (the input, the space under it)


def _slot() -> w.VBox:
    """The space under a box for what the privacy check says about it (empty: no height)."""
    slot = w.VBox(layout=w.Layout(width="100%", max_width="60em"))
    slot.add_class("cm-field-check")
    return slot


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

    def boxes(self, path: str) -> Boxes:
        """The boxes of free text this control has, by their place in the record."""
        return {}


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
        self.box = box
        self.slot = _slot()
        self.widget = w.VBox([box, self.slot], layout=w.Layout(**FULL))
        self.widget.add_class("cm-field")
        self.inputs = [box]

    def get(self) -> str:
        return self.box.value.strip()

    def set(self, value: Any) -> None:
        self.box.value = "" if value is None else str(value)

    def boxes(self, path: str) -> Boxes:
        return {path: (self.box, self.slot)}


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


def _choose(menu: w.Dropdown, value: Any) -> None:
    """Choose `value` on a menu whose first option is the empty choice; anything else it does
    not offer chooses the empty choice, shown by its name (value None shows a blank menu)."""
    if value is not None and value in [v for _l, v in menu.options]:
        menu.value = value
    else:
        menu.index = 0


class ChoiceControl(Control):
    def __init__(self, field: ToolField, label: str):
        self.widget = w.Dropdown(
            options=[(NOT_CHOSEN.format("one"), None)] + [(o, o) for o in field.choices],
            index=0,
            description=label,
            style=LABEL,
            layout=w.Layout(**WIDE),
        )
        self.inputs = [self.widget]

    def set(self, value: Any) -> None:
        _choose(self.widget, value)


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
        self.slots: list[w.VBox] = []
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
        slot = _slot()
        self.slots.append(slot)
        remove = w.Button(
            description="Remove", tooltip=f"Remove action {n} of: {self.label}", icon="trash"
        )
        remove.layout = w.Layout(width="auto", flex="0 0 auto")
        remove.on_click(lambda _b, row=texts: self._remove(row))
        return w.VBox([w.HBox([texts["what"], texts["who"], texts["by_when"], remove]), slot])

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
        return [self._read(r) for r in self.rows if self._written(r)]

    def set(self, value: Any) -> None:
        rows = [r for r in value or [] if isinstance(r, dict)] or [{}]
        self.rows = []
        self.slots = []
        self.box.children = [self._row(n, r) for n, r in enumerate(rows, start=1)]

    def watch(self, callback: Callback) -> None:
        self.callbacks.append(callback)

    def boxes(self, path: str) -> Boxes:
        """Counted as `get` counts the rows: only the rows written."""
        found: Boxes = {}
        written = [(r, s) for r, s in zip(self.rows, self.slots, strict=True) if self._written(r)]
        for n, (row, slot) in enumerate(written, start=1):
            for part in self.PARTS:
                found[action_place(path, n, part)] = (row[part], slot)
        return found

    def _written(self, row: dict[str, w.Text]) -> bool:
        read = self._read(row)
        return bool(read["what"] or read["by_when"])


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
            options=[(NOT_CHOSEN.format("a case file"), None)]
            + [(c.label, c.key) for c in spec.cases],
            index=0,
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
        self.slots: dict[tuple[str, int], w.VBox] = {}
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
                    index=0,
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
                self.slots[key] = _slot()
                item = w.VBox(
                    [
                        w.HTML(f"<p>{number}. {escape(text)}</p>"),
                        self.answers[key],
                        self.comments[key],
                        self.slots[key],
                    ],
                    layout=w.Layout(**FULL),
                )
                item.add_class("cm-item")
                children.append(item)
        self.widget = w.VBox(children, layout=w.Layout(**FULL))
        self.inputs = [*self.answers.values(), *self.comments.values()]

    def _say(self, html: str) -> None:
        self.status.value = html

    def boxes(self, path: str) -> Boxes:
        return {
            item_place(path, section, number): (comment, self.slots[(section, number)])
            for (section, number), comment in self.comments.items()
        }

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
                _choose(self.answers[key], item.answer)
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
            _choose(answer, item.get("answer"))
            self.comments[key].value = str(item.get("comment") or "")
        known = [c.key for c in self.spec.cases]
        _choose(self.case, value.get("case") if value.get("case") in known else None)
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
        # The group record's privacy check: the choices made (details kept, with reasons),
        # the keep forms open (with the reason typed so far), what each says back.
        self.review: Review | None = None
        self.kept: dict[tuple[str, str, str], Kept] = {}
        self.reasons: dict[tuple[str, str, str], str] = {}
        self.reason_problems: dict[tuple[str, str, str], str] = {}
        self.refused = ""  # "Not saved" or "No HTML or PDF made" until every detail has a choice
        self.box_notes: dict[str, str] = {}  # place -> what was just done there
        self._shown: set[str] = set()  # places whose space under the box has something in it
        self._seen: set[tuple[str, str, str]] = set()  # details already announced

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
        # What the privacy check found, at the top of the record (and at each box below).
        self.warnings = w.HTML(layout=w.Layout(**FULL))
        body += [self.where, self.warnings]
        for section in spec.sections:
            body.append(w.HTML(section_html(section), layout=w.Layout(**FULL)))
            for field in section.fields:
                control = _control(field, spec.label_of(section, field), spec, self)
                control.watch(self.changed)
                self.controls[f"{section.key}.{field.key}"] = control
                body.append(control.widget)
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
            w.HBox([self.save_button, self.export_button], layout=w.Layout(flex_flow="row wrap")),
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
        self.box_notes = {}
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

    def _forget_choices(self, kept: list[Kept]) -> None:
        self.kept = {k.key: k for k in kept}
        self.reasons, self.reason_problems, self.box_notes = {}, {}, {}
        self.refused = ""
        self._seen = set()

    def _start(self) -> None:
        self._set_values({})
        with self.quietly():
            for path, control in self.controls.items():
                if isinstance(control, DateControl) and path == self.spec.record_label[0]:
                    control.set(dt.date.today().isoformat())
        self.record_id = None
        self.dirty = False
        self._forget_choices([])
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
        self._forget_choices(ToolRecords.kept(record))
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

    # -- the privacy check ----------------------------------------------------------------
    @property
    def checker(self) -> CodeRegister:
        """The register names are checked against (an empty one when it could not be read:
        phone numbers, ID numbers... are still checked)."""
        return self.register or CodeRegister()

    def boxes(self) -> Boxes:
        found: Boxes = {}
        for path, control in self.controls.items():
            found.update(control.boxes(path))
        return found

    def check_privacy(self) -> Review | None:
        """Check a group record for case-identifying details: mark each box holding one, say
        at the box what was found and offer the choice; sum it up at the top of the record.
        Returns the review (None when the record is not a group record)."""
        result = privacy_review(self.spec, self.values(), self.register, self.kept.values())
        self.review = result
        found = result.found if result else []
        live = {f.key for f in found}
        self.kept = {k.key: k for k in (result.kept if result else [])}
        self.reasons = {k: v for k, v in self.reasons.items() if k in live}
        self.reason_problems = {k: v for k, v in self.reason_problems.items() if k in live}
        if self.refused and (result is None or result.ready):
            self.refused = ""
            self._say(
                '<p role="status">Every identifying detail has a choice now: press '
                "<em>Save</em> or <em>Download</em> again.</p>"
            )
        by_place: dict[str, list[Finding]] = {}
        for finding in found:
            by_place.setdefault(finding.place, []).append(finding)
        for place, (box, slot) in self.boxes().items():
            here = by_place.get(place, [])
            if here or place in self._shown or place in self.box_notes:
                self._mark(box, here)
                self._fill(slot, place, here)
        self._seen |= live
        self.warnings.value = self._summary(result)
        return result

    def _mark(self, box: w.Widget, found: list[Finding]) -> None:
        state = ""
        if found:
            state = "open" if any(f.key not in self.kept for f in found) else "kept"
        for name, (css, _border) in MARK.items():
            if name == state:
                box.add_class(css)
            else:
                box.remove_class(css)
        box.layout.border = MARK[state][1] if state else None

    def _fill(self, slot: w.Box, place: str, found: list[Finding]) -> None:
        children: list[w.Widget] = []
        for finding in found:
            children += self._choice(finding)
        if place in self.box_notes:
            children.append(w.HTML(f'<p role="status">{self.box_notes[place]}</p>'))
        old = slot.children
        slot.children = children
        _close(old)
        if children:
            self._shown.add(place)
        else:
            self._shown.discard(place)

    def _choice(self, finding: Finding) -> list[w.Widget]:
        """What the box says about one detail, and the choice: remove it or keep it."""
        handled = safe(self._say)
        key = finding.key
        said = escape(finding.said())
        remove = w.Button(
            description="Remove it",
            tooltip=f"Take “{finding.mention.text}” out: it becomes {finding.mention.replacement}",
            layout=w.Layout(width="auto"),
        )
        remove.on_click(handled(lambda _b: self.remove(finding)))
        kept = self.kept.get(key)
        if kept and key not in self.reasons:
            change = w.Button(
                description="Change the reason",
                tooltip=f"Change why “{finding.mention.text}” is kept",
                layout=w.Layout(width="auto"),
            )
            change.on_click(handled(lambda _b: self.start_keeping(finding)))
            note = w.HTML(
                f'<div class="cm-notice"><p><strong>Kept on purpose:</strong> {said}, '
                f"because: “{escape(kept.reason)}”. The saved and printed record says so.</p>"
                "</div>"
            )
            return [note, _buttons(remove, change)]
        instead = (  # a case code is not broken at its hyphens
            f'the case code <span style="white-space: nowrap">'
            f"{escape(finding.mention.replacement)}</span>"
            if finding.mention.kind == "name" and finding.mention.codes
            else f"“{escape(finding.mention.replacement)}”"
        )
        refused = (
            f"<p><strong>{self.refused}:</strong> choose <em>Remove it</em> or <em>Keep "
            "anyway</em> for this first.</p>"
            if self.refused
            else ""
        )
        role = ' role="alert"' if key not in self._seen or self.refused else ""
        message = w.HTML(
            f'<div class="cm-error"{role}><p><strong>This box has '
            f"{said}.</strong> A group record names a case by its case code only: "
            f"<em>Remove it</em> writes {instead} instead.</p>{refused}</div>"
        )
        widgets: list[w.Widget] = [message]
        if key not in self.reasons:
            keep_button = w.Button(
                description="Keep anyway",
                tooltip=f"Keep “{finding.mention.text}” in this group record, and say why",
                layout=w.Layout(width="auto"),
            )
            keep_button.on_click(handled(lambda _b: self.start_keeping(finding)))
            return [*widgets, _buttons(remove, keep_button)]
        reason = w.Text(
            value=self.reasons[key],
            description="Why keep it:",
            placeholder="why this detail must stay in a group record",
            style=LABEL,
            layout=w.Layout(width="100%", max_width="40em"),
        )
        reason.observe(lambda change: self.reasons.__setitem__(key, change["new"]), names="value")
        confirm = w.Button(
            description="Keep with this reason",
            tooltip=f"Keep “{finding.mention.text}”, saving the reason with the record",
            layout=w.Layout(width="auto"),
        )
        confirm.on_click(handled(lambda _b: self.keep(finding)))
        widgets += [reason, _buttons(confirm, remove)]
        if key in self.reason_problems:
            problem = escape(self.reason_problems[key])
            widgets.append(w.HTML(f'<p class="cm-error" role="alert">{problem}</p>'))
        return widgets

    def _summary(self, result: Review | None) -> str:
        if result is None:
            return ""
        parts = []
        if not result.names_checked:
            parts.append(
                '<div class="cm-warning" role="status"><p>Names cannot be checked against the '
                f"code register: {escape(self.register_problem)}. Phone numbers, e-mail "
                "addresses, dates of birth and ID numbers are still checked.</p></div>"
            )
        if result.open:
            where: dict[str, list[str]] = {}
            for finding in result.open:
                where.setdefault(finding.where, []).append(finding.mention.what)
            items = "".join(
                f"<li>{escape(box)}: {escape(', '.join(whats))}</li>"
                for box, whats in where.items()
            )
            head = (
                f"<strong>{self.refused}:</strong> this group record still has identifying "
                "details without a choice."
                if self.refused
                else "<strong>This is a group record: it should not identify any case.</strong> "
                "Found:"
            )
            parts.append(
                f'<div class="{"cm-error" if self.refused else "cm-warning"}" '
                f'role="{"alert" if self.refused else "status"}"><p>{head}</p><ul>{items}</ul>'
                "<p>Each box is marked in red below. For each detail choose <em>Remove it</em> "
                "or <em>Keep anyway</em> and say why: the record is saved or printed only "
                "once every detail has a choice.</p></div>"
            )
        elif result.kept:
            items = "".join(
                f"<li>{escape(k.what)} in {escape(k.where)}, because: “{escape(k.reason)}”</li>"
                for k in result.kept
            )
            parts.append(
                '<div class="cm-notice" role="status"><p>Kept on purpose in this group record '
                f"(the saved and printed record says what was kept and why):</p><ul>{items}</ul>"
                "</div>"
            )
        return "".join(parts)

    def remove(self, finding: Finding) -> None:
        """Take a detail out of its box: a name becomes its case code, anything else
        [removed]. The box is checked again."""
        box, _slot = self.boxes().get(finding.place, (None, None))
        if box is None:
            return
        self.kept.pop(finding.key, None)
        self.reasons.pop(finding.key, None)
        box.value = remove_mention(
            box.value, finding.mention.kind, finding.mention.text, self.checker
        )
        self.box_notes[finding.place] = (
            f"Removed {escape(finding.mention.what)}: the box now reads "
            f"{escape(finding.mention.replacement)} where it was."
        )
        self.check_privacy()

    def start_keeping(self, finding: Finding) -> None:
        """Open the box's keep form: a reason to type."""
        kept = self.kept.get(finding.key)
        self.reasons[finding.key] = kept.reason if kept else ""
        self.check_privacy()

    def keep(self, finding: Finding) -> Kept | None:
        """Keep a detail with the reason typed; a reason that is not one is refused, saying
        what to write."""
        reason = self.reasons.get(finding.key, "")
        problem = reason_problem(reason, self.checker)
        if problem:
            self.reason_problems[finding.key] = problem
            self.check_privacy()
            return None
        self.kept[finding.key] = keep(finding, reason, self.checker)
        self.reasons.pop(finding.key, None)
        self.reason_problems.pop(finding.key, None)
        self.dirty = True
        self.box_notes[finding.place] = "Kept, with your reason."
        self.check_privacy()
        return self.kept[finding.key]

    def _refuse(self, what: str, result: Review) -> None:
        self.refused = what
        self.check_privacy()
        count = len(result.open)
        self._say(
            f'<p class="cm-error" role="status"><strong>{what}:</strong> {count} identifying '
            f"detail{'s' * (count != 1)} in this group record still need{'s' * (count == 1)} "
            "a choice, <em>Remove it</em> or <em>Keep anyway</em>: see the list at the top "
            "and the boxes marked in red.</p>"
        )

    # -- actions --------------------------------------------------------------------------
    def save(self) -> str | None:
        if self.records is None:
            self._say('<p role="status">Sign in at the top of the page to save your records.</p>')
            return None
        result = self.check_privacy()
        if result is not None and not result.ready:
            self._refuse("Not saved", result)
            return None
        kept = result.kept if result else []
        self.record_id = self.records.save(self.values(), self.record_id, kept)
        self.dirty = False
        self._pending = None
        self._refresh_menu(self.record_id)
        self._show_where(self.records.get(self.record_id))
        count = len(kept)
        self._say(
            '<p role="status" aria-live="polite">Saved with your progress.'
            + (
                f" It keeps {count} identifying detail{'s' * (count != 1)} on purpose, with "
                "your reasons."
                if count
                else ""
            )
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
        """Who filled the record in and when; for a group record, what it may claim about
        identifying details (cmsim.privacy.Review.note): that cases are named by their case
        code only when that holds, otherwise what was kept and why."""
        who = f"Filled in by {self.author}. " if self.author else ""
        note = f"{who}Printed {fmt(dt.date.today())} from the CM 101 course."
        result = privacy_review(self.spec, self.values(), self.register, self.kept.values())
        if result is not None:
            note += " " + result.note()
        return note

    def export(self) -> tuple[bytes, bytes] | None:
        """The record as it is on screen (saved or not), as HTML and PDF links; refused while
        a group record has identifying details without a choice."""
        result = self.check_privacy()
        if result is not None and not result.ready:
            self.links.value = ""
            self._refuse("No HTML or PDF made", result)
            return None
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
        return html, pdf

    def values_date(self) -> str:
        return str(value_at(self.values(), self.spec.record_label[0]) or "")


def _buttons(*buttons: w.Button) -> w.HBox:
    return w.HBox(list(buttons), layout=w.Layout(flex_flow="row wrap"))


def _close(widgets: tuple[w.Widget, ...]) -> None:
    """Close widgets no longer shown, and what they hold."""
    for widget in widgets:
        _close(tuple(getattr(widget, "children", ())))
        widget.close()


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
