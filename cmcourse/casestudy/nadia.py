"""Nadia's case study pages: the seed's forms of each step, and the trainee's own copy of the
file, answered back by cmsim's rules, compared with the seed's, plotted, checked, printable."""

from __future__ import annotations

import threading
from functools import cache
from html import escape
from typing import Any, Literal

import ipywidgets as w
from IPython.display import HTML, display
from pydantic import BaseModel, ConfigDict, Field

from cmcourse.casestudy import casework
from cmcourse.casestudy.casefigures import feedback_chart, timeline
from cmcourse.core.paths import CASESTUDIES
from cmcourse.core.safety import friendly, safe
from cmcourse.html.paperform import folded_paper_html
from cmcourse.html.parts import download_link, table_html
from cmcourse.html.printable import to_html, to_pdf, to_pdf_apart
from cmcourse.html.theme import STYLE
from cmsim.checklist import evaluate
from cmsim.files import load_model

NOT_SIGNED_IN = (
    "<p>Sign in at the top of the page: your decisions then build your own copy of Nadia's "
    "file here.</p>"
)
OK = "#1b5e20"
BAD = "#b71c1c"


def _outcome_html(outcome: casework.Outcome) -> str:
    if outcome.problem:
        return (
            f'<div role="alert" style="border-left: 5px solid {BAD}; padding: 0.4em 0.8em; '
            f'background: #fdecea"><strong>Your file stops here.</strong> '
            f"{escape(outcome.problem)}<br>Change the answer above that caused it; your other "
            "answers are kept.</div>"
        )
    return (
        f'<p style="color: {OK}"><strong>✓ The case management rules accept every step of '
        "your file so far.</strong></p>"
    )


def _comparison_html(step: str, outcome: casework.Outcome) -> str:
    same, differ = casework.compare(step, outcome)
    parts = []
    if same:
        parts.append(
            "<p><strong>Same as the seed's file:</strong> " + escape(", ".join(same)) + ".</p>"
        )
    if differ:
        parts.append(
            table_html(
                "Where your forms differ from the seed's, and why it matters",
                ["Form", "Field", "Yours", "Seed's form", "Why it matters"],
                [[d.form, d.field, d.yours, d.reference, d.why] for d in differ],
            )
        )
    return "".join(parts)


def step_html(attempt: Any, step: str, plan_actions: list[dict] | None = None) -> str:
    """What the trainee's decisions so far make of Nadia's file, for one step's page."""
    ids = [i.id for i in casework.decisions() if i.section == f"nadia-{step}"]
    made = sum(1 for i in ids if i in attempt.answers or i in attempt.reflections)
    outcome = casework.trainee_case(casework.changes_from(attempt, plan_actions), step)
    return (
        STYLE + f"<p>You have made {made} of the {len(ids)} decisions of this step. Where you have "
        "not yet decided, your file uses the seed's form.</p>"
        + _outcome_html(outcome)
        + _comparison_html(step, outcome)
    )


def your_file(page: Any, step: str) -> None:
    """The panel under a step's decisions; it follows every answer the trainee saves."""
    try:
        if not page.signed_in:
            display(HTML(NOT_SIGNED_IN))
            return
        box = w.HTML(layout=w.Layout(max_width="62em"))
        box.add_class("cm-yourfile")

        def show(html: str) -> None:
            box.value = html

        @safe(show)
        def refresh() -> None:
            store = page.store
            show(step_html(store.current(), step, store.record(casework.PLAN_RECORD)))

        refresh()
        page.on_saved.append(refresh)
        display(
            w.VBox(
                [
                    w.HTML(f"<h3>Your copy of Nadia's file after step {escape(step)}</h3>"),
                    box,
                ]
            )
        )
    except Exception as exc:  # shown kindly, logged for the trainer
        display(HTML(friendly(exc)))


