"""Programme monitoring: a CPIMS+-style dashboard of a simulated programme, for the
interpretation exercises (seed 003, the dashboard examples after the feedback forms).

    show_dashboard("B")        # in a notebook: the dashboard, its alt text and its figures
    show_what_happened("B")    # after the questions: what changed in the simulation

Six dashboards, one per scenario of the caseload simulator, all of the same programme: it
runs for 2022 (filling up from no cases) and the dashboards show 2023; from 1 May 2023 the
scenario's change applies. Each scenario is simulated once per kernel and kept (the runs are
seeded, so keeping them changes nothing). Panels mirror the CPIMS+ indicators; every figure
drawn is also in a table, the picture's text alternative.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from html import escape

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from cmcourse.core.memo import kept, source_digest
from cmcourse.core.safety import safe
from cmcourse.html.parts import table_html
from cmcourse.html.picture import png
from cmcourse.html.theme import BLUE, INK, RED, STYLE
from cmsim.caseload.indicators import (
    MonthlyProgress,
    MonthlySeries,
    monthly_progress,
    monthly_series,
)
from cmsim.caseload.simulator import Scenario, SimParams, SimulationResult, simulate
from cmsim.sop import CASE_STUDY_SOP, SOP

START = dt.date(2022, 1, 1)
SHOWN = "2023"  # the year the dashboards show; 2022 fills the programme up
CHANGE = dt.date(2023, 5, 1)  # the scenario's change begins on this day
SEED = 19
ARRIVALS_PER_DAY = 1.0
SETTINGS = {  # a programme within the SOP before any change: about 17 cases per caseworker
    "days": 730,
    "start_date": START,
    "caseworkers": 8,
    "supervisors": 2,
    "arrivals_per_day": ARRIVALS_PER_DAY,
    "scenario_day": (CHANGE - START).days,
}
NEW_A_MONTH = round(ARRIVALS_PER_DAY * 365 / 12)
DPI = 100
# Font sizes in points. Shown at most 60em wide, the 12-inch figure has 5em to the inch: 14pt
# is about the page's body text.
TITLE, SMALL = 14, 12


@dataclass(frozen=True)
class Dashboard:
    letter: str
    scenario: Scenario
    what_happened: str  # shown after the questions: the change the simulation made


DASHBOARDS: dict[str, Dashboard] = {
    d.letter: d
    for d in (
        Dashboard(
            "A",
            Scenario.BASELINE,
            "Nothing changed: the programme ran all year as it was set up, with "
            f"{SETTINGS['caseworkers']} caseworkers, {SETTINGS['supervisors']} supervisors and "
            f"about {NEW_A_MONTH} new cases a month. It is the yardstick for the other "
            "dashboards.",
        ),
        Dashboard(
            "B",
            Scenario.POPULATION_ARRIVAL,
            "From May, three times as many new cases were registered each day: a population "
            "arrived. The same 8 caseworkers took them all on.",
        ),
        Dashboard(
            "C",
            Scenario.FEWER_STAFF,
            "In May, half of the caseworkers (4 of 8) left, and their cases were shared among "
            "those who stayed. New cases kept coming as before.",
        ),
        Dashboard(
            "D",
            Scenario.PRESSURE_TO_CLOSE,
            "From May, cases were closed early as 'goal met' and reviews were skipped: there "
            "was pressure to close cases, and closing quickly was taken for success.",
        ),
        Dashboard(
            "E",
            Scenario.BROKEN_REFERRAL_PATHWAY,
            "From May, service providers refused most referrals, and the services they did "
            "accept started much later: the referral pathway broke down.",
        ),
        Dashboard(
            "F",
            Scenario.PROGRAMME_CLOSING,
            "From May, the programme registered no new case and closed or handed over every "
            "open case before the end of the year: the programme was closing.",
        ),
    )
}


# -- the data ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Panel:
    title: str  # the name the questions use
    unit: str  # what the numbers are, in full, for the table
    axis: str  # the same, short, for the axis
    values: list[float | None]
    bars: bool = False
    percent: bool = False
    limit: tuple[float, str] | None = None  # a reference line and its label


@dataclass(frozen=True)
class DashboardData:
    letter: str
    months: list[str]  # "Jan 2023" ...
    panels: list[Panel]


def run(letter: str, sop: SOP = CASE_STUDY_SOP) -> SimulationResult:
    """The simulation behind a dashboard (seeded: the same run every time)."""
    board = _board(letter)
    params = SimParams(**SETTINGS, scenario=board.scenario)
    return simulate(params, sop=sop, seed=SEED)


def _board(letter: str) -> Dashboard:
    if letter not in DASHBOARDS:
        raise KeyError(f"no dashboard {letter!r}; the dashboards are {', '.join(DASHBOARDS)}")
    return DASHBOARDS[letter]


def panels(series: MonthlySeries, progress: MonthlyProgress, limit: int) -> list[Panel]:
    """The nine panels, for the months of the year shown."""
    keep = [n for n, m in enumerate(series.months) if m.startswith(SHOWN)]

    def shown(values: list) -> list:
        return [values[n] for n in keep]

    return [
        Panel(
            "Caseload: open cases",
            "open cases at the month's end",
            "open cases",
            shown(series.open_cases),
            bars=True,
        ),
        Panel(
            "Open cases per caseworker",
            "open cases per caseworker, month end",
            "cases per caseworker",
            shown(progress.caseload_mean),
            limit=(limit, f"SOP limit: {limit}"),
        ),
        Panel(
            "High-risk cases open",
            "high-risk cases open at the month's end",
            "high-risk cases",
            shown(progress.high_risk_open),
            bars=True,
        ),
        Panel(
            "Share of open cases that are high risk",
            "% of open cases, month end",
            "% of open cases",
            shown(series.high_risk_share),
            percent=True,
        ),
        Panel(
            "Days from case opened to closed",
            "median days, cases closed that month",
            "days (median)",
            shown(progress.days_to_close_median),
        ),
        Panel(
            "Cases closed",
            "cases closed in the month",
            "cases closed",
            shown(series.closures),
            bars=True,
        ),
        Panel(
            "Services provided",
            "services provided in the month",
            "services",
            shown(series.services),
            bars=True,
        ),
        Panel(
            "Assessments completed",
            "% of open cases assessed, month end",
            "% of open cases",
            shown(progress.assessed_pct),
            percent=True,
        ),
        Panel(
            "Progress towards case-plan goals",
            "% of case-plan actions completed (open cases)",
            "% of actions done",
            shown(progress.plan_progress_pct),
            percent=True,
        ),
    ]


def _month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{dt.date(int(year), int(month), 1):%b} {year}"


def _data(letter: str, sop: SOP) -> DashboardData:
    result = run(letter, sop)
    series = monthly_series(result)
    labels = [_month_label(m) for m in series.months if m.startswith(SHOWN)]
    return DashboardData(
        letter, labels, panels(series, monthly_progress(result), sop.supervision.caseload_limit)
    )


@cache
def _default_data(letter: str) -> DashboardData:
    return _data(letter, CASE_STUDY_SOP)


def dashboard_data(letter: str, sop: SOP | None = None) -> DashboardData:
    """A dashboard's figures; under the case study's SOP each is simulated once and kept."""
    _board(letter)
    return _default_data(letter) if sop is None else _data(letter, sop)


# -- the picture and its text alternative --------------------------------------------------
def _draw(ax: Axes, panel: Panel, months: list[str]) -> None:
    x = list(range(len(months)))
    if panel.bars:
        ax.bar(x, [v or 0 for v in panel.values], color=BLUE, width=0.7)
    else:
        gaps = [math.nan if v is None else v for v in panel.values]  # a month with no value
        ax.plot(x, gaps, color=BLUE, linewidth=2.2, marker="o", markersize=4)
    if panel.limit:
        value, label = panel.limit
        ax.axhline(value, color=RED, linewidth=1.8, linestyle=(0, (5, 3)))
        ax.text(
            0,
            value,
            label,
            color=RED,
            fontsize=SMALL,
            va="bottom",
            ha="left",
            bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"},
        )
    top = max([v for v in panel.values if v is not None] + [panel.limit[0] if panel.limit else 0])
    ax.set_ylim(0, 100 if panel.percent else max(1.0, top * 1.15))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))  # counts have no halves
    title = "\n".join(textwrap.wrap(panel.title, 26))
    ax.set_title(title, fontsize=TITLE, fontweight="bold", color=INK, loc="left", pad=10)
    ax.set_ylabel(panel.axis, fontsize=SMALL, color=INK)
    ax.set_xticks(x[::2], [m[:3] for m in months[::2]])
    ax.tick_params(colors=INK, labelsize=SMALL)
    # A dotted line where the change begins: the months before it are the yardstick.
    ax.axvline(months.index(f"{CHANGE:%b %Y}") - 0.5, color=INK, linewidth=0.8, linestyle=":")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def dashboard_figure(data: DashboardData) -> Figure:
    """Nine panels, three by three, of one dashboard."""
    fig = Figure(figsize=(12, 12.5), facecolor="white")
    # Fixed margins: a layout engine would draw the figure twice to place them.
    fig.subplots_adjust(left=0.07, right=0.99, top=0.9, bottom=0.04, hspace=0.55, wspace=0.32)
    fig.suptitle(
        f"Dashboard {data.letter}: the programme month by month, {data.months[0]} to "
        f"{data.months[-1]} (dotted line: 1 May)",
        fontsize=TITLE + 1,
        fontweight="bold",
        color=INK,
    )
    for ax, panel in zip(fig.subplots(3, 3).flat, data.panels, strict=True):
        _draw(ax, panel, data.months)
    return fig


def _cell(value: float | None, panel: Panel) -> str:
    if value is None:
        return "none"
    if panel.percent:
        return f"{value:.0f}%"
    return f"{value:.0f}" if panel.bars or float(value).is_integer() else f"{value:.1f}"


def figures_table(data: DashboardData) -> str:
    """Every figure drawn, month by month: the dashboard's text alternative."""
    headers = ["Month", *(f"{p.title} ({p.unit})" for p in data.panels)]
    rows = [
        [month, *(_cell(p.values[n], p) for p in data.panels)]
        for n, month in enumerate(data.months)
    ]
    return table_html(f"Dashboard {data.letter}: the figures of every panel", headers, rows)


