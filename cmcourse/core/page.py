"""Course pages for Voilà: what a notebook calls to become a page of the course.

    page = course_page("1.1")          # header, sign-in if needed, visit recorded
    page.question("m1-key-messages")   # a knowledge check from the bank
    page.reflection("m1-r-setting")    # a reflection, saved
    page.footer()                      # previous / course map / next, take a break

Notebooks hold content and these calls only; everything here turns errors into friendly
messages.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from html import escape
from typing import Any

import ipywidgets as w
from IPython.display import HTML, display

from cmcourse.core import identity
from cmcourse.core.bank import find, load_bank
from cmcourse.core.outline import Page, load_outline, url_for
from cmcourse.core.progress import module_label, overall, page_progress, part_progress
from cmcourse.core.render import ReflectionView, question_view
from cmcourse.core.safety import friendly, safe, setup_logging
from cmcourse.core.store import ProgressError, ProgressStore, clean_name, new_trainee_id
from cmcourse.html.parts import download_link

log = logging.getLogger("cm101")

STYLE = """
<style>
.cm-header, .cm-footer, .cm-map {max-width: 60em}
.cm-header nav a, .cm-footer a, .cm-map a {color: #0b4f8a; text-decoration: underline}
.cm-feedback {border-left: 4px solid #607d8b; padding: 0.3em 0.8em; margin: 0.4em 0}
.cm-right {border-color: #2e7d32; background: #f1f8f1}
.cm-wrong {border-color: #c62828; background: #fdf3f3}
.cm-error {border-left: 4px solid #c62828; padding: 0.5em 0.8em; background: #fdf3f3}
.cm-guidance {border-left: 4px solid #0b4f8a; padding: 0.3em 0.8em; background: #f2f6fb}
.cm-question, .cm-reflection {border: 1px solid #ccd; border-radius: 6px; padding: 0.6em 0.9em;
  margin: 1em 0}
.cm-question label, .widget-radio-box label {white-space: normal !important;
  height: auto !important; line-height: 1.35}
.widget-radio-box label {display: flex !important; flex-direction: row-reverse;
  justify-content: flex-end; align-items: flex-start; gap: 0.5em; margin: 0.2em 0}
.widget-radio-box input {flex-shrink: 0; margin-top: 0.25em}
.cm-question .jupyter-button, .cm-reflection .jupyter-button {align-self: flex-start;
  width: auto}
.widget-radio-box {flex-wrap: wrap} .widget-inline-hbox .widget-label {white-space: normal}
.cm-map progress, .cm-header progress {width: 12em; height: 1em; vertical-align: middle}
:focus-visible {outline: 3px solid #ff9800 !important; outline-offset: 2px}
.cm-notice {border-left: 4px solid #f9a825; background: #fffbe6; padding: 0.5em 0.8em}
</style>
"""


def show(html: str) -> None:
    """Show HTML with working links. (Links in rich outputs go through JupyterLab's link
    handling, which swallows clicks on local links in Voilà; a widget's HTML does not.)"""
    display(w.HTML(html, layout=w.Layout(width="100%")))


def _base_url() -> str:
    return os.environ.get("VOILA_BASE_URL", "/")


def _url(page: Page) -> str:
    """A page's address under this server's base URL (/user/<name>/ on a JupyterHub)."""
    return url_for(page, _base_url())


def _bar(fraction: float, label: str) -> str:
    pct = round(fraction * 100)
    return (
        f'<progress value="{pct}" max="100" aria-label="{escape(label)}: {pct}% done">'
        f"{pct}%</progress> {pct}%"
    )


class CoursePage:
    """One page of the course for the trainee who opened it."""

    def __init__(self, page_id: str):
        setup_logging()
        self.outline = load_outline()
        self.page = self.outline.page(page_id)
        self.trainee_id, self.source = identity.current_trainee()
        self.store: ProgressStore | None = None
        self.on_saved: list[Callable[[], None]] = []  # parts of the page that follow answers
        if self.trainee_id:
            self.store = ProgressStore(self.trainee_id)
            if self.store.name is None and self.source == "hub":
                self.store.set_name(os.environ.get("JUPYTERHUB_USER", self.trainee_id)[:60])
            if self.store.name is None:  # a cookie for a trainee whose file is gone
                self.store = None
            else:
                self.store.visit(self.page.id)

    @property
    def signed_in(self) -> bool:
        return self.store is not None

    # -- header and sign in -----------------------------------------------------------
    def header(self) -> None:
        part = self.outline.part_of(self.page.id)
        crumbs = (
            f'<nav aria-label="Course navigation"><a href="{_url(self._map())}">'
            f"Course map</a> › {escape(part.title)}</nav>"
        )
        bar = ""
        if self.store:
            attempt = self.store.current()
            bar = (
                f"<p>Signed in as <strong>{escape(self.store.name or '')}</strong>. "
                f"This part: {_bar(part_progress(self.outline, part.key, attempt), part.title)}"
                "</p>"
            )
        display(HTML(STYLE))
        show(f'<header class="cm-header">{crumbs}{bar}</header>')
        if self.store and self.store.notice:
            display(HTML(f'<div class="cm-notice" role="alert">{escape(self.store.notice)}</div>'))
        if not self.store:
            display(sign_in_box())

    def _map(self) -> Page:
        return Page(id="map", title="Course map", path="course/index.ipynb")

    # -- content ----------------------------------------------------------------------
    def question(self, question_id: str) -> None:
        try:
            self._question(question_id)
        except Exception as exc:  # shown kindly, logged for the trainer
            display(HTML(friendly(exc)))

    def reflection(self, reflection_id: str) -> None:
        try:
            self._reflection(reflection_id)
        except Exception as exc:  # shown kindly, logged for the trainer
            display(HTML(friendly(exc)))

    def _question(self, question_id: str) -> None:
        question = find(question_id)
        previous = None
        if self.store:
            saved = self.store.current().answers.get(question_id)
            previous = saved["answer"] if saved else None

        def save(q: Any, answer: Any, result: Any) -> None:
            if not self.store:
                raise ProgressError("Please sign in at the top of the page to save your answers.")
            self.store.save_answer(q.id, answer, result.correct, result.points, result.out_of)
            self.notify_saved()

        view = question_view(question, save, previous, enabled=self.signed_in)
        display(view.widget)

    def _reflection(self, reflection_id: str) -> None:
        reflection = find(reflection_id)
        previous = self.store.current().reflections.get(reflection_id) if self.store else None

        def save(r: Any, text: str) -> None:
            if not self.store:
                raise ProgressError("Please sign in at the top of the page to save your work.")
            self.store.save_reflection(r.id, text)
            self.notify_saved()

        display(ReflectionView(reflection, save, previous, enabled=self.signed_in).widget)

    def notify_saved(self) -> None:
        """Tell the parts of the page that follow saved work (a case file panel)."""
        for listener in self.on_saved:
            listener()

    # -- footer -----------------------------------------------------------------------
    def footer(self) -> None:
        before, after = self.outline.neighbours(self.page.id)
        links = []
        if before:
            links.append(
                f'<a href="{_url(before)}" rel="prev">← Previous: {escape(before.title)}</a>'
            )
        links.append(f'<a href="{_url(self._map())}">Course map</a>')
        if after:
            links.append(f'<a href="{_url(after)}" rel="next">Next: {escape(after.title)} →</a>')
        show(
            '<nav class="cm-footer" aria-label="Page navigation"><p>'
            + " &nbsp;|&nbsp; ".join(links)
            + "</p></nav>"
        )
        if self.store:
            display(break_button(self.store, self.page.id))


def sign_in_box() -> w.Widget:
    name = w.Text(
        placeholder="e.g. Amina Yusuf or TR-014",
        description="Your name or trainee ID:",
        style={"description_width": "initial"},
        layout=w.Layout(width="30em"),
    )
    start = w.Button(description="Start", button_style="primary", tooltip="Start the course")
    out = w.Output()
    message = w.HTML()

    def show(html: str) -> None:
        message.value = html

    @safe(show)
    def go(_: Any = None) -> None:
        clean = clean_name(name.value)
        trainee = new_trainee_id()
        ProgressStore(trainee).set_name(clean)
        message.value = (
            f'<p role="status">Welcome, {escape(clean)}. Your progress will be '
            "saved in this browser.</p>"
        )
        with out:
            display(HTML(identity.remember_script(trainee)))

    start.on_click(go)
    intro = w.HTML(
        "<p><strong>Before you start:</strong> type your name or trainee ID. Your "
        "answers are saved as you go, in this browser.</p>"
    )
    return w.VBox([intro, w.HBox([name, start]), message, out])


def break_button(store: ProgressStore, page_id: str) -> w.Widget:
    button = w.Button(
        description="Take a break and continue later",
        tooltip="Save where I am and continue later",
        layout=w.Layout(width="auto"),
    )
    message = w.HTML()

    def show(html: str) -> None:
        message.value = html

    @safe(show)
    def pause(_: Any = None) -> None:
        store.take_break(page_id)
        message.value = (
            '<p role="status" aria-live="polite">Your progress is saved. When you '
            "come back, open the course map and choose <em>Continue where you left "
            "off</em>: you will return to this page.</p>"
        )

    button.on_click(pause)
    return w.VBox([button, message])


class _BrokenPage:
    """Stands in for a page that could not start: its calls do nothing more."""

    def __getattr__(self, _name: str) -> Any:
        return lambda *args, **kwargs: None


def course_page(page_id: str) -> CoursePage | _BrokenPage:
    """Start a course page: identify the trainee, record the visit and show the header."""
    try:
        page = CoursePage(page_id)
        page.header()
    except Exception as exc:  # shown kindly, logged for the trainer
        display(HTML(STYLE + friendly(exc)))
        return _BrokenPage()
    return page


def course_map() -> None:
    """The landing page: sign in, continue where you left off, every part with its progress."""
    try:
        _course_map()
    except Exception as exc:
        display(HTML(STYLE + friendly(exc)))


def _course_map() -> None:
    setup_logging()
    outline = load_outline()
    trainee, _source = identity.current_trainee()
    store = ProgressStore(trainee) if trainee else None
    if store and store.name is None:
        store = None
    html = [STYLE, f'<div class="cm-map"><h1>{escape(outline.title)}</h1>']
    if store and store.notice:
        html.append(f'<div class="cm-notice" role="alert">{escape(store.notice)}</div>')
    attempt = store.current() if store else None
    if store and attempt:
        last = store.last_page()
        greeting = "Welcome back" if attempt.pages else "Welcome"
        html.append(
            f"<p>{greeting}, <strong>{escape(store.name or '')}</strong>. "
            f"Course progress: {_bar(overall(attempt, outline), 'Whole course')}</p>"
        )
        if last:
            page = outline.page(last) if last in {p.id for p in outline.pages()} else None
            if page:
                html.append(
                    f'<p><a class="cm-continue" href="{_url(page)}">Continue where you '
                    f"left off: {escape(page.title)}</a></p>"
                )
        if attempt.number > 1:
            html.append(
                f"<p>This is your attempt number {attempt.number}; your earlier results "
                "are kept.</p>"
            )
    for part in outline.parts:
        rows = []
        for page in part.pages:
            bar = _bar(page_progress(page, attempt, load_bank()), page.title) if attempt else ""
            rows.append(f'<li><a href="{_url(page)}">{escape(page.title)}</a> {bar}</li>')
        part_bar = (
            " " + _bar(part_progress(outline, part.key, attempt), part.title) if attempt else ""
        )
        html.append(f"<h2>{escape(part.title)}{part_bar}</h2><ul>{''.join(rows)}</ul>")
    html.append("</div>")
    display(HTML(STYLE))
    show("".join(html[1:]))
    if not store:
        display(sign_in_box())


def results_panel(page: CoursePage | _BrokenPage) -> None:
    """This attempt's results, 'Submit results', the certificate, then a fresh start."""
    if not isinstance(page, CoursePage):
        return
    try:
        _results_panel(page)
    except Exception as exc:  # shown kindly, logged for the trainer
        display(HTML(STYLE + friendly(exc)))


def _summary_html(summary: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><td>{escape(module_label(m))}</td>"
        f"<td>{m['answered']} of {m['questions']}</td><td>{m['points']:g} / {m['out_of']}</td></tr>"
        for m in summary["modules"]
    )
    reflections = (
        "".join(
            f"<dt>{escape(r['section'])} {escape(r['prompt'])}</dt><dd>{escape(r['text'])}</dd>"
            for r in summary["reflections"]
        )
        or "<p>No reflection written yet.</p>"
    )
    return (
        '<table class="cm-table"><caption>Your knowledge checks</caption><thead><tr>'
        '<th scope="col">Module</th><th scope="col">Answered</th><th scope="col">Score</th>'
        f"</tr></thead><tbody>{rows}</tbody></table>"
        f"<h2>Your reflections</h2><dl>{reflections}</dl>"
    )


def _hand_in(store: ProgressStore, summary: dict[str, Any]) -> str:
    """Write the answers as nbgrader submissions; say plainly if that failed."""
    from cmcourse.assignments.generate import workshop_dir, write_submission

    try:
        write_submission(store.trainee_id, store.name or "", summary["answers"], workshop_dir())
    except OSError:
        log.exception("writing the nbgrader submission failed")
        return (
            "Your results are saved, but they could not be handed in to your trainer for "
            "grading just now; please tell your trainer."
        )
    if os.environ.get("JUPYTERHUB_USER"):  # on a workshop hub the trainer collects through
        # nbgrader's exchange: the copy above stays in the trainee's own folder
        return (
            "Your results are saved with your progress, which your trainer's workshop view "
            "shows. To hand in an assignment for grading, submit it from the Assignments tab "
            "of JupyterLab, as your trainer explains."
        )
    return "Your answers have also been handed in to your trainer for grading."


def _results_panel(page: CoursePage) -> None:
    import datetime as dt
    import json

    from cmcourse.core.certificate import certificate_html, certificate_pdf
    from cmcourse.core.progress import results

    if not page.store:
        return
    store = page.store
    summary = results(store.current())
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
        handed_in = _hand_in(store, summary)
        today = dt.date.today()
        name = store.name or ""
        cert = certificate_html(name, summary, today)
        pdf = certificate_pdf(name, summary, today)
        reflections = json.dumps(summary["reflections"], indent=2, ensure_ascii=False).encode()
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
            f'{_url(page._map())}">go to the course map</a>.</p></div>'
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
    page.footer()
