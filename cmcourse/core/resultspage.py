"""The results page: this attempt's scores and reflections, "Submit results", the certificate.

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

from cmcourse.core.certificate import certificate_html, certificate_pdf
from cmcourse.core.page import BrokenPage, CoursePage, map_page, page_url
from cmcourse.core.results import Summary, summarise
from cmcourse.core.safety import safe, shown
from cmcourse.core.store import ProgressStore
from cmcourse.html.parts import download_link
from cmcourse.html.theme import STYLE

HandIn = Callable[[ProgressStore, Summary], str]
"""Passes a submitted attempt on; returns a sentence for the trainee about where it went."""


@safe(lambda html: shown(STYLE + html))
def results_panel(page: CoursePage | BrokenPage, hand_in: HandIn | None = None) -> None:
    """This attempt's results, 'Submit results', the certificate, then a fresh start.
    `hand_in` passes the submitted answers on (to nbgrader, in the course) and returns what
    to tell the trainee about it."""
    if isinstance(page, CoursePage):
        _results_panel(page, hand_in)


def _summary_html(summary: Summary) -> str:
    rows = "".join(
        f"<tr><td>{escape(m.label)}</td>"
        f"<td>{m.answered} of {m.questions}</td><td>{m.points:g} / {m.out_of}</td></tr>"
        for m in summary.modules
    )
    reflections = (
        "".join(
            f"<dt>{escape(r.section)} {escape(r.prompt)}</dt><dd>{escape(r.text)}</dd>"
            for r in summary.reflections
        )
        or "<p>No reflection written yet.</p>"
    )
    return (
        '<table class="cm-table"><caption>Your knowledge checks</caption><thead><tr>'
        '<th scope="col">Module</th><th scope="col">Answered</th><th scope="col">Score</th>'
        f"</tr></thead><tbody>{rows}</tbody></table>"
        f"<h2>Your reflections</h2><dl>{reflections}</dl>"
    )


def _results_panel(page: CoursePage, hand_in: HandIn | None) -> None:
    if not page.store:
        return
    store = page.store
    summary = summarise(store.current())
    display(
        HTML(
            STYLE.replace(
                "</style>",
                ".cm-table td, .cm-table th {border: 1px solid #999; padding: 0.3em 0.6em}</style>",
            )
            + "<h2>Your results</h2>"
            + _summary_html(summary)
        )
    )
    button = w.Button(
        description="Submit results",
        button_style="success",
        tooltip="Submit my results and get my certificate",
    )
    out = w.Output()
    message = w.HTML()

    def show(html: str) -> None:
        message.value = html

    @safe(show)
    def submit(_: Any = None) -> None:
        number = store.submit(summary)
        handed_in = hand_in(store, summary) if hand_in else ""
        today = dt.date.today()
        name = store.name or ""
        cert = certificate_html(name, summary, today)
        pdf = certificate_pdf(name, summary, today)
        reflections = json.dumps(
            [r.model_dump() for r in summary.reflections], indent=2, ensure_ascii=False
        ).encode()
        button.disabled = True
        message.value = (
            f'<div role="status" aria-live="polite"><p><strong>Results submitted</strong> '
            f"(attempt {number}). Your certificate:</p><p>"
            + download_link(
                "Certificate (PDF)", f"cm101-certificate-{number}.pdf", "application/pdf", pdf
            )
            + " &nbsp;|&nbsp; "
            + download_link(
                "Certificate (HTML)", f"cm101-certificate-{number}.html", "text/html", cert.encode()
            )
            + " &nbsp;|&nbsp; "
            + download_link(
                "My reflections (JSON)",
                f"cm101-reflections-{number}.json",
                "application/json",
                reflections,
            )
            + f"</p><p>{handed_in}</p>"
            + f'<p>The course now starts again from the beginning: <a href="'
            f'{page_url(map_page())}">go to the course map</a>.</p></div>'
        )
        with out:
            display(
                HTML(
                    f'<iframe title="Certificate of completion" srcdoc="{escape(cert)}" '
                    'style="width: 100%; max-width: 60em; height: 32em; border: 1px solid '
                    '#ccc"></iframe>'
                )
            )

    button.on_click(submit)
    display(
        w.VBox(
            [
                w.HTML(
                    "<p>When you are ready, submit your results. You will get a "
                    "certificate of completion, and the course will start again.</p>"
                ),
                button,
                message,
                out,
            ]
        )
    )