def alt_text(data: DashboardData) -> str:
    names = ", ".join(p.title.lower() for p in data.panels)
    return (
        f"Dashboard {data.letter}: nine charts of the programme's monthly figures, "
        f"{data.months[0]} to {data.months[-1]}: {names}. The table after the picture gives "
        "every figure."
    )


@cache
def _digest() -> str:
    """Everything that draws a default dashboard, read once per process: a change to the
    simulator, the indicators, this module or the SOP redraws it."""
    from cmsim.caseload import indicators, needs, simulator

    return source_digest(
        simulator,
        indicators,
        needs,
        sys.modules[__name__],
        extra=CASE_STUDY_SOP.model_dump_json() + needs.NEEDS_FILE.read_text(encoding="utf-8"),
    )


def dashboard_html(letter: str, sop: SOP | None = None) -> str:
    """A dashboard as HTML; under the case study's SOP drawn once per machine and kept."""
    if sop is not None:
        return _dashboard_html(letter, sop)
    _board(letter)
    return kept(f"dashboard-{letter}", _digest(), lambda: _dashboard_html(letter, None))


def warm() -> None:
    """Draw every dashboard into the cache (the course server starts this beside Voilà)."""
    for letter in DASHBOARDS:
        dashboard_html(letter)


def _dashboard_html(letter: str, sop: SOP | None) -> str:
    data = dashboard_data(letter, sop)
    fig = dashboard_figure(data)
    image = base64.b64encode(png(fig, dpi=DPI, palette=128)).decode()
    table_id = f"cm-dashboard-{letter}-figures"
    return (
        STYLE + f'<figure class="cm-figure" style="margin: 1em 0; max-width: 60em">'
        f'<img src="data:image/png;base64,{image}" alt="{escape(alt_text(data))}" '
        f'aria-describedby="{table_id}" style="display: block; width: 100%; height: auto; '
        'border: 1px solid #ccc">'
        f'<figcaption style="margin-top: 0.4em"><strong>Dashboard {escape(letter)}.</strong> '
        f"{escape(_caption(letter, data))} The dashed red line is the SOP's caseload limit."
        '<details style="margin-top: 0.4em"><summary style="cursor: pointer; color: #0b4f8a; '
        "text-decoration: underline\">The dashboard's figures as a table</summary>"
        f'<div id="{table_id}">{figures_table(data)}</div></details></figcaption></figure>'
    )


