"""The e-course's diagrams, redrawn with matplotlib, each with its text alternative.

    show_figure("case_management_cycle")   # in a notebook: the picture, caption and description

Each figure is built with the object API (`matplotlib.figure.Figure`, never pyplot), sets no
global rcParams, and is drawn on axes whose data units are inches, so that sizes of boxes and
fonts can be reasoned about together. Its text alternative comes from the same data as the
picture: a short `alt`, a caption, and a full description listing every item drawn.

Colours all have a contrast of at least 4.5:1 against white, and nothing is told by colour
alone: returns are dashed and labelled, panels and kinds of service have headings, and the
one box drawn from another section has a dashed border that the caption explains.
"""

from __future__ import annotations

import math
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from html import escape

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from cmcourse.core.memo import kept, source_digest
from cmcourse.core.safety import kindly, shown
from cmcourse.html import picture, theme
from cmcourse.html.picture import picture_html
from cmcourse.html.theme import (
    BLUE,
    BLUE_FILL,
    FONT,
    GREEN,
    GREEN_FILL,
    GREY_FILL,
    INK,
    ORANGE,
    ORANGE_FILL,
    RED,
)


# -- the text alternatives -----------------------------------------------------------------
@dataclass(frozen=True)
class Group:
    """A heading and its items, as the description lists them."""

    heading: str
    items: tuple[str, ...]
    ordered: bool = False


@dataclass(frozen=True)
class Description:
    """Everything the picture says, in words."""

    alt: str  # short: what the picture is
    caption: str  # shown under the picture
    summary: str  # the first paragraph of the long description
    groups: tuple[Group, ...]
    note: str = ""  # how to read it, and any choice made where the source is ambiguous

    def html(self) -> str:
        parts = [f"<p>{escape(self.summary)}</p>"]
        for group in self.groups:
            heading = f"<p><strong>{escape(group.heading)}</strong></p>"
            if group.ordered:  # the numbers drawn in the picture, written out
                items = "".join(
                    f"<li>{n}. {escape(item)}</li>" for n, item in enumerate(group.items, 1)
                )
                parts.append(f'{heading}<ol style="list-style: none">{items}</ol>')
            else:
                items = "".join(f"<li>{escape(item)}</li>" for item in group.items)
                parts.append(f"{heading}<ul>{items}</ul>")
        if self.note:
            parts.append(f"<p>{escape(self.note)}</p>")
        return "".join(parts)

    def text(self) -> str:
        """The description as plain text (what a screen reader reads)."""
        lines = [self.summary]
        for group in self.groups:
            lines.append(group.heading)
            lines += [
                f"{n}. {item}" if group.ordered else f"- {item}"
                for n, item in enumerate(group.items, 1)
            ]
        if self.note:
            lines.append(self.note)
        return "\n".join(lines)


# -- drawing helpers -----------------------------------------------------------------------
LINE_SPACING = 1.2


def _canvas(width: float, height: float) -> tuple[Figure, Axes]:
    """A white figure whose one axes fills it, with data units of inches."""
    fig = Figure(figsize=(width, height), facecolor="white")
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_axis_off()
    return fig, ax


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False, break_long_words=False))


def _height(text: str, size: float) -> float:
    """The height in inches of (wrapped) text at a font size in points."""
    return (text.count("\n") + 1) * size * LINE_SPACING / 72


def _text(
    ax: Axes,
    x: float,
    y: float,
    text: str,
    *,
    size: float = FONT,
    bold: bool = False,
    italic: bool = False,
    color: str = INK,
    ha: str = "center",
    va: str = "center",
    zorder: float = 3,
) -> None:
    ax.text(
        x,
        y,
        text,
        ha=ha,
        va=va,
        fontsize=size,
        fontweight="bold" if bold else "normal",
        fontstyle="italic" if italic else "normal",
        color=color,
        linespacing=LINE_SPACING,
        zorder=zorder,
    )


def _box(
    ax: Axes,
    x: float,
    y: float,
    w: float,
    h: float,
    *,
    fill: str = BLUE_FILL,
    edge: str = BLUE,
    dashed: bool = False,
) -> FancyBboxPatch:
    """A rounded box centred on (x, y), w by h inches."""
    box = FancyBboxPatch(
        (x - w / 2, y - h / 2),
        w,
        h,
        boxstyle="round,pad=0,rounding_size=0.15",
        facecolor=fill,
        edgecolor=edge,
        linewidth=2.2,
        linestyle=(0, (5, 3)) if dashed else "solid",
    )
    ax.add_patch(box)
    return box


