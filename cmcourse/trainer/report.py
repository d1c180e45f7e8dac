"""The trainer report, computed from the progress store: scores, question difficulty, exports.

    trainee_scores(folder)      # per trainee: score per module and in total, and from what
    question_stats(folder)      # per question: answered, right first/last try, top wrong answer
    to_csv(rows)                # either table as CSV text (standard library csv)
    xapi_statements(folder)     # xAPI 1.0.3 statements (answered, completed) as plain dicts
    histogram(percents)         # a matplotlib Figure (object API), with histogram_alt(...)
    report_page()               # in workshop/report.ipynb: a passcode box, then the report

Everything but `report_page` is a pure function of the files under `<folder>/trainees/`
(`folder` defaults to $CM101_DATA_DIR). The report is for trainers only: the page computes
nothing about trainees until the code in $CM101_TRAINER_CODE, set when the server was started,
is typed in.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hmac
import io
import json
import logging
import os
import sqlite3
import statistics
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from cmcourse.core.bank import ModuleBank, load_bank
from cmcourse.core.results import Submission, summarise
from cmcourse.core.safety import kindly, setup_logging, shown
from cmcourse.core.store import (
    Attempt,
    ProgressError,
    ProgressReader,
    all_trainees,
    data_dir,
)
from cmcourse.html.parts import download_link
from cmcourse.html.theme import STYLE

log = logging.getLogger("cm101")

CODE_VARIABLE = "CM101_TRAINER_CODE"
COURSE_NAME = "CM 101: child protection case management"
VERB_ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
VERB_COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
INTERACTION_TYPES = {
    "single": "choice",
    "multiple": "choice",
    "true_false": "true-false",
    "matching": "matching",
    "ordering": "sequencing",
}
BANDS = [(lo, lo + 10) for lo in range(0, 100, 10)]  # the last band includes 100


# -- reading the store ------------------------------------------------------------------------
@dataclass(frozen=True)
class Try:
    """One saved answer: every try is kept, in the order given."""

    trainee_id: str
    row: int
    attempt: int
    question: str
    answer: Any
    correct: bool
    points: float
    out_of: int
    at: str


@dataclass(frozen=True)
class TraineeFile:
    """What the report reads from one trainee's progress file."""

    trainee_id: str
    name: str | None
    current: Attempt
    tries: list[Try]
    submissions: list[Submission]
    last_activity: str | None
    last_page: str | None  # where "Continue where you left off" leads


def read_progress(folder: Path | None = None) -> list[TraineeFile]:
    """Every trainee's file under `<folder>/trainees/` (default: the data directory), read
    only. A file that cannot be read is logged and left out, untouched: one bad file never
    stops the report, and reading never repairs, renames or creates anything."""
    files = []
    base = (folder or data_dir()) / "trainees"
    for trainee_id in all_trainees(folder):
        try:
            reader = ProgressReader(base / f"{trainee_id}.sqlite")
        except ProgressError as exc:
            log.warning("trainer report: %s", exc)
            continue
        try:
            tries = [Try(trainee_id, *row) for row in reader.all_tries()]
            files.append(
                TraineeFile(
                    trainee_id,
                    reader.name,
                    reader.current(),
                    tries,
                    reader.submissions(),
                    reader.last_activity(),
                    reader.last_page(),
                )
            )
        except sqlite3.Error as exc:
            log.warning("trainer report: %s could not be read (%s)", reader.path.name, exc)
        finally:
            reader.close()
    return files


def _module_order(key: str) -> tuple[bool, int, str]:
    return (not key.isdigit(), int(key) if key.isdigit() else 0, key)


def _graded(banks: Mapping[str, ModuleBank]) -> list[tuple[str, ModuleBank]]:
    """Modules with knowledge checks, numbered modules first."""
    return sorted(
        ((k, b) for k, b in banks.items() if b.questions), key=lambda kb: _module_order(kb[0])
    )


def module_label(key: str, banks: Mapping[str, ModuleBank] | None = None) -> str:
    if key.isdigit():
        return f"Module {key}"
    bank = (banks or {}).get(key)
    return bank.title if bank else key


