"""Nadia's case study pages: the trainee's own copy of her file, answered back by the case
management rules (a refusal said on the step whose decision caused it, with a link to that
decision), compared with the case study's file; the case study's forms and the rest of each
step's story once the trainee has made the decisions they answer; her whole file on the
summary page, as far as the trainee has gone: plotted, checked, printable."""

from __future__ import annotations

import re
import threading
from functools import cache
from html import escape
from typing import Any, Literal

import ipywidgets as w
from IPython.display import HTML, display
from pydantic import BaseModel, ConfigDict, Field

from cmcourse.casestudy import casework
from cmcourse.casestudy.casefigures import feedback_chart, timeline
from cmcourse.casestudy.caseview import checklist_html, deadlines_html, log_html, summary_html
from cmcourse.core.outline import load_outline
from cmcourse.core.page import page_url
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
NOT_YET = "<p>Your own file appears here once you have completed step 1 (made its decisions).</p>"
OK = "#1b5e20"
BAD = "#b71c1c"
LINK = "color: #0b4f8a; text-decoration: underline"
ALERT = f"border-left: 5px solid {BAD}; padding: 0.4em 0.8em; background: #fdecea"
# A widget's HTML is in the widgets' small print: the case study's parts read in the lesson's.
READ = "font-size: var(--jp-content-font-size1, 14px); line-height: 1.5"


def readable(html: str) -> str:
    """HTML for a widget, in the lesson's size of text."""
    return f'<div style="{READ}">{html}</div>'


def scrolling(html: str) -> str:
    """Each table in a box of its own that scrolls sideways on a narrow screen (as the app
    boxes a page's tables, core/app.py), named by the table's caption so a screen reader tells
    the boxes apart: the text around it still fits a phone."""

    def boxed(table: re.Match[str]) -> str:
        name = f"{table.group(1)} (a table: scrolls sideways on a narrow screen)"
        return (
            f'<div class="cm-scroll" role="region" tabindex="0" aria-label="{name}">'
            f"{table.group(0)}</div>"
        )

    return re.sub(r'<table class="cm-table"><caption>(.*?)</caption>.*?</table>', boxed, html,
                  flags=re.S)  # fmt: skip


def _cell(text: str) -> str:
    """A table cell's text, escaped, its lines kept apart."""
    return "<br>".join(escape(line) for line in text.split("\n"))


# -- the trainee's file on a step's page ------------------------------------------------------
def decision_link(cause: casework.Cause, here: str) -> str:
    """A link to the question the cause was answered in: on this page, its anchor; on another
    step's page, that page opened at the question."""
    anchor = f"#q-{cause.decision}"
    page = "" if cause.step == here else page_url(load_outline().page(f"nadia-{cause.step}"))
    words = cause.prompt if len(cause.prompt) <= 90 else cause.prompt[:88].rsplit(" ", 1)[0]
    where = "on this page" if cause.step == here else f"on step {cause.step}"
    return (
        f'<a href="{escape(page + anchor)}" style="{LINK}">Your answer {where}: '
        f"“{escape(words)}{'' if words == cause.prompt else '…'}”</a>"
    )


def _refusal_html(stop: casework.Stop) -> str:
    """The rule that refuses, in the caseworker's terms (or why the answers do not fit)."""
    refused = stop.refusal
    if refused is None:
        return f"<p>{escape(stop.problem)}</p>"
    source = f" <em>({escape(refused.source)})</em>" if refused.source else ""
    return (
        f"<p><strong>{escape(refused.rule)}.</strong> {escape(refused.expected)} But "
        f"{escape(refused.happened)}</p><p><strong>What a caseworker does:</strong> "
        f"{escape(refused.todo)}{source}</p>"
    )


def _causes_html(stop: casework.Stop, here: str) -> str:
    if not stop.causes:
        return "<p>Change the answer that caused it; your other answers are kept.</p>"
    items = "".join(f"<li>{decision_link(c, here)}. {escape(c.what)}</li>" for c in stop.causes)
    return (
        f"<p><strong>It comes from:</strong></p><ul>{items}</ul><p>Change that answer; your "
        "other answers are kept.</p>"
    )


