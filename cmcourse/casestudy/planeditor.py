"""Drafting Nadia's case plan: the actions in priority order, each with the need it responds
to, who is responsible and a due date. The draft fills in the trainee's own file (casework)."""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as w
from IPython.display import HTML, display

from cmcourse.casestudy import casework
from cmcourse.core.safety import friendly, safe
from cmsim.vocab import ActionStatus

FIELDS = [  # (field, label, placeholder)
    ("action", "Action", "what will be done, e.g. Enrol Nadia in evening classes"),
    ("need", "Need", "the need it responds to, as identified in the assessment"),
    ("responsible", "Responsible", "who does it, e.g. Caseworker"),
    ("due_date", "Due date", "dd/mm/yyyy"),
]
LABEL = {"description_width": "11em"}
WIDE = {"width": "95%", "max_width": "52em"}  # a Layout per widget (see core.render.FULL)


class PlanEditor:
    """Rows of actions; Save checks them with cmsim's case plan model before keeping them."""

    def __init__(self, page: Any):
        self.page = page
        saved = page.store.record(casework.PLAN_RECORD) if page.signed_in else None
        self.rows: list[dict[str, Any]] = saved or casework.seed_actions()
        self.status = w.HTML()
        self.status.add_class("cm-plan-status")
        self.box = w.VBox()
        self.widget = w.VBox(
            [
                w.HTML(f'<span id="q-{casework.PLAN_RECORD}"></span>'),  # a refusal links here
                self.box,
                w.HBox([self._button("Add an action", self._add),
                        self._button("Save my plan", self._save, "primary")]),
                self.status,
            ]
        )  # fmt: skip
        self._draw()

    def _show(self, html: str) -> None:
        self.status.value = html

    def _button(self, text: str, act: Any, style: str = "", tip: str = "") -> w.Button:
        button = w.Button(description=text, button_style=style, tooltip=tip or text)
        button.on_click(safe(self._show)(act))
        return button

    def _read(self) -> None:
        """Take what is typed into self.rows (the widgets are the trainee's latest words)."""
        for row, controls in zip(self.rows, self._controls, strict=True):
            for name, control in controls.items():
                row[name] = control.value

    def _draw(self) -> None:
        self._controls: list[dict[str, w.Widget]] = []
        blocks = []
        for number, row in enumerate(self.rows, start=1):
            controls: dict[str, w.Widget] = {}
            for name, label, hint in FIELDS:
                make = w.Textarea if name == "action" else w.Text
                controls[name] = make(
                    value=str(row.get(name) or ""),
                    placeholder=hint,
                    description=f"{label} ({number}):",
                    style=LABEL,
                    layout=w.Layout(**WIDE),
                )
            controls["status"] = w.Dropdown(
                options=[s.value for s in ActionStatus],
                value=row.get("status") or ActionStatus.PENDING.value,
                description=f"Status ({number}):",
                style=LABEL,
            )
            self._controls.append(controls)
            moves = w.HBox(
                [
                    self._button("Move up", lambda _, i=number - 1: self._move(i, -1),
                                 tip=f"Give action {number} a higher priority"),
                    self._button("Move down", lambda _, i=number - 1: self._move(i, 1),
                                 tip=f"Give action {number} a lower priority"),
                    self._button("Remove", lambda _, i=number - 1: self._remove(i),
                                 tip=f"Remove action {number}"),
                ]
            )  # fmt: skip
            heading = w.HTML(f"<h3>Priority {number}</h3>")  # under the page's h2
            blocks.append(w.VBox([heading, *controls.values(), moves], layout=w.Layout(
                border="1px solid #ccc", padding="0.3em 0.8em", margin="0.3em 0")))  # fmt: skip
        self.box.children = blocks

    def _move(self, index: int, step: int) -> None:
        self._read()
        other = index + step
        if 0 <= other < len(self.rows):
            self.rows[index], self.rows[other] = self.rows[other], self.rows[index]
            self._draw()
            self._show(
                f"<p role='status'>Action moved to priority {other + 1}. Save to keep it.</p>"
            )

    def _remove(self, index: int) -> None:
        self._read()
        if len(self.rows) == 1:
            self._show("<p role='status'>A case plan keeps at least one action.</p>")
            return
        removed = self.rows.pop(index)
        self._draw()
        self._show(
            f"<p role='status'>Removed “{escape(str(removed.get('action') or '')[:60])}”. "
            "Save to keep the change.</p>"
        )

    def _add(self, _: Any = None) -> None:
        self._read()
        self.rows.append({"status": ActionStatus.PENDING.value})
        self._draw()
        self._show("<p role='status'>A new action was added at the lowest priority.</p>")

    def _save(self, _: Any = None) -> None:
        self._read()
        agreed = casework.reference_case().file.plans[0].date_agreed
        problems = casework.action_problems(self.rows, agreed)
        if problems:
            items = "".join(f"<li>{escape(p)}</li>" for p in problems)
            self._show(
                '<div role="alert" class="cm-wrong"><strong>Not saved yet:</strong><ul>'
                f"{items}</ul>Your typing is kept on this page: correct it and save again.</div>"
            )
            return
        if not self.page.signed_in:
            self._show("<p role='status'>Sign in at the top of the page to save your plan.</p>")
            return
        self.page.store.save_record(casework.PLAN_RECORD, casework.clean_actions(self.rows))
        self._show(f"<p role='status' class='cm-right'>Your plan's {len(self.rows)} actions are "
                   "saved and now fill in your copy of Nadia's file.</p>")  # fmt: skip
        self.page.notify_saved()


def plan_editor(page: Any) -> None:
    """Show the plan drafting tool on Nadia's step 3 page."""
    try:
        display(PlanEditor(page).widget)
    except Exception as exc:  # shown kindly, logged for the trainer
        display(HTML(friendly(exc)))