def _badge(ax: Axes, x: float, y: float, number: int) -> None:
    """A step's or principle's number, white on a dark circle."""
    ax.add_patch(Circle((x, y), 0.27, facecolor=BLUE, edgecolor="white", linewidth=2, zorder=4))
    _text(ax, x, y, str(number), bold=True, color="white", zorder=6)


def _arrow(
    ax: Axes,
    start: FancyBboxPatch | Circle,
    end: FancyBboxPatch | Circle,
    *,
    rad: float = 0.0,
    color: str = BLUE,
    dashed: bool = False,
    a: tuple[float, float] | None = None,
    b: tuple[float, float] | None = None,
) -> None:
    """An arrow from a point in one patch to a point in another, clipped at their edges."""
    ax.add_patch(
        FancyArrowPatch(
            a if a is not None else _centre(start),
            b if b is not None else _centre(end),
            patchA=start,
            patchB=end,
            connectionstyle=f"arc3,rad={rad}",
            arrowstyle="-|>",
            mutation_scale=26,
            linewidth=2.6,
            linestyle=(0, (6, 4)) if dashed else "solid",
            color=color,
            shrinkA=4,
            shrinkB=4,
        )
    )


def _centre(patch: FancyBboxPatch | Circle) -> tuple[float, float]:
    if isinstance(patch, Circle):
        cx, cy = patch.center
        return float(cx), float(cy)
    return patch.get_x() + patch.get_width() / 2, patch.get_y() + patch.get_height() / 2


def _label(ax: Axes, x: float, y: float, text: str, *, color: str) -> None:
    """Bold text on a white background, to sit on a line without being crossed by it."""
    ax.text(
        x,
        y,
        text,
        ha="center",
        va="center",
        fontsize=FONT - 1,
        color=color,
        fontweight="bold",
        linespacing=LINE_SPACING,
        bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "none"},
        zorder=5,
    )


@dataclass(frozen=True)
class Panel:
    """A box with a heading, an italic sub-heading and a bulleted list."""

    heading: str
    sub: str
    items: tuple[str, ...]
    wrap: int  # characters per line of the sub-heading and items
    heading_size: float = FONT + 3
    item_size: float = FONT - 1

    def lines(self) -> tuple[str, list[str]]:
        return _wrap(self.sub, self.wrap), [_wrap(item, self.wrap) for item in self.items]

    def height(self) -> float:
        """The height the content needs, padding included."""
        sub, items = self.lines()
        content = 0.2 + _height(self.heading, self.heading_size) + 0.15
        if sub:
            content += _height(sub, self.item_size) + 0.2
        content += sum(_height(item, self.item_size) + ITEM_GAP for item in items)
        return content + 0.15

    def draw(
        self,
        ax: Axes,
        left: float,
        top: float,
        w: float,
        h: float,
        *,
        fill: str,
        edge: str,
        dashed: bool = False,
    ) -> FancyBboxPatch:
        box = _box(ax, left + w / 2, top - h / 2, w, h, fill=fill, edge=edge, dashed=dashed)
        x, y = left + 0.25, top - 0.2
        _text(ax, x, y, self.heading, size=self.heading_size, bold=True, ha="left", va="top")
        y -= _height(self.heading, self.heading_size) + 0.15
        sub, items = self.lines()
        if sub:
            _text(ax, x, y, sub, size=self.item_size, italic=True, ha="left", va="top")
            y -= _height(sub, self.item_size) + 0.2
        _bullets(ax, x, y, items, self.item_size)
        return box


ITEM_GAP = 0.13  # inches between two items of a list


def _bullets(ax: Axes, x: float, y: float, items: list[str], size: float) -> float:
    """Draw wrapped items with bullets from the top down; returns the y below them."""
    for item in items:
        _text(ax, x, y, "•", size=size, ha="left", va="top")
        _text(ax, x + 0.25, y, item, size=size, ha="left", va="top")
        y -= _height(item, size) + ITEM_GAP
    return y