def _outcome_html(outcome: casework.Outcome, here: str) -> str:
    if outcome.stop:
        stop = outcome.stop
        at = casework.FORM_TITLES.get(stop.form or "", "")
        return (
            f'<div role="alert" class="cm-refusal" style="{ALERT}"><p><strong>Your file stops '
            f"here, at step {escape(stop.step)}{f', on the {escape(at)}' if at else ''}."
            "</strong> The case management rules refuse it.</p>"
            + _refusal_html(stop)
            + _causes_html(stop, here)
            + "</div>"
        )
    html = (
        f'<p style="color: {OK}"><strong>✓ The case management rules accept every step of '
        "your file so far.</strong></p>"
    )
    if outcome.ahead:
        ahead = outcome.ahead
        at = casework.FORM_TITLES.get(ahead.form or "", "")
        html += (
            f'<div role="alert" class="cm-refusal" style="{ALERT}"><p><strong>But an answer '
            f"on this page is refused later in your file, at step {escape(ahead.step)}"
            f"{f', on the {escape(at)}' if at else ''}.</strong></p>"
            + _refusal_html(ahead)
            + _causes_html(ahead, here)
            + "</div>"
        )
    return html


def _comparison_html(step: str, outcome: casework.Outcome, attempt: Any) -> str:
    """What matches the case study's forms, then each difference as a card (yours, the case
    study's, why it matters): a card reads on a phone, where a five-column table is cut."""
    same, differ = casework.compare(step, outcome, attempt)
    parts = []
    if same:
        parts.append(
            "<p><strong>Same as in the case study's file:</strong> "
            + escape(", ".join(same))
            + ".</p>"
        )
    if differ:
        parts.append(
            '<h4 style="margin: 1em 0 0.3em">Where your forms differ from the case study\'s, and '
            "why it matters</h4>"
        )
        parts += [_difference_html(d) for d in differ]
    return "".join(parts)


def _difference_html(d: casework.Difference) -> str:
    side = 'style="flex: 1 1 14em; min-width: 0; margin: 0.2em 0"'
    why = f'<p style="margin: 0.3em 0"><em>Why it matters:</em> {_cell(d.why)}</p>' if d.why else ""
    return (
        '<section class="cm-difference" style="border: 1px solid #c8ccd4; border-radius: 4px; '
        'padding: 0.3em 0.8em; margin: 0.5em 0">'
        f'<p style="margin: 0.3em 0"><strong>{_cell(d.form)}: {_cell(d.field)}</strong></p>'
        '<div style="display: flex; flex-wrap: wrap; gap: 0 2em">'
        f"<div {side}><em>Yours</em><br>{_cell(d.yours)}</div>"
        f"<div {side}><em>The case study's form</em><br>{_cell(d.reference)}</div></div>"
        f"{why}</section>"
    )


