"""Progress and results computed from a trainee's saved attempt (no widgets)."""

from __future__ import annotations

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


def overall(attempt: Attempt, outline: Outline | None = None) -> float:
    outline = outline or load_outline()
    pages = outline.pages()
    return sum(page_progress(p, attempt) for p in pages) / len(pages)
