"""Plots of a case: its timeline, and the child's and caregiver's feedback (matplotlib).

Each plot comes with alt text and a text description holding the same facts, so a trainee
who cannot see the picture loses nothing.
"""

from __future__ import annotations

import datetime as dt

from matplotlib.artist import Artist
from matplotlib.dates import DateFormatter, date2num
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from cmcourse.casestudy.caseview import STATUS_WORDS
from cmcourse.html.parts import table_html
from cmcourse.html.picture import picture_html
from cmcourse.html.theme import BLUE, GREEN, INK, ORANGE, RED
from cmsim.case import Case
from cmsim.dates import fmt
from cmsim.forms.feedback import (
    NEGATIVE_ITEMS,
    RATED,
    CaregiverFeedbackForm,
    ChildFeedbackForm,
)
from cmsim.timeline import deadlines
from cmsim.vocab import RiskLevel

RISK_COLOURS = {RiskLevel.HIGH: "#f4c7c3", RiskLevel.MEDIUM: "#fde2b8", RiskLevel.LOW: "#d4ecd9"}
STATUS_STYLE = {  # deadline status: colour and marker, so colour is never the only cue
    "met": (GREEN, "o"),
    "late": (ORANGE, "s"),
    "overdue": (RED, "X"),
    "due": (BLUE, "^"),
    "undated": (INK, "d"),
}
LANES = ["Deadlines", "Reviews", "Follow-ups", "Services & referrals", "Steps"]


def _events(case: Case) -> dict[str, list[tuple[dt.date, str]]]:
    f = case.file
    steps = [(f.identified_on, "identified")]
    if f.registration:
        steps.append((f.registration.date_completed, "registered"))
    steps += [(a.completion_date, "assessed") for a in f.assessments if a.completion_date]
    steps += [(p.date_agreed, "plan agreed") for p in f.plans]
    steps += [(c.date_closed, "closed") for c in f.closures]
    services = [(r.date, "referral") for r in f.referrals]
    services += [(s.date_started, "service") for s in f.services if s.date_started]
    return {
        "Steps": steps,
        "Services & referrals": services,
        "Follow-ups": [(u.date, "follow-up") for u in f.follow_ups],
        "Reviews": [(r.date, "review") for r in f.reviews],
    }


def _risk_spans(case: Case, end: dt.date) -> list[tuple[dt.date, dt.date, RiskLevel]]:
    changes = sorted(case.file.risk_history, key=lambda c: c.on)
    spans = []
    for i, change in enumerate(changes):
        stop = changes[i + 1].on if i + 1 < len(changes) else end
        if change.level in RISK_COLOURS and stop > change.on:
            spans.append((change.on, stop, change.level))
    return spans