# -- 1. the six-step case management cycle (section 1.2) -----------------------------------
STEPS = (
    "Identification and registration",
    "Assessment",
    "Case planning",
    "Implementing the case plan",
    "Follow-up and review",
    "Case closure",
)
USUAL_ORDER = "usual order of the steps"
RETURN = "return to an earlier step"
BACK_TO_ASSESSMENT = "A review can lead back to assessment"
BACK_TO_PLANNING = "A review can lead back to case planning"
REOPENED = "A closed case can be reopened"
CHILD_AT_CENTRE = "The child is the focus and takes part in every step"

CYCLE = Description(
    alt=(
        "Diagram: the six core steps of case management drawn as a cycle, with dashed "
        "arrows for returns to an earlier step. A full text description follows."
    ),
    caption="The six core steps of the case management process (section 1.2).",
    summary=(
        "Six numbered boxes stand in a ring, joined by solid arrows in the "
        f"{USUAL_ORDER}: step 1 leads to step 2, and so on round to step 6. "
        f"In the middle of the ring: {CHILD_AT_CENTRE}."
    ),
    groups=(
        Group(f"The six steps, in the {USUAL_ORDER} (solid arrows)", STEPS, ordered=True),
        Group(
            f"Dashed arrows: a {RETURN}, because the process is not linear",
            (
                f"{BACK_TO_ASSESSMENT}: from step 5, follow-up and review, to step 2, assessment.",
                f"{BACK_TO_PLANNING}: from step 5, follow-up and review, to step 3, "
                "case planning, to adjust the plan.",
                f"{REOPENED}: from step 6, case closure, to step 1, identification and "
                "registration, if new information emerges or the child's situation changes "
                "(section 3.6).",
            ),
        ),
    ),
    note=(
        f"Key: a solid arrow shows the {USUAL_ORDER}; a dashed arrow shows a {RETURN}. "
        "Any step may, at some time, lead back to an earlier one."
    ),
)


def case_management_cycle() -> Figure:
    """The six core steps in a ring, with the returns the course describes."""
    width, height = 12.0, 9.6
    fig, ax = _canvas(width, height)
    cx, cy, rx, ry = width / 2, 4.95, 4.15, 3.25
    bw, bh = 3.1, 1.15
    angles = (150, 90, 30, -30, -90, -150)  # step 1 top left, then clockwise
    boxes = []
    for n, (step, angle) in enumerate(zip(STEPS, angles, strict=True), 1):
        x = cx + rx * math.cos(math.radians(angle))
        y = cy + ry * math.sin(math.radians(angle))
        boxes.append(_box(ax, x, y, bw, bh))
        _text(ax, x, y, _wrap(step, 17), size=FONT + 1, bold=True)
        _badge(ax, x - bw / 2 + 0.05, y + bh / 2 - 0.05, n)
    for i in range(5):  # 1 → 2 → ... → 6, bowing outwards
        _arrow(ax, boxes[i], boxes[i + 1], rad=-0.22)

    ax.add_patch(Circle((cx, cy), 1.0, facecolor=GREY_FILL, edgecolor=INK, linewidth=2))
    _text(ax, cx, cy, _wrap(CHILD_AT_CENTRE, 13), size=FONT - 1)

    # Returns: review (5) to assessment (2) and to planning (3); closure (6) reopened to 1.
    review, assessment, planning = boxes[4], boxes[1], boxes[2]
    x5, y5 = _centre(review)
    x3, y3 = _centre(planning)
    _arrow(
        ax,
        review,
        assessment,
        rad=-0.55,
        color=RED,
        dashed=True,
        a=(x5 - 0.7, y5),
        b=(cx - 0.5, _centre(assessment)[1]),
    )
    _arrow(ax, review, planning, color=RED, dashed=True, a=(x5 + 0.8, y5), b=(x3 - 0.9, y3))
    _arrow(ax, boxes[5], boxes[0], rad=-0.35, color=RED, dashed=True)
    _label(ax, cx - 2.05, cy - 0.55, _wrap(BACK_TO_ASSESSMENT, 14), color=RED)
    _label(ax, cx + 2.2, cy - 0.05, _wrap(BACK_TO_PLANNING, 14), color=RED)
    _label(ax, 1.0, cy, "A closed\ncase can be\nreopened", color=RED)

    ax.legend(
        handles=[
            Line2D([], [], color=BLUE, linewidth=2.6, label=USUAL_ORDER),
            Line2D([], [], color=RED, linewidth=2.6, linestyle=(0, (6, 4)), label=RETURN),
        ],
        loc="lower right",
        fontsize=FONT - 1,
        frameon=True,
        edgecolor=INK,
        handlelength=3,
    )
    return fig