# -- scores per trainee -----------------------------------------------------------------------
@dataclass(frozen=True)
class TraineeScore:
    """One trainee's results, from the latest submission or else from the current attempt."""

    trainee_id: str
    name: str
    submitted: bool  # True: from the latest submission; False: the current attempt so far
    attempt: int
    submitted_at: str | None
    modules: dict[str, tuple[float, int]]  # module key -> (points, out of)
    points: float
    out_of: int
    answered: int
    reflections: int
    last_activity: str | None

    @property
    def source(self) -> str:
        """Which results these are, in words."""
        if self.submitted:
            return f"submission (attempt {self.attempt}, {when(self.submitted_at)})"
        return f"current attempt {self.attempt} (not submitted)"

    @property
    def percent(self) -> float:
        return 100 * self.points / self.out_of if self.out_of else 0.0

    @property
    def started(self) -> bool:
        return self.submitted or self.answered > 0


def _score(file: TraineeFile, banks: Mapping[str, ModuleBank]) -> TraineeScore:
    latest = file.submissions[-1] if file.submissions else None
    summary = latest.summary if latest else summarise(file.current, dict(banks))
    modules = {m.module: (m.points, m.out_of) for m in summary.modules}
    return TraineeScore(
        trainee_id=file.trainee_id,
        name=file.name or "(no name)",
        submitted=latest is not None,
        attempt=latest.attempt if latest else file.current.number,
        submitted_at=latest.at if latest else None,
        modules=modules,
        points=summary.points,
        out_of=summary.out_of,
        answered=sum(m.answered for m in summary.modules),
        reflections=len(summary.reflections),
        last_activity=file.last_activity,
    )


def scores_of(
    files: Sequence[TraineeFile], banks: Mapping[str, ModuleBank] | None = None
) -> list[TraineeScore]:
    banks = banks if banks is not None else load_bank()
    rows = [_score(f, banks) for f in files]
    return sorted(rows, key=lambda r: (r.name.casefold(), r.trainee_id))


def trainee_scores(
    folder: Path | None = None, banks: Mapping[str, ModuleBank] | None = None
) -> list[TraineeScore]:
    """Per trainee, by name: score per module and in total, reflections, last activity."""
    return scores_of(read_progress(folder), banks)


# -- difficulty per question ------------------------------------------------------------------
@dataclass(frozen=True)
class QuestionStat:
    """How trainees did on one question. Tries of every attempt count, in order."""

    question: str
    module: str
    section: str
    type: str
    prompt: str
    answered: int  # trainees who answered at least once
    right_first: int  # trainees whose first try was right
    right_last: int  # trainees whose latest try is right
    top_wrong: str | None  # the wrong option (or answer) given by most trainees
    top_wrong_count: int  # how many trainees gave it at least once

    @property
    def first_share(self) -> float | None:
        """Share right on the first try: the question's difficulty (lower is harder)."""
        return self.right_first / self.answered if self.answered else None

    @property
    def last_share(self) -> float | None:
        return self.right_last / self.answered if self.answered else None


def answer_text(question: Any, answer: Any) -> str:
    """A saved answer written out plainly, e.g. 'a, c' or 'identification, assessment'."""
    if isinstance(answer, bool):
        return str(answer)
    if isinstance(answer, dict):
        order = [p.id for p in getattr(question, "pairs", [])]
        keys = sorted(answer, key=lambda k: (order.index(k) if k in order else len(order), k))
        return ", ".join(f"{k} → {answer[k]}" for k in keys)
    if isinstance(answer, list | tuple):
        return ", ".join(str(a) for a in answer)
    return str(answer).strip()


def _wrong_choices(question: Any, answer: Any) -> list[str]:
    """What a wrong try counts against: the options ticked that are not right, or the answer."""
    if question.type == "single":
        return [str(answer).strip()]
    if question.type == "multiple" and isinstance(answer, list):
        return [str(a) for a in answer if a not in question.answer]
    return [answer_text(question, answer)]


def _top_wrong(question: Any, wrong: dict[str, set[str]]) -> tuple[str | None, int]:
    """The wrong option chosen by most trainees (ties: option order, then text)."""
    if not wrong:
        return None, 0
    options = [o.id for o in getattr(question, "options", [])]
    key, trainees = min(
        wrong.items(),
        key=lambda kv: (-len(kv[1]), options.index(kv[0]) if kv[0] in options else 99, kv[0]),
    )
    texts = {o.id: o.text for o in getattr(question, "options", [])}
    return (f"{key}. {texts[key]}" if key in texts else key), len(trainees)