class FormOverview(BaseModel):
    """The overview that opens a form of the case study: its step, core or supplementary, when
    to complete it, who completes it, its purpose (seed 003, word for word)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    form: str
    page: str = Field(description="The Nadia step page that shows it: '1' to '6'")
    step: str
    kind: Literal["Core form", "Supplementary form"]
    when: str
    who: str
    purpose: str


class FormOverviews(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    forms: list[FormOverview]


@cache
def form_overviews() -> list[FormOverview]:
    return load_model(OVERVIEWS, FormOverviews, "form overviews").forms


def overviews_html(step: str) -> str:
    """The overviews of the forms of this step, each as a small table."""
    return "".join(
        table_html(
            f"{o.form}: overview",
            ["Item", "What the case study's overview says"],
            [
                ["Case management step", o.step],
                ["Core or supplementary", o.kind],
                ["When to complete", o.when],
                ["Who should complete", o.who],
                ["Purpose of the form", o.purpose],
            ],
        )
        for o in form_overviews()
        if o.page == step
    )


def paper_text(form: str) -> str:
    """A form of the case study as its paper reads, filled in for Nadia (from seed 003)."""
    return (PAPER / f"{form}.txt").read_text(encoding="utf-8")


def reference_forms_html(step: str) -> str:
    """The overviews of this step's forms, then each form as the caseworker filled in its
    paper: every question and option, the ticked ones marked."""
    forms = [
        folded_paper_html(paper_text(form), title) for title, form in casework.STEP_FORMS[step]
    ]
    return STYLE + overviews_html(step) + "".join(forms)


def reference_forms(step: str) -> None:
    """Show the overviews of this step's forms, then the forms the caseworker filled in."""
    try:
        display(HTML(reference_forms_html(step)))
    except Exception as exc:  # shown kindly, logged for the trainer
        display(HTML(friendly(exc)))


def feedback() -> None:
    """The child's and caregiver's feedback answers as a chart (step 6)."""
    try:
        display(HTML(feedback_chart(casework.reference_case())))
    except Exception as exc:  # shown kindly, logged for the trainer
        display(HTML(friendly(exc)))


def checklist_comparison_html(yours: Any, reference: Any) -> str:
    mine = evaluate(yours.file, yours.sop, casework.as_of(yours))
    theirs = evaluate(reference.file, reference.sop, casework.as_of(reference))
    rows = [
        [f"{a.section} {a.number}", a.text, f"{a.answer}: {a.reason}", f"{b.answer}: {b.reason}"]
        for a, b in zip(mine, theirs, strict=True)
    ]
    return table_html(
        "The case file checklist on your file and on the seed's",
        ["Item", "Checklist question", "Your file", "Seed's file"],
        rows,
    )


OVERVIEWS = CASESTUDIES / "nadia" / "form_overviews.yaml"
PAPER = CASESTUDIES / "nadia" / "paper"


def whole_file(page: Any) -> None:
    """The summary page: timeline of both files, the checklist on both, printable forms.
    The PDF takes a second or two to write: the page is shown at once and its link follows
    (written in a process of its own, so the kernel answers the trainee meanwhile)."""
    try:
        if not page.signed_in:
            display(HTML(NOT_SIGNED_IN))
            return
        store = page.store
        outcome, document, rest = _whole_file(
            store.current(), store.name or "a trainee", store.record(casework.PLAN_RECORD)
        )
        downloads = w.HTML(_downloads_html(document, None))
        display(HTML(STYLE + outcome), downloads, HTML(rest))

        def write_pdf() -> None:
            try:
                downloads.value = _downloads_html(document, to_pdf_apart(document))
            except Exception as exc:  # the HTML version is still there
                downloads.value = friendly(exc)

        threading.Thread(target=write_pdf, daemon=True).start()
    except Exception as exc:  # shown kindly, logged for the trainer
        display(HTML(friendly(exc)))


def _downloads_html(document: Any, pdf: bytes | None) -> str:
    html = download_link(
        "HTML (opens in any browser)", "nadia-case-file.html", "text/html",
        to_html(document).encode(),
    )  # fmt: skip
    if pdf is None:
        link = '<span role="status">PDF: being prepared, a moment…</span>'
    else:
        link = download_link("PDF", "nadia-case-file.pdf", "application/pdf", pdf)
    return f"<p><strong>Your case file as printable forms:</strong> {html} · {link}</p>"


def whole_file_html(attempt: Any, who: str, plan_actions: list[dict] | None = None) -> str:
    outcome, document, rest = _whole_file(attempt, who, plan_actions)
    return STYLE + outcome + _downloads_html(document, to_pdf(document)) + rest


def _whole_file(attempt: Any, who: str, plan_actions: list[dict] | None) -> tuple[str, Any, str]:
    """The trainee's outcome, their file as a printable document, and the rest of the page."""
    outcome = casework.trainee_case(casework.changes_from(attempt, plan_actions))
    yours, reference = outcome.case, casework.reference_case()
    document = casework.printable_file(yours, who)
    return (
        "<h2>Your file</h2>" + _outcome_html(outcome),
        document,
        timeline(yours, casework.as_of(yours), "Your copy of Nadia's file")
        + "<h2>The seed's file</h2>"
        + timeline(reference, casework.as_of(reference), "Nadia's file as in the case study")
        + "<h2>The case file checklist</h2>"
        + checklist_comparison_html(yours, reference),
    )
