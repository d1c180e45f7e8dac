"""Nadia's time line and her deadlines table are one list read on one day: the chart plots every
deadline of the table once, with the same status, and nothing falls due after the closure but
what the rules say (the visit within 3 months, the feedback). Its labels never overlap."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import Counter

import pytest
from matplotlib.dates import num2date
from nadia_attempts import steps_done

from cmcourse.casestudy import casework, nadia
from cmcourse.casestudy.casefigures import timeline_chart
from cmcourse.casestudy.caseview import STATUS_WORDS
from cmsim.dates import fmt
from cmsim.timeline import DeadlineKind

CLOSED = dt.date(2022, 12, 12)


def table_rows(page: str, caption: str) -> list[tuple[str, str]]:
    """(due date, result as said) for each row of the deadlines table with this caption."""
    table = re.search(rf"<caption>{re.escape(caption)}.*?</table>", page, flags=re.S)
    assert table, caption
    rows = re.findall(r"<tr><td>.*?</tr>", table.group(), flags=re.S)
    cells = [re.findall(r"<td>(.*?)</td>", row, flags=re.S) for row in rows]
    return [(c[1], html.unescape(re.sub(r"<[^>]+>", "", c[3]))) for c in cells]


def plotted_deadlines(chart) -> list[tuple[str, str]]:
    """(date, result as said) for each deadline marker the chart draws."""
    (ax,) = chart.figure.axes
    return [
        (fmt(num2date(line.get_xdata()[0]).date()), STATUS_WORDS[line.get_gid().split(":")[1]])
        for line in ax.get_lines()
        if (line.get_gid() or "").startswith("deadline:")
    ]


@pytest.mark.parametrize("steps", ["12", "1234", "123456"])
def test_the_chart_plots_exactly_the_deadlines_of_the_summarys_table(steps):
    """The summary's table (what the trainee reads) and its chart (what is drawn) agree: the
    follow-up visit after closure is 'not yet due' in both, as the case study ends before it."""
    page = nadia.case_study_html(steps_done(*steps))
    case = casework.reference_until(steps[-1])
    day = casework.as_of(case)
    rows = table_rows(page, "Deadlines under The Nadia case study")
    chart = timeline_chart(case, day, "Nadia's file as in the case study")
    assert Counter(plotted_deadlines(chart)) == Counter(rows)
    described = table_rows(page, "The deadlines the time line marks")  # its text description
    assert described == rows
    assert f"as of {fmt(day)}" in page and f"Case file checklist (as of {fmt(day)})" in page
    if steps.endswith("6"):
        assert ("12/03/2023", "not yet due") in rows  # the visit within 3 months after closure
        assert "Visit planned; due by 12/03/2023, not yet due as of 15/12/2022" in page


def test_after_the_closure_only_the_visit_and_the_feedback_fall_due():
    case = casework.reference_case()
    for day in (CLOSED, dt.date(2022, 12, 15), dt.date(2023, 6, 1)):
        chart = timeline_chart(case, day, "Nadia")
        after = {d.kind for d in chart.due if d.due > CLOSED}
        assert after <= {DeadlineKind.POST_CLOSURE_VISIT, DeadlineKind.FEEDBACK}, day
        assert not [d for d in chart.due if d.kind is DeadlineKind.FOLLOW_UP and d.due > CLOSED]
        plotted = [d for d, _ in plotted_deadlines(chart)]
        assert sorted(plotted) == sorted(fmt(d.due) for d in chart.due)
    late = {d.kind: d.status for d in timeline_chart(case, dt.date(2023, 6, 1), "N").due}
    assert late[DeadlineKind.POST_CLOSURE_VISIT] == "overdue"  # read after it fell due: missed


def test_the_deadlines_before_closure_read_the_same_whatever_day_after_it():
    case = casework.reference_case()

    def before(day):
        return [
            (d.what, d.due, d.status) for d in timeline_chart(case, day, "N").due if d.due <= CLOSED
        ]

    assert before(CLOSED) == before(dt.date(2023, 6, 1))


@pytest.mark.parametrize("steps", ["1", "123", "123456"])
def test_no_two_labels_of_the_chart_overlap(steps):
    case = casework.reference_until(steps[-1])
    chart = timeline_chart(case, casework.as_of(case), "Nadia's file as in the case study")
    figure = chart.figure
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    (ax,) = figure.axes
    texts = [t for t in ax.texts if t.get_text()]
    texts += [t for t in [*ax.get_xticklabels(), *ax.get_yticklabels()] if t.get_text()]
    texts += [ax.title] + [t for legend in figure.legends for t in legend.get_texts()]
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    assert texts and all(size >= 11 for size in (t.get_fontsize() for t in texts))
    for i, (a, box) in enumerate(boxes):
        for b, other in boxes[i + 1 :]:
            assert not box.overlaps(other), (a, b)
    figure_box = figure.bbox
    assert all(figure_box.x0 <= b.x0 and b.x1 <= figure_box.x1 for _, b in boxes)