def stats_of(
    files: Sequence[TraineeFile], banks: Mapping[str, ModuleBank] | None = None
) -> list[QuestionStat]:
    banks = banks if banks is not None else load_bank()
    by_question: dict[str, dict[str, list[Try]]] = {}
    for file in files:
        for t in file.tries:
            by_question.setdefault(t.question, {}).setdefault(t.trainee_id, []).append(t)
    stats = []
    for key, bank in _graded(banks):
        for q in bank.questions:
            per_trainee = by_question.get(q.id, {})
            wrong: dict[str, set[str]] = {}
            for trainee, tries in per_trainee.items():
                for t in tries:
                    if not t.correct:
                        for choice in _wrong_choices(q, t.answer):
                            wrong.setdefault(choice, set()).add(trainee)
            top, count = _top_wrong(q, wrong)
            stats.append(
                QuestionStat(
                    question=q.id,
                    module=key,
                    section=q.section,
                    type=q.type,
                    prompt=q.prompt,
                    answered=len(per_trainee),
                    right_first=sum(1 for ts in per_trainee.values() if ts[0].correct),
                    right_last=sum(1 for ts in per_trainee.values() if ts[-1].correct),
                    top_wrong=top,
                    top_wrong_count=count,
                )
            )
    return stats


def question_stats(
    folder: Path | None = None, banks: Mapping[str, ModuleBank] | None = None
) -> list[QuestionStat]:
    """Per question of the bank, in bank order: how many answered and how many got it right
    on the first and on the latest try, and the wrong option most trainees chose."""
    return stats_of(read_progress(folder), banks)


# -- CSV --------------------------------------------------------------------------------------
def _number(x: float | None, digits: int = 1) -> str:
    return "" if x is None else f"{round(x, digits):g}"


def _cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula is written with a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def score_rows(rows: Sequence[TraineeScore]) -> list[list[Any]]:
    """The scores table: a header, then one row per trainee."""
    keys = sorted({k for r in rows for k in r.modules}, key=_module_order)
    header = ["trainee", "trainee id", "results from", "attempt", "submitted at"]
    for k in keys:
        header += [f"module {k} points", f"module {k} out of"]
    header += ["points", "out of", "percent", "answered", "reflections", "last activity"]
    table: list[list[Any]] = [header]
    for r in rows:
        row: list[Any] = [
            r.name,
            r.trainee_id,
            "submission" if r.submitted else "current attempt",
            r.attempt,
            r.submitted_at or "",
        ]
        for k in keys:
            points, out_of = r.modules.get(k, (None, None))
            row += [_number(points, 2), "" if out_of is None else out_of]
        row += [
            _number(r.points, 2),
            r.out_of,
            _number(r.percent),
            r.answered,
            r.reflections,
            r.last_activity or "",
        ]
        table.append(row)
    return table


def question_rows(stats: Sequence[QuestionStat]) -> list[list[Any]]:
    """The difficulty table: a header, then one row per question."""
    header = [
        "question",
        "module",
        "section",
        "type",
        "answered",
        "right on first try",
        "right on first try (%)",
        "right on last try",
        "right on last try (%)",
        "most chosen wrong answer",
        "trainees who chose it",
        "prompt",
    ]
    table: list[list[Any]] = [header]
    for s in stats:
        pct = [None if x is None else 100 * x for x in (s.first_share, s.last_share)]
        table.append(
            [
                s.question,
                s.module,
                s.section,
                s.type,
                s.answered,
                s.right_first,
                _number(pct[0]),
                s.right_last,
                _number(pct[1]),
                s.top_wrong or "",
                s.top_wrong_count,
                s.prompt,
            ]
        )
    return table


def to_csv(rows: Sequence[TraineeScore] | Sequence[QuestionStat]) -> str:
    """Either table as CSV text (an empty list gives the scores header only)."""
    if rows and all(isinstance(r, QuestionStat) for r in rows):
        table = question_rows(rows)  # type: ignore[arg-type]
    else:
        table = score_rows(rows)  # type: ignore[arg-type]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([[_cell(v) for v in row] for row in table])
    return buffer.getvalue()


# -- xAPI -------------------------------------------------------------------------------------
def _base(homepage: str) -> str:
    parts = urlsplit(homepage)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(
            f"The home page for xAPI must be a web address such as https://cm101.example/, "
            f"not {homepage!r}."
        )
    return homepage if homepage.endswith("/") else homepage + "/"


