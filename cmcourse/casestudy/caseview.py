"""HTML views of a case for Voilà pages: summary, record of activities, checklist, deadlines.

Plain, accessible HTML (real tables with headers and captions); every value escaped.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from cmcourse.html.parts import table_html
from cmcourse.html.theme import STYLE
from cmsim.case import Case
from cmsim.checklist import evaluate
from cmsim.dates import fmt
from cmsim.summary import summarise
from cmsim.timeline import Deadline, deadlines, judged_on

STATUS_WORDS = {
    "met": "on time",
    "late": "late",
    "due": "not yet due",
    "overdue": "missed",
    "undated": "done, date not recorded",
}


def summary_html(case: Case, as_of: dt.date | None = None) -> str:
    s = summarise(case.file, case.sop, as_of)
    rows = [
        ["Case code", s.code],
        ["Status", s.status],
        ["Identified", s.identified_on],
        *[[f"Step reached: {step}", day] for step, day in s.steps.items()],
        [
            "Risk level over time",
            " → ".join(f"{r['level']} ({r['date']}, {r['source']})" for r in s.risk_history),
        ],
        ["Case plan actions", str(s.plan_actions)],
        ["Referrals", str(s.referrals)],
        ["Follow-ups recorded", str(s.follow_ups)],
        ["Review meetings", str(s.reviews)],
        ["Weeks open", str(s.weeks_open)],
    ]
    if s.closure_reason:
        rows.append(["Closed", f"{s.closed_on}: {s.closure_reason}"])
    if s.file_kept_until:
        rows.append(["File kept until", s.file_kept_until])
    return STYLE + table_html("Key facts of the case", ["Fact", "Value"], rows)


def log_html(case: Case) -> str:
    rows = [[fmt(e.on), e.by, e.step.value, e.summary] for e in case.file.log]
    return table_html(
        "Record of every activity on the case file", ["Date", "Who", "Step", "What"], rows
    )


def checklist_html(case: Case, as_of: dt.date | None = None) -> str:
    """The supervisor's case file checklist on this file, read on `as_of` (by default the
    last day anything was recorded on it)."""
    day = as_of or judged_on(case.file)
    rows = [
        [
            escape(f"{i.section} {i.number}"),
            escape(i.text),
            f'<span class="cm-{i.answer}">{i.answer}</span>',
            escape(i.reason),
        ]
        for i in evaluate(case.file, case.sop, day)
    ]
    return table_html(
        f"Case file checklist (as of {fmt(day)})",
        ["Item", "Checklist question", "Y/N/NA", "Why"],
        rows,
        raw=True,
    )


def deadlines_table(
    due: list[Deadline], sop_name: str, as_of: dt.date, what: str = "Deadlines"
) -> str:
    """Deadlines as a table: the one the page shows and the one describing the timeline chart
    are this table, from the same list (cmsim.timeline.deadlines)."""
    rows = [
        [
            escape(d.what),
            escape(fmt(d.due)),
            escape(fmt(d.done_on) or "—"),
            f'<span class="cm-{d.status}">{STATUS_WORDS[d.status]}</span>',
            escape(d.rule),
        ]
        for d in due
    ]
    return table_html(
        f"{what} under {sop_name}, as of {fmt(as_of)}",
        ["What", "Due", "Done", "Result", "Rule"],
        rows,
        raw=True,
    )


def deadlines_html(case: Case, as_of: dt.date | None = None) -> str:
    """Every deadline of the case read on `as_of` (by default the last day anything was
    recorded on the file, as its timeline chart reads it)."""
    day = as_of or judged_on(case.file)
    return deadlines_table(deadlines(case.file, case.sop, day), case.sop.name, day)


def show_case(script: str, as_of: str) -> None:
    """Replay a case script under casestudies/ and show its file as a supervisor reads it."""
    from IPython.display import HTML, display

    from cmcourse.core.paths import CASESTUDIES
    from cmcourse.core.safety import friendly
    from cmsim.dates import parse_day_first
    from cmsim.replay import replay

    try:
        case = replay(CASESTUDIES / script)
        day = parse_day_first(as_of)
        display(
            HTML(
                summary_html(case, day)
                + log_html(case)
                + deadlines_html(case, day)
                + checklist_html(case, day)
            )
        )
    except Exception as exc:  # shown kindly, logged for the trainer
        display(HTML(friendly(exc)))
