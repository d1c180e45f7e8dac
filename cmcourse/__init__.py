"""The CM 101 course: what its notebooks call, in one place.

    from cmcourse import course_page
    page = course_page("1.1")

The package is layered (ARCHITECTURE.md): `core` is what every page loads, `html` builds HTML
and documents, and one wing each serves the lessons, the case studies, supervisors, trainers
and nbgrader. Names are imported on first use, as in `cmsim`, so a page loads only the wing it
calls. This module is the one place that wires the wings into the core: the results page gets
the nbgrader hand-in from here, and the course app what it loads ahead.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

_WHERE = {
    # every page
    "course_page": "cmcourse.core.page",
    "course_map": "cmcourse.core.page",
    # the lessons
    "show_figure": "cmcourse.lessons.figures",
    "deadline_calculator": "cmcourse.lessons.calculators",
    "staffing_calculator": "cmcourse.lessons.calculators",
    "budget_checklist": "cmcourse.lessons.calculators",
    # the case studies
    "your_file": "cmcourse.casestudy.nadia",
    "reference_forms": "cmcourse.casestudy.nadia",
    "whole_file": "cmcourse.casestudy.nadia",
    "case_study_file": "cmcourse.casestudy.nadia",
    "feedback": "cmcourse.casestudy.nadia",
    "plan_editor": "cmcourse.casestudy.planeditor",
    "show_case": "cmcourse.casestudy.caseview",
    "summary_html": "cmcourse.casestudy.caseview",
    "log_html": "cmcourse.casestudy.caseview",
    "checklist_html": "cmcourse.casestudy.caseview",
    "deadlines_html": "cmcourse.casestudy.caseview",
    "nadia_case": "cmcourse.core.paths",
    # supervision
    "tool": "cmcourse.supervision.tools",
    "supervision_planner": "cmcourse.supervision.schedule",
    "show_dashboard": "cmcourse.supervision.dashboards",
    "show_what_happened": "cmcourse.supervision.dashboards",
    # trainers
    "report_page": "cmcourse.trainer.report",
    "live_page": "cmcourse.trainer.live",
    "classlist_page": "cmcourse.trainer.classlist",
}
__all__ = [
    "budget_checklist",
    "case_study_file",
    "checklist_html",
    "classlist_page",
    "course_app",
    "course_map",
    "course_page",
    "deadline_calculator",
    "deadlines_html",
    "feedback",
    "live_page",
    "log_html",
    "nadia_case",
    "plan_editor",
    "reference_forms",
    "report_page",
    "results_panel",
    "show_case",
    "show_dashboard",
    "show_figure",
    "show_what_happened",
    "staffing_calculator",
    "summary_html",
    "supervision_planner",
    "tool",
    "whole_file",
    "your_file",
]

if TYPE_CHECKING:
    from cmcourse.casestudy.caseview import (
        checklist_html,
        deadlines_html,
        log_html,
        show_case,
        summary_html,
    )
    from cmcourse.casestudy.nadia import (
        case_study_file,
        feedback,
        reference_forms,
        whole_file,
        your_file,
    )
    from cmcourse.casestudy.planeditor import plan_editor
    from cmcourse.core.page import BrokenPage, CoursePage, course_map, course_page
    from cmcourse.core.paths import nadia_case
    from cmcourse.lessons.calculators import (
        budget_checklist,
        deadline_calculator,
        staffing_calculator,
    )
    from cmcourse.lessons.figures import show_figure
    from cmcourse.supervision.dashboards import show_dashboard, show_what_happened
    from cmcourse.supervision.schedule import supervision_planner
    from cmcourse.supervision.tools import tool
    from cmcourse.trainer.classlist import classlist_page
    from cmcourse.trainer.live import live_page
    from cmcourse.trainer.report import report_page


def course_app() -> None:
    """The course app (course/index.ipynb), where every page opens. A kernel started ahead
    of its trainee imports, while it waits, what the pages import from here."""
    from cmcourse.core.app import course_app as app

    app(lambda name: getattr(sys.modules[__name__], name))


def results_panel(page: CoursePage | BrokenPage) -> None:
    """The results page, whose "Submit results" hands the answers in to nbgrader."""
    from cmcourse.core.resultspage import results_panel as panel

    def hand_in(store: Any, summary: Any) -> str:
        # Imported on Submit only: writing notebooks loads nbformat, whose schema checks
        # take a kernel seconds to load, which no one opening the page should wait for.
        from cmcourse.assignments.submit import hand_in as to_nbgrader

        return to_nbgrader(store, summary)

    panel(page, hand_in=hand_in)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cmcourse' has no attribute '{name}'")
