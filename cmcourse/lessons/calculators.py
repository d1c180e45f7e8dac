"""Interactive pieces of the course, each a thin widget over cmsim (no logic of its own)."""

from __future__ import annotations

import datetime as dt
import re
from html import escape
from typing import Any

import ipywidgets as w
from IPython.display import display

from cmcourse.core.safety import safe
from cmcourse.html.parts import table_html
from cmcourse.html.theme import STYLE
from cmsim.dates import parse_day_first
from cmsim.sop import CASE_STUDY_SOP, DEFAULT_SOP, GUIDELINES_SOP, SOP
from cmsim.supervision.staffing import staffing_for, team_findings
from cmsim.timeline import plan_ahead
from cmsim.vocab import RiskLevel

BUDGET_ITEMS = [  # 004 §2.3, Financial Resources
    (
        "Office set-up",
        "office space, furniture and infrastructure such as computers, internet, "
        "a case file cabinet and stationery",
    ),
    (
        "Appropriate space",
        "to ensure confidentiality and privacy during meetings with children and families",
    ),
    (
        "Salaries",
        "the number and type of caseworkers needed depends on their planned tasks; "
        "administrative support may also be needed",
    ),
    (
        "Supervision and training",
        "on-going training, support and supervision of caseworkers and managers",
    ),
    ("Transportation", "vehicle, money for fuel and maintenance (for home visits, for example)"),
    ("Communication", "such as a duty phone for caseworkers to contact families"),
    (
        "Emergency money",
        "an Emergency Case Fund for an immediate response when needed, such as "
        "emergency medical care",
    ),
]


# What each calculator shows first: the course's worked example (a static copy of the course,
# the SCORM package, shows these same results).
DEADLINE_EXAMPLE = (RiskLevel.HIGH, "05/09/2022")  # risk level, registered on
STAFFING_EXAMPLE = (130, 4, 1)  # open cases, caseworkers, supervisors


def deadlines_html(level: RiskLevel, registered_on: dt.date, sop: SOP) -> str:
    """Every deadline of a case at this risk level registered on that day, under the SOP."""
    rows = plan_ahead(level, registered_on, sop)
    return table_html(
        f"Deadlines under {sop.name}", ["What", "By", "Rule"], [list(r) for r in rows]
    )


def staffing_html(cases: int, caseworkers: int, supervisors: int, sop: SOP = DEFAULT_SOP) -> str:
    """What a caseload needs under the SOP, and what a team of this size breaks."""
    need = staffing_for(cases, sop)
    findings = team_findings(cases, caseworkers, supervisors, sop)
    verdict = (
        "<p><strong>This team is within the SOP.</strong></p>"
        if not findings
        else "<ul>" + "".join(f"<li>{escape(f)}</li>" for f in findings) + "</ul>"
    )
    return (
        "<p>What the caseload needs:</p><ul>"
        + "".join(f"<li>{escape(line)}</li>" for line in need.lines(sop))
        + f"</ul><p>Your team:</p>{verdict}"
    )


def deadline_widget(sop: SOP | None = None) -> w.VBox:
    """Pick a risk level and a registration date: see every deadline, under the Guidelines'
    timelines or under the Nadia case study's SOP, an example of a contextualised one (a
    trainer's own SOP, when given, comes first)."""
    sops: list[SOP] = []
    for one in (sop or GUIDELINES_SOP, GUIDELINES_SOP, CASE_STUDY_SOP):
        if one not in sops:
            sops.append(one)
    which = w.Dropdown(
        options=[(s.name, s) for s in sops],
        value=sops[0],
        description="Timelines:",
        style={"description_width": "initial"},
        layout=w.Layout(width="34em", max_width="100%"),
    )
    risk = w.Dropdown(
        options=[(r.value, r) for r in RiskLevel],
        value=DEADLINE_EXAMPLE[0],
        description="Risk level:",
        style={"description_width": "initial"},
    )
    date = w.Text(
        value=DEADLINE_EXAMPLE[1],
        placeholder="dd/mm/yyyy",
        description="Registered on:",
        style={"description_width": "initial"},
    )
    out = w.HTML()

    def show(html: str) -> None:
        out.value = html

    @safe(show)
    def update(_: Any = None) -> None:
        try:
            day = parse_day_first(date.value)
        except ValueError:
            out.value = '<p role="status">Write the date as dd/mm/yyyy, for example 05/09/2022.</p>'
            return
        out.value = STYLE + deadlines_html(risk.value, day, which.value)

    for control in (which, risk, date):
        control.observe(update, names="value")
    update()
    title = w.HTML("<p><strong>Deadline calculator</strong></p>")
    return w.VBox([title, which, risk, date, out])


