"""Progress and results computed from a trainee's saved attempt (no widgets)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cmcourse.core.bank import ModuleBank, load_bank
from cmcourse.core.outline import Outline, Page, load_outline
from cmcourse.core.store import Attempt


def items_on(page: Page, banks: dict[str, ModuleBank]) -> list[str]:
    if not page.section:
        return []
    return [
        item.id
        for bank in banks.values()
        for item in [*bank.questions, *bank.reflections]
        if item.section == page.section
    ]


def page_progress(
    page: Page, attempt: Attempt, banks: dict[str, ModuleBank] | None = None
) -> float:
    """0 to 1: share of the page's questions and reflections done (visit counts if none)."""
    items = items_on(page, banks if banks is not None else load_bank())
    if not items:
        return 1.0 if page.id in attempt.pages else 0.0
    done = sum(1 for i in items if i in attempt.answers or i in attempt.reflections)
    return done / len(items)


def part_progress(outline: Outline, key: str, attempt: Attempt) -> float:
    part = next(p for p in outline.parts if p.key == key)
    return sum(page_progress(p, attempt) for p in part.pages) / len(part.pages)


@dataclass(frozen=True)
class ModuleScore:
    module: str
    title: str
    points: float
    out_of: int
    answered: int
    questions: int


def results(attempt: Attempt, banks: dict[str, ModuleBank] | None = None) -> dict[str, Any]:
    """Score per module (last answer to each question counts) and the reflections written."""
    banks = banks if banks is not None else load_bank()
    scores = []
    reflections = []
    for key, bank in sorted(banks.items(), key=lambda kv: (not kv[0].isdigit(), kv[0])):
        reflections += [
            {
                "id": r.id,
                "section": r.section,
                "prompt": r.prompt,
                "text": attempt.reflections[r.id],
            }
            for r in bank.reflections
            if r.id in attempt.reflections
        ]
        if not bank.questions:
            continue  # a case study's discussion questions: reflections only
        points = sum(
            attempt.answers[q.id]["points"] for q in bank.questions if q.id in attempt.answers
        )
        scores.append(
            ModuleScore(
                module=key,
                title=bank.title,
                points=points,
                out_of=sum(q.points for q in bank.questions),
                answered=sum(1 for q in bank.questions if q.id in attempt.answers),
                questions=len(bank.questions),
            ).__dict__
        )
    total = sum(s["points"] for s in scores)
    out_of = sum(s["out_of"] for s in scores)
    return {
        "modules": scores,
        "points": total,
        "out_of": out_of,
        "reflections": reflections,
        "answers": {k: v["answer"] for k, v in attempt.answers.items()},
    }


def module_label(score: dict[str, Any]) -> str:
    """ "Module 2: Implementing ..." for the CM 101 modules; the title alone for the rest
    (the case studies, supervision, monitoring)."""
    key, title = str(score["module"]), str(score["title"])
    return f"Module {key}: {title}" if key.isdigit() else title


def overall(attempt: Attempt, outline: Outline | None = None) -> float:
    outline = outline or load_outline()
    pages = outline.pages()
    return sum(page_progress(p, attempt) for p in pages) / len(pages)
