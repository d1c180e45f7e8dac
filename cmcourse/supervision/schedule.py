"""The supervisor's planner as a widget over `cmsim.supervision.schedule`: enter the team, see
the month's sessions (a calendar and an accessible table) and what the team breaks. The team is
saved with the trainee's progress and comes back when the page is opened again.

    supervision_planner(page)       # in a notebook, after page = course_page(...)
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Sequence
from html import escape
from typing import Any

import ipywidgets as w
from IPython.display import display

from cmcourse.core.safety import kindly, safe
from cmcourse.core.store import ProgressStore
from cmcourse.html.parts import download_link, table_html
from cmcourse.html.theme import STYLE
from cmsim.sop import DEFAULT_SOP, SOP
from cmsim.supervision.schedule import (
    WEEKDAYS,
    Experience,
    MonthPlan,
    PlanProblem,
    SessionKind,
    Team,
    month_schedule,
    parse_month,
    week_start,
)

RECORD = "supervision-planner"  # the key of the saved team in the trainee's progress
# A starting team to edit; staff codes, as a supervisor may use in shared documents.
EXAMPLE = {
    "supervisor": "Supervisor",
    "caseworkers": [
        {"name": "CW-01", "caseload": 18, "experience": "experienced"},
        {"name": "CW-02", "caseload": 23, "experience": "experienced"},
        {"name": "CW-03", "caseload": 9, "experience": "new"},
    ],
}
SHORT = {
    SessionKind.INDIVIDUAL: "Supervision",
    SessionKind.FILE_REVIEW: "File review",
    SessionKind.OBSERVATION: "Observation",
    SessionKind.TEAM_MEETING: "Team meeting",
    SessionKind.EXTENDED_MEETING: "Extended team meeting",
}
STYLE_CALENDAR = """
<style>
.cm-calendar td {height: 5em; font-size: 0.9em; line-height: 1.3}
.cm-scroll {overflow-x: auto; max-width: 100%}
.cm-calendar ul {margin: 0.2em 0 0; padding-left: 1.1em}
.cm-calendar .cm-off {background: #f2f2f2; color: #555}
</style>
"""


# -- views of a plan (pure HTML, testable without widgets) ----------------------------------
def breaches_html(plan: MonthPlan) -> str:
    if not plan.breaches:
        sup = plan.team.supervisor
        return (
            '<div class="cm-guidance" role="status"><p><strong>This team is within the SOP.'
            f"</strong> No caseworker carries more than the limit, and {sup} supervises "
            f"{len(plan.team.caseworkers)} caseworker"
            f"{'s' * (len(plan.team.caseworkers) != 1)}.</p></div>"
        )
    items = "".join(
        f"<li><strong>{escape(b.finding)}</strong> {escape(b.todo)} <em>Rule: {escape(b.rule)} "
        f"({escape(b.source)}).</em></li>"
        for b in plan.breaches
    )
    return (
        '<div class="cm-error" role="alert"><p><strong>What this team breaks</strong></p>'
        f"<ul>{items}</ul></div>"
    )


def _day_items(plan: MonthPlan, day: dt.date) -> list[str]:
    """The day's sessions in short, with several files of one caseworker counted once."""
    files = Counter(s.caseworker for s in plan.on(day) if s.kind is SessionKind.FILE_REVIEW)
    items, seen = [], set()
    for s in plan.on(day):
        if s.kind is SessionKind.FILE_REVIEW:
            if s.caseworker in seen:
                continue
            seen.add(s.caseworker)
            n = files[s.caseworker]
            items.append(f"{n} file{'s' * (n != 1)} of {s.caseworker} to review")
        elif s.caseworker:
            items.append(f"{SHORT[s.kind]}: {s.caseworker}")
        else:
            items.append(f"{SHORT[s.kind]} ({s.minutes} min)")
    return items


def calendar_html(plan: MonthPlan, working_days: Sequence[str]) -> str:
    """The month as a calendar, weeks as rows, starting on the first day of the working week."""
    working = {WEEKDAYS.index(d) for d in working_days}
    first_day = week_start(working_days)
    cal = calendar.Calendar(firstweekday=first_day)
    headers = [WEEKDAYS[(first_day + n) % 7] for n in range(7)]
    rows = []
    for week in cal.monthdatescalendar(plan.month.year, plan.month.month):
        cells = []
        for day in week:
            if day.month != plan.month.month:
                cells.append("")
                continue
            items = "".join(f"<li>{escape(i)}</li>" for i in _day_items(plan, day))
            off = "" if day.weekday() in working else ' class="cm-off"'
            label = f"{day.day}" + ("" if day.weekday() in working else " (day off)")
            cells.append(
                f"<span{off}><strong>{label}</strong></span>"
                + (f"<ul>{items}</ul>" if items else "")
            )
        rows.append(cells)
    table = table_html(
        f"{plan.month:%B %Y}: the supervisor's calendar", headers, rows, raw=True
    ).replace('class="cm-table"', 'class="cm-table cm-calendar"', 1)
    # A week is wider than a phone: the calendar scrolls sideways in its own box, which a
    # keyboard can reach (tabindex) and a screen reader names.
    box = (
        f'<div class="cm-scroll" role="region" tabindex="0" '
        f'aria-label="{plan.month:%B %Y}: the calendar (scrolls sideways on a narrow screen)">'
    )
    return STYLE_CALENDAR + f"{box}{table}</div>"


def sessions_table_html(plan: MonthPlan) -> str:
    rows = [
        [
            f"{s.day:%d/%m/%Y}",
            f"{s.day:%A}",
            s.kind.value,
            s.caseworker or "whole team",
            f"{s.minutes} min" if s.minutes else "",
        ]
        for s in plan.sessions
    ]
    return table_html(
        f"Every session of {plan.month:%B %Y}, in date order",
        ["Date", "Day", "Session", "With", "Length"],
        rows,
    )


def caseworkers_table_html(plan: MonthPlan, limit: int) -> str:
    rows = [
        [
            cw.name,
            cw.experience.value,
            f"{cw.caseload}" + (f" (over the limit of {limit})" if cw.caseload > limit else ""),
            str(plan.count(SessionKind.INDIVIDUAL, cw.name)),
            str(plan.count(SessionKind.FILE_REVIEW, cw.name)),
            str(plan.count(SessionKind.OBSERVATION, cw.name)),
        ]
        for cw in plan.team.caseworkers
    ]
    return table_html(
        f"Each caseworker's month ({plan.month:%B %Y})",
        [
            "Caseworker",
            "Experience",
            "Open cases",
            "Individual supervision",
            "Files to review",
            "Observations",
        ],
        rows,
    )


def rules_html(plan: MonthPlan) -> str:
    rules = {s.kind: s.rule for s in plan.sessions}
    observation = sorted({s.rule for s in plan.sessions if s.kind is SessionKind.OBSERVATION})
    items = [
        f"<li><strong>{escape(kind.value)}</strong>: {escape(rule)}.</li>"
        for kind, rule in rules.items()
        if kind is not SessionKind.OBSERVATION
    ] + [f"<li><strong>Observation</strong>, {escape(r)}.</li>" for r in observation]
    notes = "".join(f"<li>{escape(n)}</li>" for n in plan.notes)
    return (
        f"<p><strong>The rules behind the plan</strong> (SOP “{escape(plan.sop_name)}”)</p>"
        f"<ul>{''.join(items)}</ul><p><strong>How the plan was made</strong></p><ul>{notes}</ul>"
    )


def plan_csv(plan: MonthPlan) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["date", "day", "session", "with", "minutes", "rule"])
    for s in plan.sessions:
        writer.writerow(
            [
                f"{s.day:%d/%m/%Y}",
                f"{s.day:%A}",
                s.kind.value,
                s.caseworker or "whole team",
                s.minutes or "",
                s.rule,
            ]
        )
    return out.getvalue().encode("utf-8")


