"""The results page: this attempt's scores (first try and final) and reflections, what is
left to do, "Submit results" (asked twice, saying what happens), and every submitted
attempt with its certificate.

The page does not know where answers go when submitted: the notebook API (`cmcourse`) passes
the nbgrader hand-in as `hand_in`, so the core never imports a wing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from html import escape
from typing import Any

import ipywidgets as w
from IPython.display import HTML, display

from cmcourse.core.certificate import (
    certificate_html,
    certificate_pdf,
    issue,
    load_settings,
    score_line,
)
from cmcourse.core.page import BrokenPage, CoursePage, map_page, page_url
from cmcourse.core.progress import Left, left_to_do
from cmcourse.core.results import Submission, Summary, summarise
from cmcourse.core.safety import safe, shown
from cmcourse.core.store import ProgressStore
from cmcourse.html.parts import download_link
from cmcourse.html.theme import STYLE

HandIn = Callable[[ProgressStore, Summary], str]
"""Passes a submitted attempt on; returns a sentence for the trainee about where it went."""

# The certificate is shown whole, as it prints, not in a box that scrolls: the frame takes its
# document's height once loaded (same origin: its srcdoc is the page's own).
FIT = "this.style.height = this.contentDocument.documentElement.scrollHeight + 24 + 'px'"


@safe(lambda html: shown(STYLE + html))
def results_panel(page: CoursePage | BrokenPage, hand_in: HandIn | None = None) -> None:
    """This attempt's results, 'Submit results', the certificates, then a fresh start.
    `hand_in` passes the submitted answers on (to nbgrader, in the course) and returns what
    to tell the trainee about it."""
    if isinstance(page, CoursePage) and page.store:
        _results_panel(page.store, hand_in)


def _first(points: float | None, out_of: int) -> str:
    return "not kept" if points is None else f"{points:g} / {out_of}"


def summary_html(summary: Summary) -> str:
    """The scores table (first tries beside final scores) and the reflections written."""
    rows = "".join(
        f"<tr><th scope='row'>{escape(m.label)}</th><td>{m.answered} of {m.questions}</td>"
        f"<td>{_first(m.first_points, m.out_of)}</td><td>{m.points:g} / {m.out_of}</td></tr>"
        for m in summary.modules
    )
    total = (
        f"<tr class='cm-total'><th scope='row'>All knowledge checks</th>"
        f"<td>{sum(m.answered for m in summary.modules)} of "
        f"{sum(m.questions for m in summary.modules)}</td>"
        f"<td>{_first(summary.first_points, summary.out_of)}</td>"
        f"<td>{summary.points:g} / {summary.out_of}</td></tr>"
    )
    reflections = (
        '<ul class="cm-reflections">'
        + "".join(
            f'<li><p class="cm-reflection-prompt">{escape(r.section)} {escape(r.prompt)}</p>'
            f'<p class="cm-reflection-text">{escape(r.text)}</p></li>'
            for r in summary.reflections
        )
        + "</ul>"
        if summary.reflections
        else "<p>No reflection written yet.</p>"
    )
    return (
        '<div class="cm-scroll"><table class="cm-table cm-results"><caption>Your knowledge '
        "checks: your first try at each question, and your answers now</caption><thead><tr>"
        '<th scope="col">Part</th><th scope="col">Answered</th><th scope="col">First tries</th>'
        f'<th scope="col">Final score</th></tr></thead><tbody>{rows}{total}</tbody></table></div>'
        f"<h2>Your reflections</h2>{reflections}"
    )


def left_html(left: Left) -> str:
    """What is still to do before a certificate, each page a link."""
    if left.complete:
        return (
            '<p class="cm-ok">You have completed the course: every page opened and every '
            "knowledge check answered.</p>"
        )
    items = "".join(
        f'<li><a href="{page_url(p)}">{escape(p.title)}</a>: '
        + (f"{n} knowledge check{'s' * (n != 1)} not answered" if n else "not opened yet")
        + "</li>"
        for p, n in left.pages
    )
    pages = len(left.pages)
    return (
        '<div class="cm-left"><h2>Still to do for your certificate</h2><p>A certificate needs '
        f"every page opened and every knowledge check answered: {pages} "
        f"page{'s' * (pages != 1)} to go, with {left.checks} knowledge "
        f"check{'s' * (left.checks != 1)} not answered.</p>"
        f"<details{' open' * (pages <= 8)}><summary>The pages still to do</summary>"
        f"<ul>{items}</ul></details></div>"
    )


def _date(submission: Submission) -> dt.date:
    return dt.datetime.fromisoformat(submission.at).date()


def submission_links(name: str, submission: Submission) -> str:
    """One submitted attempt: when, its scores, and its certificate and reflections."""
    summary, n = submission.summary, submission.attempt
    reflections = json.dumps(
        [r.model_dump() for r in summary.reflections], indent=2, ensure_ascii=False
    ).encode()
    links = []
    cert = summary.certificate
    if cert:
        on = _date(submission)
        links += [
            download_link(
                f"{cert.title} (PDF)",
                f"cm101-certificate-{n}.pdf",
                "application/pdf",
                certificate_pdf(name, summary, on),
            ),
            download_link(
                f"{cert.title} (HTML)",
                f"cm101-certificate-{n}.html",
                "text/html",
                certificate_html(name, summary, on).encode(),
            ),
        ]
        what = f"{escape(cert.title)}, verification code <code>{escape(cert.code)}</code>."
    elif summary.version < 2:
        what = "Submitted with an earlier version of the course, which kept no certificate."
    else:
        what = "No certificate: the course was not completed when these results were submitted."
    links.append(
        download_link(
            "My reflections (JSON)", f"cm101-reflections-{n}.json", "application/json", reflections
        )
    )
    return (
        f"<li><p><strong>Attempt {n}</strong>, submitted {_date(submission):%d/%m/%Y}: "
        f"{escape(score_line(summary))}. {what}</p><p>{' &nbsp;|&nbsp; '.join(links)}</p></li>"
    )


def submissions_html(store: ProgressStore) -> str:
    kept = store.submissions()
    if not kept:
        return ""
    items = "".join(submission_links(store.name or "", s) for s in reversed(kept))
    return (
        '<section class="cm-submitted"><h2>Your submitted results</h2>'
        f'<ul class="cm-submissions">{items}</ul></section>'
    )


def confirm_html(left: Left, attempt: int, handed_in: bool) -> str:
    """What Submit does, said before it is done."""
    if left.complete:
        earns = "You get a certificate for it."
    else:
        earns = (
            f"<strong>You get no certificate for it</strong>: {left.checks} knowledge "
            f"check{'s' * (left.checks != 1)} not answered and {len(left.unvisited)} "
            f"page{'s' * (len(left.unvisited) != 1)} not opened (listed above)."
        )
    grading = " Your answers are also handed in to your trainer for grading." if handed_in else ""
    return (
        f'<div class="cm-confirm" role="alertdialog" aria-label="Submit your results?">'
        f"<p><strong>Submit your results now?</strong></p><p>Attempt {attempt} is recorded "
        f"for your trainer, as it stands.{grading} {earns}</p><p>Then the course starts again "
        "from the beginning with no answers filled in; what you submit stays on this page, "
        "certificate included.</p></div>"
    )


def _results_panel(store: ProgressStore, hand_in: HandIn | None) -> None:
    attempt = store.current()
    left = left_to_do(attempt)
    summary = summarise(attempt)
    display(HTML(STYLE + "<h2>Your results</h2>" + summary_html(summary) + left_html(left)))

    button = w.Button(
        description="Submit results…",
        button_style="success",
        tooltip="See what submitting does, then confirm",
    )
    yes = w.Button(description="Yes, submit my results", button_style="success")
    no = w.Button(description="Not yet")
    confirm = w.VBox(
        [w.HTML(confirm_html(left, attempt.number, hand_in is not None)), w.HBox([yes, no])],
        layout=w.Layout(display="none"),
    )
    message = w.HTML()
    earlier = w.HTML(submissions_html(store))
    out = w.Output()

    def show(html: str) -> None:
        message.value = html
        confirm.layout.display = "none"

    def ask(_: Any = None) -> None:
        confirm.layout.display = "flex"
        button.disabled = True

    def not_yet(_: Any = None) -> None:
        confirm.layout.display = "none"
        button.disabled = False

    @safe(show)
    def submit(_: Any = None) -> None:
        if yes.disabled:  # a second click reaching the kernel before the first one ended
            return
        yes.disabled = no.disabled = True
        now = store.current()
        if now.number != attempt.number:
            show(
                "<p>These results were already submitted (perhaps in another tab or on "
                "another device). Open the course map to go on.</p>"
            )
            return
        results = summarise(now)
        results.certificate = issue(results, left_to_do(now), load_settings())
        number = store.submit(results, attempt=attempt.number)
        handed_in = hand_in(store, results) if hand_in else ""
        earned = (
            f"Your {escape(results.certificate.title.lower())} is below, with every earlier one."
            if results.certificate
            else "No certificate this time: the course was not completed."
        )
        show(
            f'<div class="cm-status" role="status" aria-live="polite"><p><strong>Results '
            "submitted</strong> "
            f"(attempt {number}). {earned}</p><p>{handed_in}</p>"
            f'<p>The course now starts again from the beginning: <a href="'
            f'{page_url(map_page())}">go to the course map</a>.</p></div>'
        )
        earlier.value = submissions_html(store)
        if results.certificate:
            cert = certificate_html(store.name or "", results, dt.date.today())
            with out:
                display(
                    HTML(
                        f'<iframe title="{escape(results.certificate.title)}" '
                        f'srcdoc="{escape(cert)}" class="cm-certificate" onload="{FIT}">'
                        "</iframe>"
                    )
                )

    button.on_click(ask)
    no.on_click(not_yet)
    yes.on_click(submit)
    display(
        w.VBox(
            [
                w.HTML(
                    "<p>When you are ready, submit your results: you are asked to confirm "
                    "first, and told what happens.</p>"
                ),
                button,
                confirm,
                message,
                out,
                earlier,
            ]
        )
    )
