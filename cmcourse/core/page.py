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
from cmcourse.core.outline import MAP_PATH, Page, load_outline, url_for
from cmcourse.core.progress import (
    FINISH,
    next_unfinished,
    overall,
    page_progress,
    part_progress,
)
from cmcourse.core.render import ReflectionView, question_view
from cmcourse.core.safety import friendly, kindly, safe, setup_logging, shown
from cmcourse.core.store import ProgressError, ProgressStore
from cmcourse.html.theme import STYLE

log = logging.getLogger("cm101")

# Set by the course app (core/app.py): the app draws the header and the sign-in box once for
# the whole visit, and follows saved work (ON_SAVED) to keep its progress bar true.
IN_APP = False
ON_SAVED: list[Callable[[], None]] = []
NOT_SAVED = (
    "You are not signed in, so this was not saved: sign in (the link at the top of the page) "
    "to save your work."
)


def show(html: str) -> None:
    """Show HTML with working links. (Links in rich outputs go through JupyterLab's link
    handling, which swallows clicks on local links in Voilà; a widget's HTML does not.)"""
    display(w.HTML(html, layout=w.Layout(width="100%")))


def _base_url() -> str:
    return os.environ.get("VOILA_BASE_URL", "/")


def page_url(page: Page) -> str:
    """A page's address under this server's base URL (/user/<name>/ on a JupyterHub)."""
    return url_for(page, _base_url())


def map_page() -> Page:
    """The course map: the page the app opens first, and every page links back to."""
    return Page(id="map", title="Course map", path=MAP_PATH)


def trainee_store() -> ProgressStore | None:
    """The signed-in trainee's progress, or None when nobody is signed in. On a JupyterHub the
    hub's user is the trainee, named on first sight; a file that was set aside (damaged) is
    named again from the trainee's account, so the trainee stays signed in."""
    trainee_id, source = identity.current_trainee()
    if not trainee_id:
        return None
    store = ProgressStore(trainee_id)
    if store.name is None:
        if source == "hub":
            store.set_name(os.environ.get("JUPYTERHUB_USER", trainee_id)[:60])
        elif (account := identity.account(trainee_id)) is not None:
            store.set_name(account.name)
    return store if store.name is not None else None


def sign_out_html() -> str:
    """'Not you? Sign out' (a form: the server ends the session and clears the browser)."""
    hub = os.environ.get("JUPYTERHUB_BASE_URL")
    if os.environ.get("JUPYTERHUB_USER") and hub:
        return f'<span>Not you? <a href="{escape(hub)}hub/logout">Sign out</a></span>'
    return (
        f'<form class="cm-signout" method="post" action="{escape(identity.sign_out_url())}">'
        'Not you? <button type="submit" class="cm-link-button">Sign out</button></form>'
    )


def footer_html(page_id: str) -> str:
    """Previous / course map / next, as links."""
    before, after = load_outline().neighbours(page_id)
    links = []
    if before:
        links.append(
            f'<a href="{page_url(before)}" rel="prev">← Previous: {escape(before.title)}</a>'
        )
    links.append(f'<a href="{page_url(map_page())}">Course map</a>')
    if after:
        links.append(f'<a href="{page_url(after)}" rel="next">Next: {escape(after.title)} →</a>')
    return (
        '<nav class="cm-footer" aria-label="Page navigation"><p>'
        + '<span class="cm-sep" aria-hidden="true"> &nbsp;|&nbsp; </span>'.join(links)
        + "</p></nav>"
    )


