"""The trainer's live view of a running workshop, computed from the progress stores.

    snapshot(folders)      # per trainee: page now, how far, stuck questions, last activity
    live_html(rows, now)   # the view as HTML (a table, stuck trainees first)
    live_page()            # in workshop/live.ipynb: for the signed-in trainer, refreshed

A trainee is stuck on a question after STUCK_AFTER wrong tries in a row on it in the current
attempt, until they get it right. `folders` are data directories (each holding `trainees/`):
one for a course served with `make serve`, one per trainee on the workshop hub (the hub's own
page, hub/live_service.py, calls the same functions). Like the trainer report, the view is
for trainers only: the page computes nothing for a browser the trainer has not signed in.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from cmcourse.core.bank import ModuleBank, load_bank
from cmcourse.core.outline import Outline, load_outline
from cmcourse.core.progress import FINISH, items_on, overall
from cmcourse.core.safety import kindly, setup_logging, shown
from cmcourse.html.theme import STYLE
from cmcourse.trainer.gate import trainer_gate
from cmcourse.trainer.roster import TraineeFile, read_progress

log = logging.getLogger("cm101")

STUCK_AFTER = 3  # wrong tries in a row on one question
QUIET_MINUTES = 10  # no saved activity for this long: flagged as quiet
REFRESH_SECONDS = 10


@dataclass(frozen=True)
class Stuck:
    question: str
    prompt: str
    page: str  # the title of the page the question is on
    wrong_tries: int


@dataclass(frozen=True)
class TraineeNow:
    """Where one trainee is now, from their progress file."""

    trainee_id: str
    name: str
    page: str  # title of the page last opened (or where a break was taken)
    attempt: int
    pages_visited: int
    pages_total: int
    answered: int
    questions_total: int
    progress: float  # 0 to 1, as on the trainee's own course map
    stuck: tuple[Stuck, ...]
    last_activity: str | None
    label: str = ""
    submitted: str | None = None  # when the last submission was made, if any
    submitted_attempt: int = 0
    certificate: str = ""  # the title of the certificate that submission earned, if any
    finished: bool = False  # submitted, and nothing done since but look at the results

    def quiet_minutes(self, now: dt.datetime) -> int | None:
        """Whole minutes since the last saved activity (None if never active)."""
        if not self.last_activity:
            return None
        since = now - dt.datetime.fromisoformat(self.last_activity)
        return max(0, int(since.total_seconds() // 60))


def stuck_questions(
    file: TraineeFile, banks: Mapping[str, ModuleBank], outline: Outline, after: int = STUCK_AFTER
) -> tuple[Stuck, ...]:
    """Questions of the current attempt whose last `after` or more tries are all wrong."""
    run: dict[str, int] = {}
    for t in file.tries:  # in the order given
        if t.attempt == file.current.number:
            run[t.question] = 0 if t.correct else run.get(t.question, 0) + 1
    pages = {item: p.title for p in outline.pages() for item in items_on(p, dict(banks))}
    prompts = {q.id: q.prompt for b in banks.values() for q in b.questions}
    return tuple(
        Stuck(q, prompts.get(q, q), pages.get(q, "—"), n)
        for q, n in sorted(run.items(), key=lambda qn: (-qn[1], qn[0]))
        if n >= after
    )


def trainee_now(
    file: TraineeFile,
    last_page: str | None,
    banks: Mapping[str, ModuleBank],
    outline: Outline,
    after: int = STUCK_AFTER,
) -> TraineeNow:
    titles = {p.id: p.title for p in outline.pages()}
    questions = {q.id for b in banks.values() for q in b.questions}
    latest = file.submissions[-1] if file.submissions else None
    cert = latest.summary.certificate if latest else None
    finished = latest is not None and not file.current.answers
    finished = finished and set(file.current.pages) <= {FINISH}
    if finished:
        page = "finished: results submitted"
    elif last_page is None:
        page = "course map (no page opened yet)"
    else:
        page = titles.get(last_page, last_page)
    return TraineeNow(
        trainee_id=file.trainee_id,
        name=file.name or "(no name)",
        page=page,
        attempt=file.current.number,
        pages_visited=sum(1 for p in file.current.pages if p in titles),
        pages_total=len(titles),
        answered=sum(1 for q in file.current.answers if q in questions),
        questions_total=len(questions),
        progress=overall(file.current, outline),
        stuck=stuck_questions(file, banks, outline, after),
        last_activity=file.last_activity,
        label=file.label,
        submitted=latest.at if latest else None,
        submitted_attempt=latest.attempt if latest else 0,
        certificate=cert.title if cert else "",
        finished=finished,
    )


def snapshot(
    folders: Iterable[Path],
    exclude: Iterable[str] = (),
    banks: Mapping[str, ModuleBank] | None = None,
    after: int = STUCK_AFTER,
) -> list[TraineeNow]:
    """Every trainee in `folders` (data directories), stuck ones first, then by name."""
    banks = banks if banks is not None else load_bank()
    outline = load_outline()
    skip = set(exclude)
    rows = []
    for folder in folders:
        for file in read_progress(folder):  # a folder with no trainees yet reads as none
            if file.trainee_id in skip:
                continue
            try:
                rows.append(trainee_now(file, file.last_page, banks, outline, after))
            except Exception as exc:  # one trainee's odd file never stops the room's view
                log.warning("live view: %s's file left out (%s)", file.trainee_id, exc)
    return sorted(rows, key=lambda r: (not r.stuck, r.name.casefold(), r.trainee_id))


# -- the view ---------------------------------------------------------------------------------


def _ago(minutes: int | None) -> str:
    if minutes is None:
        return "no activity yet"
    if minutes == 0:
        return "just now"
    if minutes < 60:
        return f"{minutes} min ago"
    return f"{minutes // 60} h {minutes % 60} min ago"


def _stuck_cell(stuck: Sequence[Stuck]) -> str:
    if not stuck:
        return "—"
    items = "".join(
        f"<li><span class='cm-flag'>Stuck</span> on {escape(s.question)} ({escape(s.page)}): "
        f"{s.wrong_tries} wrong tries in a row<br><span class='cm-small'>"
        f"{escape(s.prompt if len(s.prompt) <= 90 else s.prompt[:89] + '…')}</span></li>"
        for s in stuck
    )
    return f"<ul style='margin: 0; padding-left: 1.2em'>{items}</ul>"


def _submitted_cell(r: TraineeNow) -> str:
    if r.submitted is None:
        return "—"
    at = dt.datetime.fromisoformat(r.submitted).astimezone(dt.UTC)
    cert = escape(r.certificate) if r.certificate else "no certificate (not completed)"
    return (
        f"<span class='cm-done'>Submitted</span> attempt {r.submitted_attempt} at "
        f"{at:%H:%M} UTC on {at:%d/%m}<br><span class='cm-small'>{cert}</span>"
    )


def live_html(rows: Sequence[TraineeNow], now: dt.datetime | None = None) -> str:
    """The live view as HTML: a summary line, then one row per trainee."""
    now = now or dt.datetime.now(dt.UTC)
    stuck = sum(1 for r in rows if r.stuck)
    quiet = [r for r in rows if (r.quiet_minutes(now) or 0) >= QUIET_MINUTES]
    body = []
    for r in rows:
        pct = round(100 * r.progress)
        minutes = r.quiet_minutes(now)
        flag = " <span class='cm-flag'>(quiet)</span>" if (minutes or 0) >= QUIET_MINUTES else ""
        # The label tells trainees of one name apart (on the hub names are unique: none).
        ident = f"<br><span class='cm-small'>{escape(r.label)}</span>" if r.label else ""
        body.append(
            f"<tr{' class=cm-stuck' if r.stuck else ''}><th scope='row'>{escape(r.name)}{ident}"
            "</th>"
            f"<td>{escape(r.page)}</td>"
            + (
                "<td>new attempt not started</td>"
                if r.finished
                else f"<td class='num'><progress value='{pct}' max='100' aria-label='"
                f"{escape(r.name)}: {pct}% of the course'>{pct}%</progress> {pct}%</td>"
            )
            + f"<td>{_submitted_cell(r)}</td>"
            f"<td class='num'>{r.pages_visited} of {r.pages_total}</td>"
            f"<td class='num'>{r.answered} of {r.questions_total}</td>"
            f"<td>{_stuck_cell(r.stuck)}</td><td>{escape(_ago(minutes))}{flag}</td></tr>"
        )
    done = sum(1 for r in rows if r.finished)
    summary = (
        f"{len(rows)} trainee{'s' * (len(rows) != 1)}; {done} finished (results submitted); "
        f"{stuck} stuck (at least "
        f"{STUCK_AFTER} wrong tries in a row on a question); {len(quiet)} quiet for "
        f"{QUIET_MINUTES} minutes or more. Updated {now.astimezone(dt.UTC):%H:%M:%S} UTC."
    )
    table = (
        "<div class='cm-scroll'><table><caption>Trainees now (stuck first)</caption><thead><tr>"
        "<th scope='col'>Trainee</th><th scope='col'>On page</th>"
        "<th scope='col'>Course progress</th><th scope='col'>Submitted</th>"
        "<th scope='col'>Pages opened</th>"
        "<th scope='col'>Questions answered</th><th scope='col'>Stuck</th>"
        f"<th scope='col'>Last activity</th></tr></thead><tbody>{''.join(body)}</tbody>"
        "</table></div>"
        if rows
        else "<p>No trainee has started yet.</p>"
    )
    summary_html = f"<p class='cm-summary'>{escape(summary)}</p>"
    return f"<div class='cm-report cm-live'>{summary_html}{table}</div>"


# -- the Voilà page ---------------------------------------------------------------------------
UNWATCHED_BEATS = 3  # refreshes go on this many beats after the browser was last heard


class Watched(anywidget.AnyWidget):
    """The browser's heartbeat: when it was last heard from the page."""

    _esm = Path(__file__).with_name("watched.js")
    every = traitlets.Int(10).tag(sync=True)  # seconds between beats

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.last_heard = time.monotonic()
        self.on_msg(self._beat)

    def _beat(self, _widget: Any, _content: Any, _buffers: Any) -> None:
        self.last_heard = time.monotonic()

    def heard_within(self, seconds: float) -> bool:
        return time.monotonic() - self.last_heard <= seconds