# -- 2. the seven guiding principles (section 1.3) -----------------------------------------
PRINCIPLES = (
    "Do No Harm",
    "Prioritise the Best Interests of the Child",
    "Non-Discrimination",
    "Adhere to Ethical Standards",
    "Seek Informed Consent and/or Informed Assent",
    "Respect Confidentiality",
    "Ensure Accountability",
)
THE_CHILD = "The child"

PRINCIPLES_DESCRIPTION = Description(
    alt=(
        "Diagram: the seven guiding principles for case management in a ring around the "
        "child. A full text description follows."
    ),
    caption="The seven guiding principles for case management (section 1.3).",
    summary=(
        f"'{THE_CHILD}' stands in a circle in the middle. Seven numbered boxes around it, "
        "each joined to the child by a line, name the principles that guide every step of "
        "case management."
    ),
    groups=(Group("The seven principles, clockwise from the top", PRINCIPLES, ordered=True),),
)


def guiding_principles() -> Figure:
    """The seven principles in a ring around the child."""
    width, height = 12.0, 9.0
    fig, ax = _canvas(width, height)
    cx, cy, rx, ry = width / 2, height / 2 - 0.1, 4.2, 3.65
    bw, bh = 3.4, 1.2
    child = Circle((cx, cy), 1.05, facecolor=GREY_FILL, edgecolor=INK, linewidth=2.2)
    ax.add_patch(child)
    _text(ax, cx, cy, THE_CHILD, size=FONT + 5, bold=True)
    for n, principle in enumerate(PRINCIPLES, 1):
        angle = math.radians(90 - (n - 1) * 360 / len(PRINCIPLES))
        x, y = cx + rx * math.cos(angle), cy + ry * math.sin(angle)
        box = _box(ax, x, y, bw, bh)
        ax.add_patch(
            FancyArrowPatch(
                (cx, cy),
                (x, y),
                patchA=child,
                patchB=box,
                arrowstyle="-",
                linewidth=2.2,
                color=BLUE,
                zorder=0,
            )
        )
        _badge(ax, x - bw / 2 + 0.4, y, n)
        _text(ax, x + 0.3, y, _wrap(principle, 19), size=FONT + 1, bold=True)
    return fig


# -- 3. external and internal context analysis (sections 2.2 and 2.3) ----------------------
EXTERNAL_HEADING = "External context analysis"
EXTERNAL_SUB = "The operating environment outside your agency (2.2)"
EXTERNAL = (  # section 2.2: what to gather information on
    "The nature and scale of child protection needs to be addressed",
    "The culture of the target communities",
    "The existing capacity of social welfare and child protection systems: human and "
    "financial resources, and international and national legislation and policy frameworks",
    "Established positive community practices for child care and protection, and critical "
    "gaps in service provision",
    "Existing referral mechanisms for identifying children at risk, and how far "
    "marginalised children can access services",
    "Coordination mechanisms between agencies already providing case management and "
    "community entities, including who does what and your agency's role",
    "Access and security",
    "The existence of appropriate accountability mechanisms",
)
INTERNAL_HEADING = "Internal agency analysis"
INTERNAL_SUB = "Capacities and constraints within your agency (2.3)"
INTERNAL = (  # section 2.3: the points to consider in detail
    "Population coverage",
    "Services available",
    "Types of intervention",
    "Risks to security and safety",
    "Number of staff and skills of staff, including access to external support",
    "Budget",
    "Transition and/or exit strategy",
)
DECISION_HEADING = "Together, the basis for deciding"
DECISIONS = (  # section 2.3: what the two-fold analysis decides
    "whether case management is appropriate",
    "whether it is possible now, given the services and support available",
    "who is best placed to do it",
    "what support they need",
    "the roles and responsibilities of your programme's response",
)

CONTEXT_DESCRIPTION = Description(
    alt=(
        "Diagram: what an external context analysis covers and what an internal agency "
        "analysis covers, and the decisions both inform. A full text description follows."
    ),
    caption="External context analysis and internal agency analysis (sections 2.2 and 2.3).",
    summary=(
        "Two panels side by side, each with a heading and a list, and an arrow from each "
        "down to a box of the decisions the two analyses inform."
    ),
    groups=(
        Group(f"Left panel: {EXTERNAL_HEADING}. {EXTERNAL_SUB}", EXTERNAL),
        Group(f"Right panel: {INTERNAL_HEADING}. {INTERNAL_SUB}", INTERNAL),
        Group(f"Bottom box: {DECISION_HEADING}", DECISIONS),
    ),
)


