"""Plots of a case: its timeline, and the child's and caregiver's feedback (matplotlib).

Each plot comes with alt text and a text description holding the same facts, so a trainee
who cannot see the picture loses nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, DateFormatter, date2num
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from cmcourse.casestudy.caseview import STATUS_WORDS, deadlines_table
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
from cmsim.timeline import Deadline, DeadlineKind, case_end, deadlines
from cmsim.vocab import RiskLevel

RISK_COLOURS = {RiskLevel.HIGH: "#f4c7c3", RiskLevel.MEDIUM: "#fde2b8", RiskLevel.LOW: "#d4ecd9"}
STATUS_STYLE = {  # deadline status: colour and marker, so colour is never the only cue
    "met": (GREEN, "o"),
    "late": (ORANGE, "s"),
    "overdue": (RED, "X"),
    "due": (BLUE, "^"),
    "undated": (INK, "d"),
}
DONE = "done"  # the mark of something that happened (a form on file)
# Top to bottom: each lane holds what happened (dots) and what its rules made due (markers).
LANES = [
    "Steps",
    "Assessment and plan",
    "Referrals and services",
    "Follow-ups",
    "Reviews",
    "After closure",
]
KIND_LANE = {
    DeadlineKind.INITIAL_ASSESSMENT: "Assessment and plan",
    DeadlineKind.COMPREHENSIVE_ASSESSMENT: "Assessment and plan",
    DeadlineKind.CASE_PLAN: "Assessment and plan",
    DeadlineKind.REFERRAL_RESPONSE: "Referrals and services",
    DeadlineKind.FOLLOW_UP: "Follow-ups",
    DeadlineKind.REVIEW: "Reviews",
    DeadlineKind.POST_CLOSURE_VISIT: "After closure",
    DeadlineKind.FEEDBACK: "After closure",
}
TEXT = 14  # points: about the page's own text (theme.FONT, 15, reads at 1em at full width)


@dataclass(frozen=True)
class Mark:
    """One thing the chart plots: something that happened, or a deadline with its status."""

    lane: str
    day: dt.date
    what: str
    status: str = DONE  # a deadline's status (timeline.Status), or DONE


@dataclass(frozen=True)
class TimelineChart:
    """The chart of a case read on one day: every mark it plots, and the figure itself."""

    marks: list[Mark]
    due: list[Deadline]
    figure: Figure
    as_of: dt.date


def _events(case: Case) -> list[Mark]:
    f = case.file
    marks = [Mark("Steps", f.identified_on, "identified")]
    if f.registration:
        marks.append(Mark("Steps", f.registration.date_completed, "registered"))
    marks += [Mark("Steps", a.completion_date, "assessed") for a in f.assessments]
    marks += [Mark("Steps", p.date_agreed, "plan agreed") for p in f.plans]
    marks += [Mark("Steps", c.date_closed, "closed") for c in f.closures]
    marks += [Mark("Steps", r.on, "reopened") for r in f.reopenings]
    marks += [Mark("Steps", t.on, "transferred") for t in f.transfers]
    marks += [Mark("Referrals and services", r.date, "referral") for r in f.referrals]
    marks += [
        Mark("Referrals and services", s.date_started, "service started")
        for s in f.services
        if s.date_started
    ]
    end = case_end(f)
    marks += [
        Mark("After closure" if end and u.date > end else "Follow-ups", u.date, "follow-up")
        for u in f.follow_ups
    ]
    marks += [Mark("Reviews", r.date, "review") for r in f.reviews]
    marks += [Mark("After closure", b.date_completed, "feedback form") for b in f.child_feedback]
    marks += [
        Mark("After closure", b.date_completed, "feedback form") for b in f.caregiver_feedback
    ]
    return marks


def timeline_marks(case: Case, due: list[Deadline]) -> list[Mark]:
    """What happened, and each deadline once, in the lane it belongs to."""
    return _events(case) + [Mark(KIND_LANE[d.kind], d.due, d.what, d.status) for d in due]


def _risk_spans(case: Case, end: dt.date) -> list[tuple[dt.date, dt.date, RiskLevel]]:
    changes = sorted(case.file.risk_history, key=lambda c: c.on)
    closed = case_end(case.file)
    end = min(end, closed) if closed else end  # no risk level is managed after the case ends
    spans = []
    for i, change in enumerate(changes):
        stop = changes[i + 1].on if i + 1 < len(changes) else end
        if change.level in RISK_COLOURS and stop > change.on:
            spans.append((change.on, stop, change.level))
    return spans


def _rows(days: list[float], gap: float) -> list[int]:
    """For markers of one lane, in date order: the row each goes in (0, 1, 2...), so that no
    two markers closer than `gap` days share a row."""
    last: list[float] = []
    rows = []
    for day in days:
        row = next((i for i, x in enumerate(last) if day - x >= gap), len(last))
        if row == len(last):
            last.append(day)
        last[row] = day
        rows.append(row)
    return rows


def timeline_chart(case: Case, as_of: dt.date, title: str) -> TimelineChart:
    """The whole case on one time axis, read on `as_of`: a lane for each part of the work,
    with what happened (blue dots) and the deadlines its rules set (by status)."""
    due = deadlines(case.file, case.sop, as_of)
    marks = timeline_marks(case, due)
    days = [m.day for m in marks] + [as_of]
    start = min(days)
    end = max([*days, start + dt.timedelta(14)])  # a fortnight at least: dates to read
    span = (end - start).days
    lanes = [lane for lane in LANES if any(m.lane == lane for m in marks)]
    fig = Figure(figsize=(10, 1.3 + 0.72 * len(lanes)), layout="constrained")
    FigureCanvasAgg(fig)  # measures the labels' text, so they can be set apart
    ax = fig.add_subplot()
    spans = _risk_spans(case, as_of)
    for a, b, level in spans:
        ax.axvspan(date2num(a), date2num(b), color=RISK_COLOURS[level], zorder=0)
    gap = span / 55  # about a marker's width, in days
    y_of = {lane: len(lanes) - 1 - i for i, lane in enumerate(lanes)}
    steps = _together(sorted((m for m in marks if m.lane == "Steps"), key=_day), gap * 2)
    for day, _ in steps:  # steps close together: one dot, their label names each
        ax.plot(date2num(day), y_of["Steps"], "o", color=BLUE, ms=7, zorder=3, gid="event")
    for lane in lanes:
        y = y_of[lane]
        if lane != "Steps":
            done = sorted((m for m in marks if m.lane == lane and m.status == DONE), key=_day)
            for mark, row in zip(done, _rows([date2num(m.day) for m in done], gap), strict=True):
                ax.plot(date2num(mark.day), y + 0.13 + 0.24 * row, "o", color=BLUE, ms=7,
                        zorder=3, gid="event")  # fmt: skip
        judged = sorted((m for m in marks if m.lane == lane and m.status != DONE), key=_day)
        for mark, row in zip(judged, _rows([date2num(m.day) for m in judged], gap), strict=True):
            colour, marker = STATUS_STYLE[mark.status]
            ax.plot(date2num(mark.day), y - 0.13 - 0.24 * row, marker, color=colour, ms=8,
                    zorder=3, gid=f"deadline:{mark.status}")  # fmt: skip
    ax.set_yticks([y_of[lane] for lane in lanes], lanes, fontsize=TEXT)
    ax.set_ylim(-0.8, len(lanes) - 0.2 + (0.6 if "Steps" in y_of else 0))
    ax.set_xlim(date2num(start) - span / 40, date2num(end) + span / 40)
    fig.draw_without_rendering()  # the layout first: labels are measured where they will be
    if "Steps" in y_of:
        _step_labels(ax, steps, y_of["Steps"])
    ax.xaxis.set_major_locator(AutoDateLocator(maxticks=7))
    ax.xaxis.set_major_formatter(DateFormatter("%d/%m/%y"))
    ax.tick_params(axis="x", labelsize=TEXT)
    ax.grid(axis="x", color="#ddd")
    ax.axvline(date2num(as_of), color=INK, lw=1, ls=":", zorder=1)
    ax.set_title(f"{title} (read on {fmt(as_of)}, the dotted line)", loc="left", fontsize=TEXT)
    shown = {level for _, _, level in spans}
    legend: list[Artist] = [
        Patch(color=c, label=f"risk: {lvl.value}")
        for lvl, c in RISK_COLOURS.items()
        if lvl in shown
    ]
    legend.append(Line2D([], [], ls="", marker="o", color=BLUE, label="recorded on file"))
    legend += [
        Line2D([], [], ls="", marker=m, color=c, label=f"deadline {STATUS_WORDS[s]}")
        for s, (c, m) in STATUS_STYLE.items()
        if any(d.status == s for d in due)
    ]
    fig.legend(handles=legend, loc="outside lower center", ncols=3, fontsize=TEXT - 1,
               frameon=False)  # fmt: skip
    return TimelineChart(marks, due, fig, as_of)


def _day(mark: Mark) -> dt.date:
    return mark.day


def _together(steps: list[Mark], days: float) -> list[tuple[dt.date, list[Mark]]]:
    """Steps a few days apart, as one group dated by its first."""
    groups: list[tuple[dt.date, list[Mark]]] = []
    for mark in steps:
        if groups and (mark.day - groups[-1][1][-1].day).days <= days:
            groups[-1][1].append(mark)
        else:
            groups.append((mark.day, [mark]))
    return groups


def _step_labels(ax: Any, groups: list[tuple[dt.date, list[Mark]]], y: float) -> None:
    """The steps' names above their dot (with each one's date when a dot stands for several),
    a label that would run into one already placed going a line higher."""
    renderer = ax.figure.canvas.get_renderer()
    placed: list[Any] = []
    for day, group in groups:
        days = {m.day for m in group}
        words = "; ".join(
            ", ".join(m.what for m in group if m.day == d)
            + (f" {d:%d/%m}" if len(days) > 1 else "")
            for d in sorted(days)
        )
        for line in range(4):
            text = ax.annotate(words, (date2num(day), y), xytext=(-5, 8 + 15 * line),
                               textcoords="offset points", fontsize=TEXT - 1, color=INK,
                               va="bottom", ha="left")  # fmt: skip
            box = text.get_window_extent(renderer)
            if not any(box.overlaps(other) for other in placed) or line == 3:
                placed.append(box)
                break
            text.remove()


def timeline(case: Case, as_of: dt.date, title: str) -> str:
    """The whole case on one time axis, as an accessible HTML figure (its text description
    lists every mark the chart plots)."""
    chart = timeline_chart(case, as_of, title)
    events = [m for m in chart.marks if m.status == DONE]
    missed = [d for d in chart.due if d.status in {"late", "overdue"}]
    first, last = min(m.day for m in chart.marks), max(m.day for m in chart.marks)
    alt = (
        f"Timeline of case {case.file.code} from {fmt(first)} to {fmt(last)}, read on "
        f"{fmt(as_of)}: {len(events)} things on file, {len(chart.due)} deadlines, "
        f"{len(missed)} of them late or missed. The text description lists them all."
    )
    rows = [[fmt(m.day), m.lane, m.what] for m in events]
    rows += [[fmt(c.on), "Risk level", f"{c.level.value} ({c.source})"]
             for c in case.file.risk_history]  # fmt: skip
    description = table_html(
        "What happened", ["Date", "Lane", "What"], sorted(rows, key=_by_date)
    ) + deadlines_table(chart.due, case.sop.name, as_of, "The deadlines the time line marks")
    return picture_html(
        chart.figure,
        f"timeline-{case.file.code}-{title[:12]}",
        alt,
        title,
        description,
        min_width_em=44,
    )


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