def plan_html(plan: MonthPlan, sop: SOP = DEFAULT_SOP) -> str:
    """Everything the planner shows for a plan."""
    totals = "".join(f"<li>{escape(t)}</li>" for t in plan.totals())
    link = download_link(
        "Download the month's sessions (CSV)",
        f"supervision-plan-{plan.month:%Y-%m}.csv",
        "text/csv",
        plan_csv(plan),
    )
    return (
        STYLE
        + breaches_html(plan)
        + f"<h3>{escape(plan.team.supervisor)}'s month: {plan.month:%B %Y}</h3>"
        + f"<ul>{totals}</ul>"
        + calendar_html(plan, sop.supervision.working_days)
        + caseworkers_table_html(plan, sop.supervision.caseload_limit)
        + sessions_table_html(plan)
        + f"<p>{link}</p>"
        + rules_html(plan)
    )


# -- the widget ---------------------------------------------------------------------------
class PlannerView:
    """Enter or edit the team, plan the month, save it with the trainee's progress."""

    def __init__(
        self,
        store: ProgressStore | None,
        sop: SOP = DEFAULT_SOP,
        today: dt.date | None = None,
    ):
        self.store = store
        self.sop = sop
        style = {"description_width": "initial"}
        self.supervisor = w.Text(description="Supervisor:", style=style)
        self.month = w.Text(description="Month (mm/yyyy):", placeholder="e.g. 03/2024", style=style)
        self.rows_box = w.VBox()
        self.rows: list[tuple[w.Text, w.IntText, w.Dropdown]] = []
        add = w.Button(
            description="Add a caseworker",
            tooltip="Add a row for a caseworker",
            layout=w.Layout(width="auto", align_self="flex-start"),
        )
        add.on_click(safe(self._show_message)(lambda _: self.add_row()))
        self.plan_button = w.Button(
            description="Plan the month and save",
            button_style="primary",
            tooltip="Plan the month for this team and save the team",
            layout=w.Layout(width="auto", align_self="flex-start"),
        )
        self.plan_button.on_click(safe(self._show_message)(lambda _: self.plan()))
        self.message = w.HTML()
        self.output = w.HTML(layout=w.Layout(width="100%"))
        saved = store.record(RECORD, lasting=True) if store else None
        self.restored = self._fill(saved, today or dt.date.today())
        self.widget = w.VBox(
            [
                w.HTML("<p><strong>Your team</strong></p>"),
                self.supervisor,
                self.month,
                self.rows_box,
                add,
                self.plan_button,
                self.message,
                self.output,
            ],
            layout=w.Layout(width="100%", max_width="60em"),
        )
        self.plan(save=False)

    def _show_message(self, html: str) -> None:
        self.message.value = html

    def _fill(self, saved: Any, today: dt.date) -> bool:
        """Put the saved team in the form (or the example); True if a saved team came back."""
        data: dict[str, Any] = EXAMPLE
        month, restored = f"{today:%m/%Y}", False
        if isinstance(saved, dict):
            try:
                Team.from_values(saved.get("team"))
                data, month, restored = saved["team"], str(saved.get("month", month)), True
            except (PlanProblem, KeyError, TypeError):
                self.message.value = (
                    '<p role="status">Your saved team could not be read back, so the example '
                    "team is shown; nothing saved was deleted.</p>"
                )
        self.supervisor.value = str(data.get("supervisor", ""))
        self.month.value = month
        for row in data.get("caseworkers", []):
            self.add_row(row.get("name", ""), row.get("caseload", 0), row.get("experience"))
        return restored

    def add_row(self, name: str = "", caseload: int = 0, experience: str | None = None) -> None:
        n = len(self.rows) + 1
        name_box = w.Text(
            value=str(name),
            description=f"Caseworker {n}:",
            placeholder="name or staff code",
            style={"description_width": "initial"},
            layout=w.Layout(width="22em"),
        )
        load = w.IntText(
            value=int(caseload),
            description="Open cases:",
            tooltip=f"Open cases of caseworker {n}",
            style={"description_width": "initial"},
            layout=w.Layout(width="11em"),
        )
        exp = w.Dropdown(
            options=[("new", Experience.NEW.value), ("experienced", Experience.EXPERIENCED.value)],
            value=experience if experience in {e.value for e in Experience} else "experienced",
            description="Experience:",
            tooltip=f"Experience of caseworker {n}",
            style={"description_width": "initial"},
            layout=w.Layout(width="17em"),
        )
        remove = w.Button(
            description="Remove", tooltip=f"Remove caseworker {n}", layout=w.Layout(width="auto")
        )
        row = (name_box, load, exp)
        remove.on_click(safe(self._show_message)(lambda _: self.remove_row(row)))
        self.rows.append(row)
        self.rows_box.children = [*self.rows_box.children, w.HBox([*row, remove])]

    def remove_row(self, row: tuple[w.Text, w.IntText, w.Dropdown]) -> None:
        index = self.rows.index(row)
        del self.rows[index]
        children = list(self.rows_box.children)
        del children[index]
        self.rows_box.children = children
        for n, (name_box, load, exp) in enumerate(self.rows, 1):  # renumber the rows
            name_box.description = f"Caseworker {n}:"
            load.tooltip, exp.tooltip = (
                f"Open cases of caseworker {n}",
                f"Experience of caseworker {n}",
            )

    def values(self) -> dict[str, Any]:
        return {
            "supervisor": self.supervisor.value,
            "caseworkers": [
                {"name": name.value, "caseload": load.value, "experience": exp.value}
                for name, load, exp in self.rows
            ],
        }

    def plan(self, save: bool = True) -> MonthPlan | None:
        """Plan the month for the team in the form; save it if asked and all is well."""
        try:
            team = Team.from_values(self.values())
            month = parse_month(self.month.value)
        except PlanProblem as problem:
            items = "".join(f"<li>{escape(p)}</li>" for p in problem.problems)
            kept = "Nothing was saved: your last saved team is kept." if save else ""
            self.message.value = (
                f'<div class="cm-error" role="alert"><p>Please correct:</p><ul>{items}</ul>'
                f"<p>{kept}</p></div>"
            )
            return None
        plan = month_schedule(team, month, self.sop)
        self.output.value = plan_html(plan, self.sop)
        if not save:
            if self.restored:
                self.message.value = '<p role="status">Your saved team is back.</p>'
            return plan
        if self.store is None:
            self.message.value = (
                '<p role="status">Planned. Sign in at the top of the page to keep your team '
                "for next time.</p>"
            )
            return plan
        self.store.save_record(
            RECORD,
            {"team": team.model_dump(mode="json"), "month": f"{month:%m/%Y}"},
            lasting=True,
        )
        self.message.value = (
            f'<p role="status" aria-live="polite">Planned {month:%B %Y} and saved your team.</p>'
        )
        return plan


@kindly
def supervision_planner(page: Any = None, sop: SOP = DEFAULT_SOP) -> None:
    """Show the planner for the trainee on this page (their saved team, if any)."""
    from cmcourse.core.page import CoursePage

    store = page.store if isinstance(page, CoursePage) else None
    display(PlannerView(store, sop).widget)