def context_analysis() -> Figure:
    """External context analysis beside internal agency analysis, above the decision."""
    width, margin, gap, arrow = 13.0, 0.2, 0.3, 0.6
    external = Panel(EXTERNAL_HEADING, EXTERNAL_SUB, EXTERNAL, wrap=60)
    internal = Panel(INTERNAL_HEADING, INTERNAL_SUB, INTERNAL, wrap=36)
    left_w = 7.1
    right_w = width - 2 * margin - left_w - gap
    panel_h = max(external.height(), internal.height())
    columns = [[_wrap(d, 40) for d in DECISIONS[:3]], [_wrap(d, 40) for d in DECISIONS[3:]]]
    size = FONT - 1
    list_h = max(sum(_height(d, size) + ITEM_GAP for d in column) for column in columns)
    decision_h = 0.2 + _height(DECISION_HEADING, FONT + 3) + 0.2 + list_h + 0.1
    height = margin + panel_h + arrow + decision_h + margin
    fig, ax = _canvas(width, height)

    top = height - margin
    external_box = external.draw(ax, margin, top, left_w, panel_h, fill=BLUE_FILL, edge=BLUE)
    internal_left = margin + left_w + gap
    internal_box = internal.draw(
        ax, internal_left, top, right_w, panel_h, fill=GREEN_FILL, edge=GREEN
    )
    decision_w, decision_top = 10.4, margin + decision_h
    decision_left = (width - decision_w) / 2
    decision = Panel(DECISION_HEADING, "", (), wrap=40).draw(
        ax, decision_left, decision_top, decision_w, decision_h, fill=GREY_FILL, edge=INK
    )
    y = decision_top - 0.2 - _height(DECISION_HEADING, FONT + 3) - 0.2
    for n, column in enumerate(columns):
        _bullets(ax, decision_left + 0.25 + n * decision_w / 2, y, column, size)
    for box, x in (
        (external_box, margin + left_w / 2),
        (internal_box, internal_left + right_w / 2),
    ):
        _arrow(ax, box, decision, a=(x, top - panel_h + 0.1), b=(x, decision_top - 0.1))
    return fig


# -- 4. the kinds of services in a case plan (section 3.4) ---------------------------------
PLAN_HEADING = "The case plan: the needs found in the assessment"
DIRECT_HEADING = "Direct services"
DIRECT_SUB = "The caseworker or agency provides them"
DIRECT = (
    "Advocacy",
    "Parenting advice",
    "Psychosocial support during regular monitoring and routine contact with the child and family",
)
REFERRAL_HEADING = "Referrals"
REFERRAL_SUB = "Another provider, with the permission of the child and family"
REFERRALS = (  # section 3.4 gives no examples: needs the course names elsewhere (see note)
    "Family tracing and reunification",
    "Medical care",
    "Legal support",
)
COMMUNITY_HEADING = "Community-based support"
COMMUNITY_SUB = "Community-based programmes (from 1.2)"
COMMUNITY = (
    "Community groups supporting the child, e.g. child protection committees or parent groups",
    "The child's teacher, if supporting the child as part of the plan",
)
COORDINATION = (
    "The caseworker coordinates all services, documents progress and keeps overall "
    "responsibility for meeting the child's needs"
)

SERVICES_DESCRIPTION = Description(
    alt=(
        "Diagram: the kinds of services in a case plan, direct services, referrals and "
        "community-based support, with examples. A full text description follows."
    ),
    caption=(
        "Kinds of services in a case plan (section 3.4). Direct services and referrals are "
        "the two kinds section 3.4 names; community-based support, with a dashed border, "
        "comes from the case planning step in section 1.2. Section 3.4 gives no examples of "
        "referrals: those shown are needs named elsewhere in the course."
    ),
    summary=(
        f"At the top, a box: '{PLAN_HEADING}'. Arrows lead from it down to three boxes, one "
        "for each kind of service, each with examples. Across the bottom: "
        f"{COORDINATION}."
    ),
    groups=(
        Group(f"{DIRECT_HEADING}: {DIRECT_SUB}", DIRECT),
        Group(f"{REFERRAL_HEADING}: {REFERRAL_SUB}", REFERRALS),
        Group(f"{COMMUNITY_HEADING} (dashed border): {COMMUNITY_SUB}", COMMUNITY),
    ),
    note=(
        "Section 3.4 gives examples of direct services only. "
        "The referral examples are needs the course names elsewhere (family tracing in "
        "section 2.2, emergency medical care and legal support in section 2.3) and that are "
        "on the course's case plan form. Community-based programmes are named as a way to "
        "meet needs in the case planning step of section 1.2, and their examples come from "
        "sections 2.2 and 3.5."
    ),
)


