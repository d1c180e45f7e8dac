"""What a trainee reads is written for a trainee: no note meant for the course's authors (which
source a passage came from, what the authors chose or named) on a page, in a question's
feedback or under a figure. Such reasons belong in comments and in the bank's `source` field."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cmcourse.core.bank import load_bank
from cmcourse.lessons.figures import FIGURES

ROOT = Path(__file__).resolve().parents[2]
FOR_AUTHORS = re.compile(
    r"\b(the source\b|our source|the seed|seeds?\b|we named|we name|we read|we keep|we count"
    r"|we chose|we choose|we drew|we redrew|we use|by our choice|our choice|lost from"
    r"|the e-course (then )?asks|available to us|our own|were pictures"
    r"|worked as an exercise in the case studies part)",
    re.IGNORECASE,
)
NOT_SHOWN = {"id", "source", "compute", "arguments", "section", "type", "answer", "match_id"}


def _strings(value, skip=NOT_SHOWN):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in skip:
                yield from _strings(item, skip)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item, skip)


def trainee_texts():
    """(where, text) for every text a trainee can read."""
    for folder in ("course", "casestudies", "supervision"):
        for path in sorted((ROOT / folder).rglob("*.ipynb")):
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            for n, cell in enumerate(cells):
                if cell["cell_type"] == "markdown":  # an HTML comment is for authors: not shown
                    text = re.sub(r"<!--.*?-->", "", "".join(cell["source"]), flags=re.DOTALL)
                    yield f"{path.relative_to(ROOT)} cell {n}", text
    for bank in load_bank().values():
        for item in [*bank.questions, *bank.reflections]:
            for text in _strings(item.model_dump(mode="json")):
                yield f"bank {item.id}", text
    for name, figure in FIGURES.items():
        d = figure.description
        for text in (d.alt, d.caption, d.summary, d.note, *(g.heading for g in d.groups)):
            yield f"figure {name}", text
        for group in d.groups:
            for text in group.items:
                yield f"figure {name}", text


@pytest.mark.parametrize("where,text", list(trainee_texts()), ids=lambda x: str(x)[:60])
def test_no_note_for_authors_reaches_a_trainee(where, text):
    found = FOR_AUTHORS.search(text)
    assert not found, f"{where}: {text[max(0, found.start() - 80) : found.end() + 80]!r}"