def read_count(typed: str, what: str) -> int:
    """A count typed in a box ('4', ' 12 '); ValueError saying why anything else is not one
    ('2.5', '1e3', '-3', 'four')."""
    text = str(typed).strip()
    if re.fullmatch(r"\d{1,6}", text):
        return int(text)
    if re.fullmatch(r"-\s*\d+([.,]\d+)?", text):
        raise ValueError(f"{what}: “{text}” is below zero; a count starts at 0")
    if re.fullmatch(r"\d+[.,]\d+", text):
        raise ValueError(f"{what}: “{text}” is not a whole number; people come whole")
    if re.fullmatch(r"\d{7,}", text):
        raise ValueError(f"{what}: “{text}” is more than this calculator counts (999,999)")
    raise ValueError(f"{what}: “{text}” is not a number; type digits only, e.g. 4")


def staffing_widget(sop: SOP = DEFAULT_SOP) -> w.VBox:
    """A caseload and a team: what the SOP asks for and what the team breaks."""
    style = {"description_width": "initial"}
    boxes = {
        what: w.Text(value=start, description=f"{what}:", style=style, continuous_update=False)
        for what, start in zip(
            ("Open cases", "Caseworkers", "Supervisors"), map(str, STAFFING_EXAMPLE), strict=True
        )
    }
    out = w.HTML()

    def show(html: str) -> None:
        out.value = html

    @safe(show)
    def update(_: Any = None) -> None:
        try:
            cases, workers, supervisors = (read_count(b.value, k) for k, b in boxes.items())
        except ValueError as exc:
            out.value = f'<p class="cm-error" role="alert">{escape(str(exc))}.</p>'
            return
        out.value = (
            '<div role="status" aria-live="polite">'
            + staffing_html(cases, workers, supervisors, sop)
            + "</div>"
        )

    for box in boxes.values():
        box.observe(update, names="value")
    update()
    return w.VBox([w.HTML("<p><strong>Staffing calculator</strong></p>"), *boxes.values(), out])


def budget_widget() -> w.VBox:
    """Tick what your programme's budget covers; see what is still missing."""
    boxes = [
        w.Checkbox(
            description=f"{name}: {detail}",
            indent=False,
            value=False,
            layout=w.Layout(width="100%"),
        )
        for name, detail in BUDGET_ITEMS
    ]
    out = w.HTML()

    def update(_: Any = None) -> None:
        missing = [
            name for (name, _), box in zip(BUDGET_ITEMS, boxes, strict=True) if not box.value
        ]
        out.value = (
            '<p role="status" aria-live="polite">'
            + (
                "Every item is covered."
                if not missing
                else "Not yet budgeted: " + escape(", ".join(missing)) + "."
            )
            + "</p>"
        )

    for box in boxes:
        box.observe(update, names="value")
    update()
    return w.VBox(
        [
            w.HTML(
                "<p><strong>Budget items for case management</strong>: tick what "
                "your programme's budget covers.</p>"
            ),
            *boxes,
            out,
        ]
    )


def deadline_calculator(sop: SOP | None = None) -> None:
    display(deadline_widget(sop))


def staffing_calculator(sop: SOP = DEFAULT_SOP) -> None:
    display(staffing_widget(sop))


def budget_checklist() -> None:
    display(budget_widget())