def case_plan_services() -> Figure:
    """The case plan, the three kinds of services with examples, and who coordinates."""
    width, margin, gap = 13.0, 0.2, 0.25
    kinds = (
        (
            Panel(DIRECT_HEADING, DIRECT_SUB, DIRECT, wrap=29, heading_size=FONT + 2),
            BLUE_FILL,
            BLUE,
            False,
        ),
        (
            Panel(REFERRAL_HEADING, REFERRAL_SUB, REFERRALS, wrap=29, heading_size=FONT + 2),
            GREEN_FILL,
            GREEN,
            False,
        ),
        (
            Panel(COMMUNITY_HEADING, COMMUNITY_SUB, COMMUNITY, wrap=29, heading_size=FONT + 2),
            ORANGE_FILL,
            ORANGE,
            True,
        ),
    )
    plan_h, arrow, coordination_h = 0.9, 0.75, 1.1
    panel_h = max(panel.height() for panel, *_ in kinds)
    height = margin + plan_h + arrow + panel_h + 0.3 + coordination_h + margin
    fig, ax = _canvas(width, height)

    plan_y = height - margin - plan_h / 2
    plan = _box(ax, width / 2, plan_y, 8.4, plan_h, fill=GREY_FILL, edge=INK)
    _text(ax, width / 2, plan_y, PLAN_HEADING, size=FONT + 2, bold=True)
    col_w = (width - 2 * margin - 2 * gap) / 3
    top = plan_y - plan_h / 2 - arrow
    for n, (panel, fill, edge, dashed) in enumerate(kinds):
        left = margin + n * (col_w + gap)
        box = panel.draw(ax, left, top, col_w, panel_h, fill=fill, edge=edge, dashed=dashed)
        _arrow(
            ax, plan, box, a=(width / 2 + (n - 1) * 2.6, plan_y), b=(left + col_w / 2, top - 0.1)
        )
    coordination_y = margin + coordination_h / 2
    _box(ax, width / 2, coordination_y, width - 2 * margin, coordination_h, fill="white", edge=INK)
    _text(ax, width / 2, coordination_y, _wrap(COORDINATION, 80), bold=True)
    return fig


# -- the registry and the notebook call ----------------------------------------------------
@dataclass(frozen=True)
class CourseFigure:
    build: Callable[[], Figure]
    description: Description


FIGURES: dict[str, CourseFigure] = {
    "case_management_cycle": CourseFigure(case_management_cycle, CYCLE),
    "guiding_principles": CourseFigure(guiding_principles, PRINCIPLES_DESCRIPTION),
    "context_analysis": CourseFigure(context_analysis, CONTEXT_DESCRIPTION),
    "case_plan_services": CourseFigure(case_plan_services, SERVICES_DESCRIPTION),
}


def figure_html(name: str) -> str:
    """The figure as HTML: the picture with its alt text, caption and full description (drawn
    once per machine and kept, until this module or the picture's code changes)."""
    if name not in FIGURES:
        raise KeyError(f"no figure called {name!r}; the figures are: {', '.join(FIGURES)}")
    entry = FIGURES[name]
    d = entry.description

    def draw() -> str:
        return picture_html(entry.build(), name, d.alt, d.caption, d.html(), palette=64)

    return kept(f"figure-{name}", _digest(), draw)


@cache
def _digest() -> str:
    """The code that draws the figures (read once per process, not on every page turn)."""
    return source_digest(sys.modules[__name__], picture, theme)


def warm() -> None:
    """Draw every figure into the cache (`python -m cmcourse.warm`)."""
    for name in FIGURES:
        figure_html(name)


@kindly
def show_figure(name: str) -> None:
    """Show a figure of the course in a notebook."""
    shown(figure_html(name))