ON_HUB = (
    "On the workshop hub, the live view is a page of the hub for trainers: open "
    "Services › cm101-live from the hub's home page (/hub/home)."
)


def refresh_seconds() -> float:
    """Seconds between refreshes: $CM101_LIVE_REFRESH if set (the hub uses it too), else 10."""
    try:
        return max(1.0, float(os.environ.get("CM101_LIVE_REFRESH") or REFRESH_SECONDS))
    except ValueError:
        return REFRESH_SECONDS


@kindly
def live_page(folder: Path | None = None, every: float | None = None) -> None:
    """The live view for Voilà: a passcode box; once open, refreshed every `every` seconds."""
    setup_logging()
    shown(STYLE)
    _gate_widgets(folder, every or refresh_seconds())


def _gate_widgets(folder: Path | None, every: float) -> None:
    import asyncio

    from cmcourse.core.safety import friendly
    from cmcourse.core.store import data_dir

    folders = [folder or data_dir()]

    def open_view(view: Any) -> str:
        from IPython.display import display

        watched = Watched(every=max(1, round(every)))
        display(watched)

        def refresh() -> None:
            try:
                view.value = live_html(snapshot(folders))
            except Exception as exc:  # one bad moment must not stop the refreshing
                view.value = friendly(exc)

        async def keep_fresh() -> None:
            # Refreshing while nobody watches would keep the kernel busy forever (a closed
            # tab, every reload): it stops once the browser has not been heard for a while.
            while watched.heard_within(UNWATCHED_BEATS * max(every, 1)):
                await asyncio.sleep(every)
                refresh()
            log.info("live view: no browser for a while; refreshing stopped")

        refresh()
        # The kernel's own event loop runs the refresh between widget messages.
        asyncio.get_event_loop().create_task(keep_fresh())
        return (
            f'<p role="status">Live view open: it refreshes by itself every {every:g} '
            "seconds while this page stays open.</p>"
        )

    hub = f"<p>{escape(ON_HUB)}</p>" if os.environ.get("JUPYTERHUB_USER") else ""
    trainer_gate(
        title="CM 101: live view of the workshop",
        what="live view",
        on_open=open_view,
        elsewhere=hub,
    )
