"""Progress and results computed from a trainee's saved attempt (no widgets)."""

from __future__ import annotations

from dataclasses import dataclass

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


FINISH = "results"  # the page that submits: not itself something left to do


@dataclass(frozen=True)
class Left:
    """What a trainee has still to do before the course is completed, in course order: each
    page with its knowledge checks not answered (0: the page was never opened)."""

    pages: list[tuple[Page, int]]

    @property
    def complete(self) -> bool:
        return not self.pages

    @property
    def checks(self) -> int:
        return sum(n for _, n in self.pages)

    @property
    def unvisited(self) -> list[Page]:
        return [p for p, n in self.pages if not n]

    @property
    def unanswered(self) -> list[tuple[Page, int]]:
        return [(p, n) for p, n in self.pages if n]


def left_to_do(
    attempt: Attempt, outline: Outline | None = None, banks: dict[str, ModuleBank] | None = None
) -> Left:
    """Completing the course: every page visited and every knowledge check answered (reflections
    are asked for, not required)."""
    outline = outline or load_outline()
    banks = banks if banks is not None else load_bank()
    questions = {q.id for bank in banks.values() for q in bank.questions}
    left = []
    for page in outline.pages():
        if page.id == FINISH:
            continue
        missing = [i for i in items_on(page, banks) if i in questions and i not in attempt.answers]
        if missing or page.id not in attempt.pages:
            left.append((page, len(missing)))
    return Left(left)


def next_unfinished(
    attempt: Attempt,
    last: str | None,
    outline: Outline | None = None,
    banks: dict[str, ModuleBank] | None = None,
) -> Page | None:
    """Where "Continue" leads: the page left (`last`) if it is not finished, else the next one
    that is not, else the first unfinished one from the start; None when all are finished."""
    outline = outline or load_outline()
    banks = banks if banks is not None else load_bank()
    pages = outline.pages()
    ids = [p.id for p in pages]
    start = ids.index(last) if last in ids else 0
    for page in pages[start:] + pages[:start]:
        if page_progress(page, attempt, banks) < 1:
            return page
    return None