def _caption(letter: str, data: DashboardData) -> str:
    if DASHBOARDS[letter].scenario is not Scenario.BASELINE:
        return "The same programme as dashboard A until the end of April 2023 (the dotted line)."
    mix = SimParams().risk_mix
    (share,) = [
        p.values for p in data.panels if p.title == "Share of open cases that are high risk"
    ]
    known = [v for v in share if v is not None]
    return (
        "The programme as it was set up, the yardstick for the other dashboards: "
        f"{SETTINGS['caseworkers']} caseworkers and about {NEW_A_MONTH} new cases a month, of "
        f"which {mix.high:.0%} are high risk, {mix.medium:.0%} medium and {mix.low:.0%} low at "
        "registration (the course's assumption: the case study gives no figure). As cases "
        f"are worked their risk comes down, so about {sum(known) / len(known):.0f}% of the "
        "open cases are high risk in a month."
    )


def what_happened_html(letter: str) -> str:
    board = _board(letter)
    return (
        '<details class="cm-guidance" style="margin: 1em 0"><summary style="cursor: pointer">'
        f"<strong>What changed in programme {escape(letter)}</strong> (open once you have "
        f"answered)</summary><p>{escape(board.what_happened)}</p><p>A dashboard shows what "
        "happened, not why: the guidance's lists are the questions a supervisor asks the "
        "team, and the answer may be on none of them.</p></details>"
    )


def _show(build: Callable[[], str]) -> None:
    """Show what `build` draws, as a widget (links work); an error as a friendly message."""
    from cmcourse.core.page import show

    safe(show)(lambda: show(build()))()


def show_dashboard(letter: str) -> None:
    """Show a dashboard in a notebook; an error becomes a friendly message."""
    _show(lambda: dashboard_html(letter))


def show_what_happened(letter: str) -> None:
    _show(lambda: what_happened_html(letter))
