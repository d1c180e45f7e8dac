"""The report's exports: both tables as CSV, and xAPI 1.0.3 statements (answered,
completed) as plain dicts for a learning record store."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from cmcourse.core.bank import ModuleBank, load_bank
from cmcourse.trainer.roster import TraineeFile, read_progress
from cmcourse.trainer.scores import QuestionStat, TraineeScore, module_label, module_order

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


def _number(x: float | None, digits: int = 1) -> str:
    return "" if x is None else f"{round(x, digits):g}"


def _cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula is written with a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def score_rows(rows: Sequence[TraineeScore]) -> list[list[Any]]:
    """The scores table: a header, then one row per trainee."""
    keys = sorted({k for r in rows for k in r.modules}, key=module_order)
    header = ["trainee", "label", "results from", "attempt", "submitted at"]
    for k in keys:
        header += [f"module {k} points", f"module {k} out of"]
    header += ["points", "out of", "percent", "answered", "reflections", "last activity"]
    table: list[list[Any]] = [header]
    for r in rows:
        row: list[Any] = [
            r.name,
            r.label,
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