def header_html(page: Page, store: ProgressStore | None) -> str:
    """The course's bar (CM 101, where the trainee is, the whole course's progress; in the app
    it stays at the top), then who is signed in and this part's progress."""
    outline = load_outline()
    part = None if page.id == map_page().id else outline.part_of(page.id)
    where = f'<span class="cm-crumb"> › {escape(part.title)}</span>' if part else ""
    attempt = store.current() if store else None
    course = (
        f'<span class="cm-course-progress">Course {_bar(overall(attempt, outline), "Whole course")}'
        "</span>"
        if attempt
        else ""
    )
    bar = (
        f'<div class="cm-bar"><nav aria-label="Course navigation"><a class="cm-brand" '
        f'href="{page_url(map_page())}" title="{escape(outline.title)}">CM 101 '
        f'<span class="cm-crumb">course map</span></a>{where}</nav>{course}</div>'
    )
    if store and attempt:
        who = (
            f'<div class="cm-who"><span>Signed in as <strong>{escape(store.name or "")}'
            f"</strong>.</span>{sign_out_html()}"
        )
        if part:
            progress = part_progress(outline, part.key, attempt)
            who += f"<span>This part: {_bar(progress, part.title)}</span>"
        who += "</div>"
    else:
        who = signed_out_html()
    notice = ""
    if store and store.notice:
        notice = f'<div class="cm-notice" role="alert">{escape(store.notice)}</div>'
    return f'<header class="cm-header">{bar}</header>{who}{notice}'


def _bar(fraction: float, label: str) -> str:
    pct = round(fraction * 100)
    return (
        f'<progress value="{pct}" max="100" aria-label="{escape(label)}: {pct}% done">'
        f'{pct}%</progress> <span class="cm-pct">{pct}%</span>'
    )


class CoursePage:
    """One page of the course for the trainee who opened it."""

    def __init__(self, page_id: str):
        setup_logging()
        self.outline = load_outline()
        self.page = self.outline.page(page_id)
        self.store = trainee_store()
        self.on_saved: list[Callable[[], None]] = [*ON_SAVED]  # parts that follow answers
        if self.store:
            self.store.visit(self.page.id)

    @property
    def signed_in(self) -> bool:
        return self.store is not None

    # -- header and sign in -----------------------------------------------------------
    def header(self) -> None:
        if IN_APP:  # the app's header is already on the screen
            return
        display(HTML(STYLE))
        show(header_html(self.page, self.store))

    # -- content ----------------------------------------------------------------------
    @kindly
    def question(self, question_id: str) -> None:
        question = find(question_id)
        previous, tries = None, 0
        if self.store:
            attempt = self.store.current()
            saved = attempt.answers.get(question_id)
            previous = saved["answer"] if saved else None
            tries = attempt.tries.get(question_id, 0)

        def save(q: Any, answer: Any, result: Any) -> None:
            if not self.store:
                raise ProgressError(NOT_SAVED)
            self.store.save_answer(q.id, answer, result.correct, result.points, result.out_of)
            self.notify_saved()

        view = question_view(question, save, previous, enabled=self.signed_in, tries=tries)
        display(view.widget)

    @kindly
    def reflection(self, reflection_id: str) -> None:
        reflection = find(reflection_id)
        previous = self.store.current().reflections.get(reflection_id) if self.store else None

        def save(r: Any, text: str) -> None:
            if not self.store:
                raise ProgressError(NOT_SAVED)
            self.store.save_reflection(r.id, text)
            self.notify_saved()

        display(ReflectionView(reflection, save, previous, enabled=self.signed_in).widget)

    @kindly
    def learning_check(self, phase: str) -> None:
        """The pre-learning assessment's questions: 'pre' before Module 1, 'post' after."""
        from cmcourse.core.learningcheck import show_learning_check

        if phase not in ("pre", "post"):
            raise ValueError(f"learning_check takes 'pre' or 'post', not {phase!r}")
        show_learning_check(self.store, phase)  # type: ignore[arg-type]

    def notify_saved(self) -> None:
        """Tell the parts of the page that follow saved work (a case file panel)."""
        for listener in self.on_saved:
            listener()

    @kindly
    def see(self, page_id: str) -> None:
        """A link to another page of the course where this page's topic is worked (a short
        case study from its section page)."""
        other = self.outline.page(page_id)
        part = self.outline.part_of(page_id)
        show(
            f'<p class="cm-see"><strong>{escape(part.title)}:</strong> '
            f'<a href="{page_url(other)}">{escape(other.title)} →</a></p>'
        )

    # -- footer -----------------------------------------------------------------------
    def footer(self) -> None:
        show(footer_html(self.page.id))
        if self.store:
            display(break_button(self.store, self.page.id))