def timeline(case: Case, as_of: dt.date, title: str) -> str:
    """The whole case on one time axis, as an accessible HTML figure."""
    events = _events(case)
    due = deadlines(case.file, case.sop, as_of)
    days = [d for lane in events.values() for d, _ in lane] + [d.due for d in due] + [as_of]
    start, end = min(days), max(days)
    fig = Figure(figsize=(11, 4.6), layout="constrained")
    ax = fig.add_subplot()
    spans = _risk_spans(case, as_of)
    for a, b, level in spans:
        ax.axvspan(date2num(a), date2num(b), color=RISK_COLOURS[level], zorder=0)
    for y, lane in enumerate(LANES):
        for day, _ in events.get(lane, []):
            ax.plot(date2num(day), y, "o", color=BLUE, ms=8, zorder=3)
    for day, words in _close_together(events["Steps"], (end - start).days // 25 + 1):
        ax.annotate("\n".join(words), (date2num(day), LANES.index("Steps")), xytext=(-4, 8),
                    textcoords="offset points", fontsize=8, color=INK, va="bottom")  # fmt: skip
    for d in due:
        colour, marker = STATUS_STYLE[d.status]
        ax.plot(date2num(d.due), 0, marker, color=colour, ms=8, zorder=3)
    ax.set_yticks(range(len(LANES)), LANES)
    ax.set_ylim(-0.6, len(LANES) + 0.4)
    ax.set_xlim(date2num(start) - 2, date2num(end) + 4)
    ax.xaxis.set_major_formatter(DateFormatter("%d/%m/%y"))
    ax.grid(axis="x", color="#ddd")
    ax.set_title(title, loc="left", fontsize=11)
    shown = {level for _, _, level in spans}
    legend: list[Artist] = [
        Patch(color=c, label=f"risk: {lvl.value}")
        for lvl, c in RISK_COLOURS.items()
        if lvl in shown
    ]
    legend += [
        ax.plot([], [], m, color=c, label=f"deadline {STATUS_WORDS[s]}")[0]
        for s, (c, m) in STATUS_STYLE.items()
        if any(d.status == s for d in due)
    ]
    fig.legend(handles=legend, loc="outside lower center", ncols=4, fontsize=8, frameon=False)
    missed = [d for d in due if d.status in {"late", "overdue"}]
    alt = (
        f"Timeline of case {case.file.code} from {fmt(start)} to {fmt(end)}: "
        f"{sum(len(v) for v in events.values())} events, {len(due)} deadlines, "
        f"{len(missed)} of them late or missed. The text description lists them all."
    )
    rows = [[fmt(day), lane, what] for lane, items in events.items() for day, what in items]
    rows += [[fmt(c.on), "Risk level", f"{c.level.value} ({c.source})"]
             for c in case.file.risk_history]  # fmt: skip
    description = table_html(
        "What happened", ["Date", "Lane", "What"], sorted(rows, key=_by_date)
    ) + table_html(
        "Deadlines under the SOP",
        ["Due", "What", "Status"],
        [[fmt(d.due), d.what, d.describe()] for d in due],
    )
    return picture_html(fig, f"timeline-{case.file.code}-{title[:12]}", alt, title, description)


def _close_together(
    events: list[tuple[dt.date, str]], days: int
) -> list[tuple[dt.date, list[str]]]:
    """Steps a few days apart share one label (stacked), so labels never overlap."""
    groups: list[tuple[dt.date, list[str]]] = []
    for day, what in sorted(events, key=lambda e: e[0]):
        if groups and (day - groups[-1][0]).days <= days:
            groups[-1][1].append(what)
        else:
            groups.append((day, [what]))
    return groups


def _by_date(row: list[str]) -> str:
    day, month, year = row[0].split("/")
    return f"{year}{month}{day}"


def feedback_chart(case: Case) -> str:
    """The child's and caregiver's 1-10 answers (items 9-16); the negatively worded items 9,
    11 and 13 are drawn apart, because there a LOW number is the good answer."""
    forms: list[tuple[str, ChildFeedbackForm | CaregiverFeedbackForm]]
    forms = [("Child", f) for f in case.file.child_feedback]
    forms += [("Caregiver", f) for f in case.file.caregiver_feedback]
    if not forms:
        return "<p>No feedback forms are in this file yet.</p>"
    fig = Figure(figsize=(11, 4.8), layout="constrained")
    axes = fig.subplots(1, len(forms), sharey=True, squeeze=False)[0]
    items = list(RATED)
    rows = []
    for ax, (who, form) in zip(axes, forms, strict=True):
        scores = [form.ratings[q] for q in items]
        colours = [ORANGE if q in NEGATIVE_ITEMS else BLUE for q in items]
        bars = ax.barh(range(len(items)), scores, color=colours)
        for bar, q in zip(bars, items, strict=True):
            if q in NEGATIVE_ITEMS:
                bar.set_hatch("//")
        ax.bar_label(bars, padding=3, fontsize=8)
        ax.set_xlim(0, 10.9)
        ax.set_xticks(range(0, 11, 2))
        ax.set_title(f"{who} feedback form", fontsize=11, loc="left")
        ax.set_xlabel("1 = strongly disagree … 10 = strongly agree")
        for q in items:
            text = type(form).QUESTIONS.get(q, "")
            rows.append(
                [who, str(q), text, str(form.ratings[q]),
                 "worded negatively: 1 is the best answer" if q in NEGATIVE_ITEMS else
                 "10 is the best answer"]
            )  # fmt: skip
    axes[0].set_yticks(
        range(len(items)),
        [f"{q} (negative: lower is better)" if q in NEGATIVE_ITEMS else str(q) for q in items],
    )
    axes[0].invert_yaxis()
    fig.legend(
        handles=[
            Patch(color=BLUE, label="worded positively: 10 is best"),
            Patch(facecolor=ORANGE, hatch="//", label="worded negatively (9, 11, 13): 1 is best"),
        ],
        loc="outside lower center",
        ncols=2,
        frameon=False,
        fontsize=9,
    )
    alt = "Bar charts of the feedback answers 9 to 16: " + "; ".join(
        f"{who}: " + ", ".join(f"item {q} = {form.ratings[q]}" for q in items)
        for who, form in forms
    )
    description = table_html(
        "Feedback answers (1 to 10)", ["Form", "Item", "Statement", "Answer", "Reading"], rows
    )
    caption = (
        "Feedback at the end of case management. Items 9, 11 and 13 are worded negatively "
        "(hatched): a low number there is good news."
    )
    return picture_html(fig, f"feedback-{case.file.code}", alt, caption, description)
