"""No computed question's answer is written where a trainee reads it before answering: not in
another question's prompt or options, not on its own page or any page before it (3.3's prompt
gave 3.2's answer, 3.5's gave 3.3's; 3.6 and Nadia's step 6 stated the retention date). Nor
does a prompt tell the answer of a choice on the same page (Nadia's steps 1 and 5 asked for the
risk level, and the next question began "registered ... as a high-risk case")."""

from __future__ import annotations

import json
import re

import pytest

from cmcourse.core.bank import SingleChoice, load_bank
from cmcourse.core.outline import load_outline
from cmcourse.core.paths import ROOT
from cmcourse.core.progress import items_on

BANKS = load_bank()
QUESTIONS = [q for b in BANKS.values() for q in b.questions]
COMPUTED = [q for q in QUESTIONS if q.type == "computed"]
PAGES = load_outline().pages()


def searchable(question) -> bool:
    """An answer that can be looked for in text: a date not among the question's own givens
    (a high-risk assessment is due the day of registration, which the prompt states)."""
    answer = str(question.right_answer())
    return len(answer) == 10 and answer not in question.prompt


def test_only_two_answers_cannot_be_looked_for_in_text():
    assert sorted(q.id for q in COMPUTED if not searchable(q)) == [
        "nadia-1-assessment-due",  # 'immediately': the registration day, given in the prompt
        "s-caseworkers-needed",  # a number (6), found in any text
    ]


def markdown(path: str) -> str:
    cells = json.loads((ROOT / path).read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def shown_with(question) -> str:
    """What a question shows a trainee: its prompt and its options' texts."""
    texts = [getattr(o, "text", "") for o in getattr(question, "options", [])]
    return " ".join([question.prompt, *texts])


@pytest.mark.parametrize("question", [q for q in COMPUTED if searchable(q)], ids=lambda q: q.id)
def test_a_computed_answer_is_not_given_away(question):
    answer = str(question.right_answer())
    for other in QUESTIONS:
        if other.id != question.id:
            assert answer not in shown_with(other), other.id
    page = next(p for p in PAGES if question.id in items_on(p, BANKS))
    for before in PAGES[: PAGES.index(page) + 1]:
        assert answer not in markdown(before.path), before.id


# Words that tell no option from another.
COMMON = {
    "the",
    "a",
    "an",
    "of",
    "to",
    "and",
    "or",
    "is",
    "it",
    "in",
    "on",
    "for",
    "by",
    "her",
    "his",
    "their",
    "no",
    "not",
    "be",
    "as",
    "with",
    "at",
    "only",
    "all",
    "case",
    "nadia's",
}


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z']+", text.lower())) - COMMON


def telling(question: SingleChoice) -> set[str]:
    """The words of the right option that no wrong option has ("medium" in "It is lowered to
    medium"): a prompt holding them all tells the answer."""
    right = next(o for o in question.options if o.id == question.answer)
    wrong = set().union(*(words(o.text) for o in question.options if o.id != question.answer))
    return words(right.text) - wrong


SHORT = [q for q in QUESTIONS if isinstance(q, SingleChoice) and 0 < len(telling(q)) <= 2]


def test_many_choices_have_a_telling_word_to_look_for():
    assert len(SHORT) >= 10
    assert {"nadia-1-risk", "nadia-5-risk"} <= {q.id for q in SHORT}


@pytest.mark.parametrize("question", SHORT, ids=lambda q: q.id)
def test_no_prompt_on_the_page_tells_a_choices_answer(question):
    for other in QUESTIONS:
        if other.id != question.id and other.section == question.section:
            assert not telling(question) <= words(other.prompt), other.id