def _timestamp(at: str) -> str:
    """ISO 8601 in UTC, to the microsecond as saved, e.g. 2024-05-01T10:03:07.123456Z."""
    moment = dt.datetime.fromisoformat(at)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _lang(text: str) -> dict[str, str]:
    return {"en-US": text}


def _statement_id(base: str, *parts: Any) -> str:
    """Stable ids: exporting twice gives the same statements, which an LRS will not duplicate."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, base + "/".join(str(p) for p in parts)))


def _course(base: str) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": f"{base}course",
        "definition": {
            "name": _lang(COURSE_NAME),
            "type": "http://adlnet.gov/expapi/activities/course",
        },
    }


def _module(base: str, key: str, bank: ModuleBank) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": f"{base}modules/{quote(key, safe='')}",
        "definition": {
            "name": _lang(f"{module_label(key, {key: bank})}: {bank.title}"),
            "type": "http://adlnet.gov/expapi/activities/module",
        },
    }


def _interaction_type(q: Any) -> str:
    if q.type == "computed":
        return "fill-in" if q.answer_kind == "date" else "numeric"
    return INTERACTION_TYPES.get(q.type, "other")


def _question_activity(base: str, question_id: str, q: Any | None) -> dict[str, Any]:
    """The question as an xAPI interaction activity (no correct responses: no answer key)."""
    activity: dict[str, Any] = {
        "objectType": "Activity",
        "id": f"{base}questions/{quote(question_id, safe='')}",
    }
    if q is None:  # a question since removed from the bank
        activity["definition"] = {"type": INTERACTION, "interactionType": "other"}
        return activity
    definition: dict[str, Any] = {
        "name": _lang(f"Question {q.id} (section {q.section})"),
        "description": _lang(q.prompt),
        "type": INTERACTION,
        "interactionType": _interaction_type(q),
    }
    if q.type in ("single", "multiple"):
        definition["choices"] = [{"id": o.id, "description": _lang(o.text)} for o in q.options]
    elif q.type == "ordering":
        items = {i.id: i.text for i in q.items}
        definition["choices"] = [{"id": k, "description": _lang(items[k])} for k in q.shuffled]
    elif q.type == "matching":
        definition["source"] = [{"id": p.id, "description": _lang(p.term)} for p in q.pairs]
        definition["target"] = [{"id": k, "description": _lang(t)} for k, t in q.definitions()]
    activity["definition"] = definition
    return activity


def _response(q: Any | None, answer: Any) -> str:
    """The answer in the xAPI response pattern of the interaction type."""
    if isinstance(answer, bool):
        return "true" if answer else "false"
    if isinstance(answer, dict):
        return "[,]".join(f"{k}[.]{v}" for k, v in answer.items())
    if isinstance(answer, list | tuple):
        if q is not None and q.type == "multiple":
            order = [o.id for o in q.options]
            answer = sorted(answer, key=lambda a: order.index(a) if a in order else len(order))
        return "[,]".join(str(a) for a in answer)
    return str(answer).strip()


def _score_object(points: float, out_of: int) -> dict[str, Any]:
    if out_of <= 0:
        return {"raw": points}
    return {"scaled": round(points / out_of, 4), "raw": points, "min": 0, "max": out_of}


def _actor(base: str, file: TraineeFile, include_names: bool) -> dict[str, Any]:
    actor: dict[str, Any] = {
        "objectType": "Agent",
        "account": {"homePage": base, "name": file.trainee_id},
    }
    if include_names and file.name:
        actor["name"] = file.name
    return actor


def statements_of(
    files: Sequence[TraineeFile],
    homepage: str = "https://cm101.example/",
    *,
    include_names: bool = False,
    banks: Mapping[str, ModuleBank] | None = None,
) -> list[dict[str, Any]]:
    base = _base(homepage)
    banks = banks if banks is not None else load_bank()
    where = {q.id: (key, bank, q) for key, bank in banks.items() for q in bank.questions}
    out: list[dict[str, Any]] = []
    for file in files:
        for t in file.tries:
            key, bank, q = where.get(t.question, (None, None, None))
            context: dict[str, Any] = {
                "registration": _statement_id(base, file.trainee_id, "attempt", t.attempt),
                "platform": "CM 101 Studio",
                "contextActivities": {"grouping": [_course(base)]},
            }
            if key is not None and bank is not None:
                context["contextActivities"]["parent"] = [_module(base, key, bank)]
            out.append(
                {
                    "id": _statement_id(base, file.trainee_id, "answer", t.row),
                    "actor": _actor(base, file, include_names),
                    "verb": {"id": VERB_ANSWERED, "display": _lang("answered")},
                    "object": _question_activity(base, t.question, q),
                    "result": {
                        "success": t.correct,
                        "score": _score_object(t.points, t.out_of),
                        "response": _response(q, t.answer),
                    },
                    "context": context,
                    "timestamp": _timestamp(t.at),
                }
            )
        for sub in file.submissions:
            out.append(
                {
                    "id": _statement_id(base, file.trainee_id, "submission", sub.attempt),
                    "actor": _actor(base, file, include_names),
                    "verb": {"id": VERB_COMPLETED, "display": _lang("completed")},
                    "object": _course(base),
                    "result": {
                        "completion": True,
                        "score": _score_object(sub.summary.points, sub.summary.out_of),
                    },
                    "context": {
                        "registration": _statement_id(
                            base, file.trainee_id, "attempt", sub.attempt
                        ),
                        "platform": "CM 101 Studio",
                    },
                    "timestamp": _timestamp(sub.at),
                }
            )
    return sorted(out, key=lambda s: s["timestamp"])


def xapi_statements(
    folder: Path | None = None,
    homepage: str = "https://cm101.example/",
    *,
    include_names: bool = False,
    banks: Mapping[str, ModuleBank] | None = None,
) -> list[dict[str, Any]]:
    """xAPI 1.0.3 statements, oldest first: 'answered' for every try (success and score) and
    'completed' for every submission (scaled score). Trainees are identified by an account on
    `homepage` named with their trainee id; their names only with `include_names=True`."""
    return statements_of(read_progress(folder), homepage, include_names=include_names, banks=banks)


# -- histogram --------------------------------------------------------------------------------
def score_bands(percents: Sequence[float]) -> list[tuple[str, int]]:
    """How many scores fall in each band of 10 points: 0–9%, ..., 90–100%."""
    counts = [0] * len(BANDS)
    for p in percents:
        p = min(max(float(p), 0.0), 100.0)
        counts[min(int(p // 10), len(BANDS) - 1)] += 1
    labels = [f"{lo}–{hi - 1}%" if hi < 100 else f"{lo}–100%" for lo, hi in BANDS]
    return list(zip(labels, counts, strict=True))


def histogram(percents: Sequence[float]) -> Figure:
    """Trainees per band of total score, as a bar chart (object API; no global state)."""
    from cmcourse.html.theme import BLUE, INK

    bands = score_bands(percents)
    fig = Figure(figsize=(8, 3.6), layout="constrained")
    ax = fig.add_subplot()
    bars = ax.bar(
        range(len(bands)), [c for _, c in bands], color=BLUE, edgecolor=INK, linewidth=0.8
    )
    ax.bar_label(bars, labels=[str(c) if c else "" for _, c in bands], color=INK, padding=2)
    ax.set_xticks(range(len(bands)), [label for label, _ in bands], color=INK, fontsize=10)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, max([c for _, c in bands] + [1]) * 1.15)
    ax.set_xlabel("Total score (share of all points)", color=INK)
    ax.set_ylabel("Trainees", color=INK)
    ax.set_title(f"Trainees' total scores ({len(percents)} trainees)", color=INK)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def histogram_alt(percents: Sequence[float]) -> str:
    """The short text alternative of the histogram."""
    if not percents:
        return "Bar chart of trainees' total scores: no trainee has answered yet."
    return (
        f"Bar chart of trainees' total scores: {len(percents)} trainee"
        f"{'s' * (len(percents) != 1)}, from {min(percents):.0f}% to {max(percents):.0f}%, "
        f"median {statistics.median(percents):.0f}%."
    )


def histogram_description(percents: Sequence[float]) -> str:
    """Every bar in words: the number of trainees in each band."""
    bands = ", ".join(f"{label}: {count}" for label, count in score_bands(percents))
    return f"Trainees per band of total score: {bands}."


# -- the passcode gate ------------------------------------------------------------------------
@dataclass(frozen=True)
class Gate:
    open: bool
    message: str


NO_CODE = (
    "The trainer report is locked because no trainer code was set when the course server "
    "was started. To open it, stop the server and start it again with a code of your choice "
    f"in the environment variable {CODE_VARIABLE}, for example: "
    f"{CODE_VARIABLE}=choose-a-long-code make serve"
)


def code_is_set(environ: Mapping[str, str] | None = None) -> bool:
    return bool((os.environ if environ is None else environ).get(CODE_VARIABLE, "").strip())


def unlock(entered: str, environ: Mapping[str, str] | None = None) -> Gate:
    """Open only for the code in $CM101_TRAINER_CODE (compared in constant time)."""
    code = (os.environ if environ is None else environ).get(CODE_VARIABLE, "").strip()
    if not code:
        return Gate(False, NO_CODE)
    typed = str(entered or "").strip()
    if not typed:
        return Gate(False, "Please type the trainer code.")
    if hmac.compare_digest(typed.encode(), code.encode()):
        return Gate(True, "Report opened.")
    return Gate(False, "That code is not right. Please check it and try again.")


# -- the page ---------------------------------------------------------------------------------


def when(at: str | None) -> str:
    """A stored time for people: '01/05/2024 14:03 UTC'."""
    if not at:
        return "never"
    return dt.datetime.fromisoformat(at).astimezone(dt.UTC).strftime("%d/%m/%Y %H:%M UTC")


def _share(part: int, whole: int) -> str:
    return "—" if not whole else f"{part} of {whole} ({round(100 * part / whole)}%)"


def _scores_html(rows: Sequence[TraineeScore], banks: Mapping[str, ModuleBank]) -> str:
    keys = sorted({k for r in rows for k in r.modules}, key=_module_order)
    head = "".join(f'<th scope="col">{escape(module_label(k, banks))}</th>' for k in keys)
    body = []
    for r in rows:
        cells = "".join(
            f'<td class="num">{r.modules[k][0]:g} / {r.modules[k][1]}</td>'
            if k in r.modules
            else '<td class="num">—</td>'
            for k in keys
        )
        body.append(
            f'<tr><th scope="row">{escape(r.name)}<br><span class="cm-small">'
            f"{escape(r.trainee_id)}</span></th><td>{escape(r.source)}</td>{cells}"
            f'<td class="num">{r.points:g} / {r.out_of} ({r.percent:.0f}%)</td>'
            f'<td class="num">{r.reflections}</td><td>{escape(when(r.last_activity))}</td></tr>'
        )
    return (
        '<div class="cm-scroll"><table><caption>Scores per trainee</caption><thead><tr>'
        '<th scope="col">Trainee</th><th scope="col">Results from</th>'
        f'{head}<th scope="col">Total</th><th scope="col">Reflections</th>'
        '<th scope="col">Last activity</th></tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _questions_html(stats: Sequence[QuestionStat], banks: Mapping[str, ModuleBank]) -> str:
    body = []
    for s in stats:
        prompt = s.prompt if len(s.prompt) <= 90 else s.prompt[:89] + "…"
        wrong = (
            f"{escape(s.top_wrong)} ({s.top_wrong_count} trainee{'s' * (s.top_wrong_count != 1)})"
            if s.top_wrong
            else "—"
        )
        body.append(
            f'<tr><th scope="row">{escape(s.question)}<br><span class="cm-small">'
            f"{escape(prompt)}</span></th><td>{escape(module_label(s.module, banks))}, "
            f'section {escape(s.section)}</td><td class="num">{s.answered}</td>'
            f'<td class="num">{_share(s.right_first, s.answered)}</td>'
            f'<td class="num">{_share(s.right_last, s.answered)}</td><td>{wrong}</td></tr>'
        )
    return (
        '<div class="cm-scroll"><table><caption>Question difficulty (tries of every attempt '
        "count; a low share right on the first try marks a hard question)</caption><thead><tr>"
        '<th scope="col">Question</th><th scope="col">Where</th>'
        '<th scope="col">Trainees who answered</th><th scope="col">Right on the first try</th>'
        '<th scope="col">Right on the last try</th>'
        '<th scope="col">Wrong answer chosen most</th></tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _histogram_html(percents: Sequence[float]) -> str:
    from cmcourse.html.picture import png

    data = base64.b64encode(png(histogram(percents), dpi=150)).decode()
    return (
        '<figure style="margin: 1em 0; max-width: 50em">'
        f'<img src="data:image/png;base64,{data}" alt="{escape(histogram_alt(percents))}" '
        'aria-describedby="cm-report-histogram" style="width: 100%; height: auto; '
        'border: 1px solid #ccc"><figcaption id="cm-report-histogram">'
        f"{escape(histogram_description(percents))}</figcaption></figure>"
    )


def report_html(folder: Path | None = None, banks: Mapping[str, ModuleBank] | None = None) -> str:
    """The whole report as HTML: tables, histogram, downloads (no widgets)."""
    banks = banks if banks is not None else load_bank()
    files = read_progress(folder)
    scores = scores_of(files, banks)
    stats = stats_of(files, banks)
    started = [r.percent for r in scores if r.started]
    statements = statements_of(files, banks=banks)
    stamp = dt.date.today().isoformat()
    downloads = " &nbsp;|&nbsp; ".join(
        [
            download_link(
                "Scores (CSV)", f"cm101-scores-{stamp}.csv", "text/csv", to_csv(scores).encode()
            ),
            download_link(
                "Question difficulty (CSV)",
                f"cm101-questions-{stamp}.csv",
                "text/csv",
                to_csv(stats).encode(),
            ),
            download_link(
                "xAPI statements (JSON, trainee ids only)",
                f"cm101-xapi-{stamp}.json",
                "application/json",
                json.dumps(statements, indent=2, ensure_ascii=False).encode(),
            ),
        ]
    )
    left_out = len(scores) - len(started)
    note = (
        f"{left_out} trainee{'s who have' if left_out != 1 else ' who has'} not answered "
        f"yet {'are' if left_out != 1 else 'is'} left out of the chart."
        if left_out
        else ""
    )
    return (
        '<div class="cm-report">'
        f"<p>{len(scores)} trainee{'s' * (len(scores) != 1)} with saved progress. Each row "
        "shows the latest submitted results, or, for a trainee who has not submitted, the "
        f"current attempt so far.</p><p><strong>Downloads:</strong> {downloads}</p>"
        f"<h2>Scores</h2>{_scores_html(scores, banks)}"
        "<h2>Spread of total scores</h2>"
        + (f"<p>{escape(note)}</p>" if note else "")
        + f"{_histogram_html(started)}"
        f"<h2>Questions</h2>{_questions_html(stats, banks)}</div>"
    )


@kindly
def report_page(folder: Path | None = None) -> None:
    """The trainer report for Voilà: a passcode box; the report once the code is right."""
    setup_logging()
    shown(STYLE)
    _gate_widgets(folder)


def _gate_widgets(folder: Path | None) -> None:
    def open_report(content: Any) -> str:
        content.value = report_html(folder)
        return (
            '<p role="status" aria-live="polite">Report opened, with the progress saved up to '
            "now. Reload the page to see newer work (you will need the code again).</p>"
        )

    trainer_gate(
        title="CM 101: trainer report",
        intro="This report shows every trainee's results. It is for trainers only: type the "
        "trainer code to open it.",
        button="Open the report",
        what="trainer report",
        no_code=NO_CODE,
        on_open=open_report,
    )


def trainer_gate(
    title: str, intro: str, button: str, what: str, no_code: str, on_open: Any
) -> None:
    """A page for trainers only: the trainer code opens it, then `on_open(content)` fills
    the content widget and returns the status to show. Without a code set, `no_code` says
    how to set one; a wrong code is logged and slowed down."""
    import time

    import ipywidgets as w
    from IPython.display import display

    from cmcourse.core.page import show
    from cmcourse.core.safety import safe

    show(f'<h1 class="cm-map">{escape(title)}</h1>')
    if not code_is_set():
        show(f'<div class="cm-notice" role="alert">{escape(no_code)}</div>')
        return
    code = w.Password(
        description="Trainer code:",
        style={"description_width": "initial"},
        layout=w.Layout(width="24em"),
    )
    open_button = w.Button(description=button, button_style="primary", tooltip=button)
    message = w.HTML()
    content = w.HTML(layout=w.Layout(width="100%"))

    def tell(html: str) -> None:
        message.value = html

    @safe(tell)
    def open_page(_: Any = None) -> None:
        gate = unlock(code.value)
        code.value = ""
        if not gate.open:
            log.warning("%s: a wrong or empty code was entered", what)
            time.sleep(1)  # slows down guessing
            message.value = f'<p class="cm-error" role="alert">{escape(gate.message)}</p>'
            return
        message.value = '<p role="status">Opening…</p>'
        status = on_open(content)
        box.layout.display = "none"
        message.value = status

    open_button.on_click(open_page)
    box = w.VBox([w.HTML(f"<p>{escape(intro)}</p>"), w.HBox([code, open_button])])
    display(w.VBox([box, message, content]))