def signed_out_html() -> str:
    """Where a page's trainee is unknown (not signed in, or the session ended): the way to
    sign in, saying that saved work is kept."""
    return (
        '<p class="cm-notice" role="status">You are not signed in, so answers on this page are '
        f'not saved. <a href="{escape(identity.sign_in_url())}">Sign in</a> to continue '
        "your course: everything you saved before is kept.</p>"
    )


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


class BrokenPage:
    """Stands in for a page that could not start: its calls do nothing more."""

    def __getattr__(self, _name: str) -> Any:
        return lambda *args, **kwargs: None


def course_page(page_id: str) -> CoursePage | BrokenPage:
    """Start a course page: identify the trainee, record the visit and show the header."""
    try:
        page = CoursePage(page_id)
        page.header()
    except Exception as exc:  # shown kindly, logged for the trainer
        display(HTML(STYLE + friendly(exc)))
        return BrokenPage()
    return page


def _continue_html(store: ProgressStore, attempt: Any) -> str:
    """The map's first button: where to go on (the page left, if it is not finished, or the
    next unfinished one); the first page for a newcomer; the results once all is done."""
    page = next_unfinished(attempt, store.last_page())
    if not attempt.pages:
        first = load_outline().pages()[0]
        return (
            f'<p><a class="cm-continue" href="{page_url(first)}">Start the course: '
            f"{escape(first.title)}</a></p>"
        )
    if page is None:
        results = load_outline().page(FINISH)
        return (
            f'<p>You have finished every page. <a class="cm-continue" href="{page_url(results)}">'
            "Submit your results</a></p>"
        )
    return (
        f'<p><a class="cm-continue" href="{page_url(page)}">Continue where you left off: '
        f"{escape(page.title)}</a></p>"
    )


@safe(lambda html: shown(STYLE + html))
def course_map() -> None:
    """The landing page: sign in, continue where you left off, every part with its progress."""
    setup_logging()
    outline = load_outline()
    store = trainee_store()
    html = [STYLE, f'<div class="cm-map"><h1>{escape(outline.title)}</h1>']
    if store and store.notice and not IN_APP:  # the app's header shows the notice
        html.append(f'<div class="cm-notice" role="alert">{escape(store.notice)}</div>')
    attempt = store.current() if store else None
    if store and attempt:
        greeting = "Welcome back" if attempt.pages else "Welcome"
        html.append(f"<p>{greeting}, <strong>{escape(store.name or '')}</strong>.</p>")
        html.append(_continue_html(store, attempt))
        if attempt.number > 1:
            results = page_url(outline.page(FINISH))
            html.append(
                f"<p>This is your attempt number {attempt.number}; your earlier results and "
                f'certificates are kept on the <a href="{results}">results page</a>.</p>'
            )
    for part in outline.parts:
        rows = []
        for page in part.pages:
            bar = _bar(page_progress(page, attempt, load_bank()), page.title) if attempt else ""
            rows.append(
                f'<li><a href="{page_url(page)}">{escape(page.title)}</a>'
                f'<span class="cm-pbar">{bar}</span></li>'
            )
        part_bar = (
            f'<span class="cm-pbar">{_bar(part_progress(outline, part.key, attempt), part.title)}'
            "</span>"
            if attempt
            else ""
        )
        html.append(
            f'<h2 class="cm-part"><span>{escape(part.title)}</span>{part_bar}</h2>'
            f'<ul class="cm-pages">{"".join(rows)}</ul>'
        )
    html.append("</div>")
    display(HTML(STYLE))
    if not store and not IN_APP:
        html.insert(2, signed_out_html())
    show("".join(html[1:]))