def step_html(attempt: Any, step: str, plan_actions: list[dict] | None = None) -> str:
    """What the trainee's decisions so far make of Nadia's file, for one step's page."""
    ids = [i.id for i in casework.decisions() if i.section == f"nadia-{step}"]
    made = sum(1 for i in ids if i in attempt.answers or i in attempt.reflections)
    outcome = casework.trainee_file(attempt, step, plan_actions)
    return STYLE + readable(
        f"<p>You have made {made} of the {len(ids)} decisions of this step. Where you have "
        "not yet decided, your file uses the case study's form.</p>"
        + _outcome_html(outcome, step)
        + _comparison_html(step, outcome, attempt)
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


# -- what the trainee reads once they have decided ---------------------------------------------
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


class Note(BaseModel):
    """A note a supervisor reads in the file, shown once the trainee has completed `step`."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    step: Literal["1", "2", "3", "4", "5", "6"]
    text: str


class Section(BaseModel):
    """A section of Nadia's summary page: its heading, its words, and what it shows."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    heading: str
    show: Literal["facts", "timeline", "notes", "deadlines", "log", "checklist"]
    text: str = ""
    notes: list[Note] = Field(default_factory=list)


class AfterDeciding(BaseModel):
    """casestudies/nadia/after_deciding.yaml: what is read only after deciding."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    steps: dict[Literal["1", "2", "3", "4", "5", "6"], str]
    summary: list[Section]


@cache
def form_overviews() -> list[FormOverview]:
    return load_model(OVERVIEWS, FormOverviews, "form overviews").forms


@cache
def after_deciding() -> AfterDeciding:
    return load_model(AFTER, AfterDeciding, "case study text")


def markdown_html(text: str) -> str:
    """The case study's own words (markdown) as HTML, escaped."""
    import mistune

    return str(mistune.create_markdown(escape=True)(text))


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
    """The rest of this step's story, the overviews of its forms, then each form as the
    caseworker filled in its paper: every question and option, the ticked ones marked."""
    story = after_deciding().steps.get(step)  # type: ignore[call-overload]
    forms = [
        folded_paper_html(paper_text(form), title) for title, form in casework.STEP_FORMS[step]
    ]
    told = f'<div class="cm-story">{markdown_html(story)}</div>' if story else ""
    return STYLE + readable(told + scrolling(overviews_html(step)) + "".join(forms))


def waiting_html(step: str, attempt: Any) -> str:
    """Where the forms will be, and what is still to answer before they are (with links)."""
    left = casework.still_to_answer(step, attempt)
    if attempt is None:
        return (
            '<p class="cm-notice">Sign in and answer the decisions above: the forms the '
            "caseworker filled in appear here once you have.</p>"
        )
    items = "".join(
        f'<li><a href="#q-{escape(i.id)}" style="{LINK}">{escape(_short(i.prompt))}</a>'
        + (
            " (a date: once you have it right, or once the question has shown its answer)"
            if getattr(i, "type", "") == "computed"
            else ""
        )
        + "</li>"
        for i in left
    )
    return (
        f'<div class="cm-notice" role="status"><p>The forms the caseworker filled in, and what '
        f"she did, appear here once you have answered {len(left)} more of the decisions above: "
        f"they give the answers away.</p><ul>{items}</ul></div>"
    )


def _short(prompt: str) -> str:
    return prompt if len(prompt) <= 110 else prompt[:108].rsplit(" ", 1)[0] + "…"


def reference_forms(page: Any, step: str) -> None:
    """The case study's forms of this step (and the rest of its story), shown once the trainee
    has answered the step's decisions; until then, what is left to answer. It follows every
    answer the trainee saves."""
    try:
        box = w.HTML(layout=w.Layout(max_width="62em"))
        box.add_class("cm-reference")

        def show(html: str) -> None:
            box.value = html

        @safe(show)
        def refresh() -> None:
            attempt = page.store.current() if page.signed_in else None
            if attempt is not None and not casework.still_to_answer(step, attempt):
                html = reference_forms_html(step)
            else:
                html = STYLE + readable(waiting_html(step, attempt))
            if box.value != html:
                show(html)

        refresh()
        if page.signed_in:
            page.on_saved.append(refresh)
        display(box)
    except Exception as exc:  # shown kindly, logged for the trainer
        display(HTML(friendly(exc)))


def feedback() -> None:
    """The child's and caregiver's feedback answers as a chart (step 6)."""
    try:
        display(HTML(feedback_chart(casework.reference_case())))
    except Exception as exc:  # shown kindly, logged for the trainer
        display(HTML(friendly(exc)))


# -- the summary page -----------------------------------------------------------------------
def _continue_html(reached: str | None) -> str:
    """Which step to complete next, with a link to it (nothing once all six are)."""
    if reached == casework.STEPS[-1]:
        return ""
    step = casework.STEPS[0 if reached is None else casework.STEPS.index(reached) + 1]
    link = f'<a href="{escape(page_url(load_outline().page(f"nadia-{step}")))}" style="{LINK}">'
    if reached is None:
        said = (
            "You have not completed a step of the case study yet, so none of Nadia's file is "
            f"shown here: {link}complete step 1</a> (answer its decisions) to see its first part."
        )
    else:
        said = (
            f"You have completed the steps up to step {reached}: this page shows Nadia's file as "
            f"far as that. {link}Complete step {step}</a> (answer its decisions) to see the next "
            "part."
        )
    return f'<p class="cm-notice" role="status">{said}</p>'


def case_study_parts(reached: str) -> dict[str, str]:
    """Nadia's file as the case study has it, up to the end of `reached`, read on the last day
    anything was recorded on it: each part of the summary page, by what it shows. The time line
    and the deadlines table read the same deadlines on the same day."""
    case = casework.reference_until(reached)
    day = casework.as_of(case)
    return {
        "facts": summary_html(case, day),
        "timeline": timeline(case, day, "Nadia's file as in the case study"),
        "deadlines": deadlines_html(case, day),
        "log": log_html(case),
        "checklist": checklist_html(case, day),
    }


def case_study_html(attempt: Any) -> str:
    """The summary page's sections on the case study's file, as far as the trainee has gone."""
    reached = casework.reached(attempt)
    if reached is None:
        return STYLE + _continue_html(None)
    parts = case_study_parts(reached)
    order = casework.STEPS.index(reached)
    html = [STYLE, _continue_html(reached)]
    for section in after_deciding().summary:
        notes = [n for n in section.notes if casework.STEPS.index(n.step) <= order]
        if section.show == "notes" and not notes:
            continue
        html.append(f"<h2>{escape(section.heading)}</h2>")
        if section.text:
            html.append(markdown_html(section.text))
        if section.show == "notes":
            html.append("<ul>" + "".join(f"<li>{_inline(n.text)}</li>" for n in notes) + "</ul>")
        else:
            html.append(parts[section.show])
    return "".join(html)


def _inline(text: str) -> str:
    html = markdown_html(text).strip()
    return html.removeprefix("<p>").removesuffix("</p>")


def case_study_file(page: Any) -> None:
    """Nadia's file as the case study has it, on the summary page: only as far as the trainee
    has completed the steps (the rest of it would give the answers away)."""
    try:
        if not page.signed_in:
            display(HTML(NOT_SIGNED_IN))
            return
        page_show(readable(scrolling(case_study_html(page.store.current()))))
    except Exception as exc:  # shown kindly, logged for the trainer
        display(HTML(friendly(exc)))


def page_show(html: str) -> None:
    """HTML with working links (a widget's HTML: see core.page.show)."""
    display(w.HTML(html, layout=w.Layout(width="100%")))


def checklist_comparison_html(yours: Any, reference: Any) -> str:
    mine = evaluate(yours.file, yours.sop, casework.as_of(yours))
    theirs = evaluate(reference.file, reference.sop, casework.as_of(reference))
    rows = [
        [f"{a.section} {a.number}", a.text, f"{a.answer}: {a.reason}", f"{b.answer}: {b.reason}"]
        for a, b in zip(mine, theirs, strict=True)
    ]
    return table_html(
        "The case file checklist on your file and on the case study's",
        ["Item", "Checklist question", "Your file", "Case study's file"],
        rows,
    )


OVERVIEWS = CASESTUDIES / "nadia" / "form_overviews.yaml"
AFTER = CASESTUDIES / "nadia" / "after_deciding.yaml"
PAPER = CASESTUDIES / "nadia" / "paper"


def whole_file(page: Any) -> None:
    """The summary page: the trainee's file as far as they have gone (its time line, the
    checklist beside the case study's file, printable forms). The PDF takes a second or two to
    write: the page is shown at once and its link follows (written in a process of its own, so
    the kernel answers the trainee meanwhile)."""
    try:
        if not page.signed_in:
            display(HTML(NOT_SIGNED_IN))
            return
        store = page.store
        parts = _whole_file(
            store.current(), store.name or "a trainee", store.record(casework.PLAN_RECORD)
        )
        if parts is None:
            page_show(STYLE + readable(NOT_YET))
            return
        outcome, document, rest = parts
        downloads = w.HTML(_downloads_html(document, None))
        display(w.HTML(STYLE + readable(outcome)), downloads, w.HTML(readable(scrolling(rest))))

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
    parts = _whole_file(attempt, who, plan_actions)
    if parts is None:
        return STYLE + NOT_YET
    outcome, document, rest = parts
    return STYLE + outcome + _downloads_html(document, to_pdf(document)) + rest


def _whole_file(
    attempt: Any, who: str, plan_actions: list[dict] | None
) -> tuple[str, Any, str] | None:
    """The trainee's outcome, their file as a printable document, and the rest of the page,
    up to the last step they have completed (None before they have completed one)."""
    reached = casework.reached(attempt)
    if reached is None:
        return None
    outcome = casework.trainee_file(attempt, reached, plan_actions)
    yours, reference = outcome.case, casework.reference_until(reached)
    document = casework.printable_file(yours, who)
    return (
        "<h2>Your file</h2>" + _outcome_html(outcome, "summary"),
        document,
        timeline(yours, casework.as_of(yours), "Your copy of Nadia's file")
        + "<h2>The case file checklist on both files</h2>"
        + checklist_comparison_html(yours, reference),
    )
