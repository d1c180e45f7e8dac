"""The question bank as Moodle XML (`cm101 export moodle-xml`): every knowledge check and
reflection of `course/bank/`, read through `core.bank`, for a trainer to import into a Moodle
question bank in one step (Question bank → Import → Moodle XML format).

How each type of the bank becomes a Moodle question:

- single → multichoice, one answer: the right option 100 %, the others 0.
- multiple → multichoice, several answers: the options to tick share 100 % equally and the
  options not to tick share -100 % (each takes away 100 % / their number), so ticking every
  box scores 0; past 10 options, tenths and twentieths (Moodle has no grade of 1/11). Moodle
  gives part marks where the course counts only the exact set.
- true_false → truefalse; matching → matching (each pair's feedback in the general feedback:
  Moodle has no feedback per pair).
- ordering → Moodle's `ordering` type (qtype_ordering), all or nothing as in the course. It is
  in Moodle's core from Moodle 4.4; Moodle 3.11 to 4.3 import it once the Ordering plugin from
  the plugins directory is installed. Without either, `--ordering matching` writes each ordering
  question as a matching question instead: every item is matched with its position.
- computed → numerical (a number) or shortanswer (a date, accepting each way of writing it
  that the course reads), the value computed with cmsim at build time under the SOP the
  question names (the Guidelines', or the Nadia case study's), which the question states.
- reflection → essay, with the points to consider as general feedback (shown once the
  trainee has answered, as in the course) and as information for graders. Mark 0: reflections
  count for no points in the course.

The text is what the course shows: the bank's words are plain text, which the course escapes
into HTML (a reflection's points to consider are one paragraph, or a list of its lines), and
so does this module. The options keep the course's letters ("a. ...", answer numbering off),
since the feedback names options by their letters. The XML is built with xml.etree, which
escapes the HTML inside each <text> (Moodle reads it as it would a CDATA section).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from cmcourse.core import render
from cmcourse.core.bank import (
    ATTEMPT_WORDS,
    BANK_DIR,
    Computed,
    Matching,
    ModuleBank,
    MultipleChoice,
    Ordering,
    Reflection,
    SingleChoice,
    TrueFalse,
    load_bank,
)
from cmcourse.export.output import ExportProblem, write_file
from cmsim.dates import fmt

TOP = "$course$/top/CM 101"  # the course's own question bank, as Moodle 3.5+ names it
CHECK_TAG = "cm101-check"  # the e-course's 14 "Check your understanding" items
CHECKS = "Check your understanding"
EXERCISES = "Course exercises"
REFLECTIONS = "Reflections"

# Where the bank's sources are: the seed documents, named as the course names them to trainees.
DOCUMENTS = {
    "000": "Case Management Meeting Record",
    "001": "Supervision guidance",
    "002": "Case Management Observation Tool",
    "003": "Nadia case study",
    "004": "CM 101 e-course",
}

# The answer grades Moodle accepts (question_bank::fraction_options_full), as fractions of the
# mark; an answer whose grade is not one of them (or its negative) is refused at import.
MOODLE_FRACTIONS = (
    1.0, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3, 0.25,
    0.2, 0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05, 0.0,
)  # fmt: skip

ORDERING_AS = ("ordering", "matching")


# -- text as the course shows it --------------------------------------------------------------


def paragraph(text: str) -> str:
    """Bank text (plain) as the HTML the course shows: escaped, in a paragraph."""
    return f"<p>{escape(text)}</p>"


def source_text(source: str) -> str:
    """The bank's `source`, its seed numbers named: '004 §1.2' → 'CM 101 e-course §1.2'."""
    return re.sub(r"\b(?:[Ss]eed )?(00[0-4])\b", lambda m: DOCUMENTS[m[1]], source)


def typed_dates(day: dt.date) -> list[str]:
    """Every common way of writing `day` that the course reads (`answers.read_typed_day`):
    day first with two or one digit day and month, a four or two digit year, and the same
    separator twice (/ . -), then the ISO form yyyy-mm-dd (and with / or .)."""
    days = dict.fromkeys([f"{day.day:02d}", str(day.day)])
    months = dict.fromkeys([f"{day.month:02d}", str(day.month)])
    years = [f"{day.year:04d}", f"{day.year % 100:02d}"] if day.year >= 2000 else [str(day.year)]
    forms = [f"{d}{sep}{m}{sep}{y}" for sep in "/.-" for y in years for d in days for m in months]
    forms += [f"{day.year:04d}{sep}{m}{sep}{d}" for sep in "-/." for m in months for d in days]
    return list(dict.fromkeys(forms))


# -- the categories ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Category:
    """One question category: its path under the course's bank, and what it holds."""

    path: tuple[str, ...]  # e.g. ("Module 1: Principles & Practices", "Check your understanding")
    info: str

    @property
    def moodle_path(self) -> str:
        # A "/" inside a name is written "//" (Moodle splits the path on single slashes).
        return "/".join([TOP, *(part.replace("/", "//") for part in self.path)])


def bank_title(bank: ModuleBank) -> str:
    """A bank file's category: 'Module 1: Principles & Practices', 'Nadia case study'."""
    return f"Module {bank.module}: {bank.title}" if bank.module.isdigit() else bank.title


def is_check(question: Any) -> bool:
    """One of the questions the source course asks itself ('Check your understanding: ...'),
    as the bank words them; the others are this course's own exercises."""
    return bool(question.prompt.casefold().startswith(CHECKS.casefold()))


def is_module_check(bank: ModuleBank, question: Any) -> bool:
    """One of the e-course's 14 checks: a module's 'Check your understanding' item."""
    return bank.module.isdigit() and is_check(question)


def sorted_items(bank: ModuleBank) -> Iterator[tuple[Category, Any]]:
    """The bank file's items by category: its checks, its own exercises, its reflections."""
    title = bank_title(bank)
    groups: list[tuple[str, list[Any], str]] = [
        (CHECKS, [q for q in bank.questions if is_check(q)], "the source course's own checks"),
        (EXERCISES, [q for q in bank.questions if not is_check(q)], "this course's exercises"),
        (REFLECTIONS, list(bank.reflections), "reflections (essays) with points to consider"),
    ]
    for name, items, what in groups:
        category = Category((title, name), f"CM 101, {title}: {what}.")
        for item in items:
            yield category, item


# -- one question -----------------------------------------------------------------------------


def _text(parent: ET.Element, tag: str, html: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": "html", **attributes})
    ET.SubElement(element, "text").text = html
    return element


def _plain(parent: ET.Element, tag: str, value: object) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = str(value)
    return element


def shares(count: int) -> list[float]:
    """`count` grades Moodle accepts that add up to the whole mark, as equal as they can be:
    1/count up to 10 options; from 11 to 20 (Moodle has no 1/11), tenths and twentieths, the
    tenths first (11 options: nine of 10 % and two of 5 %)."""
    if count <= 10:
        return [1 / count] * count
    if count <= 20:
        return [0.1] * (20 - count) + [0.05] * (2 * count - 20)
    raise ExportProblem(
        f"{count} options cannot share a mark in Moodle's grades: 20 at most to tick "
        "(or not to tick) in a multiple choice question"
    )


def fraction(share: float) -> str:
    """A grade as Moodle XML writes it (percent), checked against the grades Moodle accepts."""
    allowed = [f for f in MOODLE_FRACTIONS if abs(abs(share) - f) < 1e-6]
    if not allowed:
        raise ExportProblem(f"a grade of {share * 100:.2f} % cannot be given in Moodle")
    percent = round(allowed[0] * 100, 5) * (-1 if share < 0 else 1)
    return f"{percent:.5f}".rstrip("0").rstrip(".") if percent else "0"


def _answer(
    parent: ET.Element, share: float, text: str, feedback: str, fmt_: str = "html"
) -> ET.Element:
    answer = ET.SubElement(parent, "answer", {"fraction": fraction(share), "format": fmt_})
    ET.SubElement(answer, "text").text = text
    _text(answer, "feedback", feedback)
    return answer


def _head(
    quiz: ET.Element,
    qtype: str,
    item: Any,
    question_html: str,
    general_html: str,
    mark: int,
    tags: Iterable[str] = (),
) -> ET.Element:
    question = ET.SubElement(quiz, "question", {"type": qtype})
    name = ET.SubElement(question, "name")
    ET.SubElement(name, "text").text = item.id
    _text(question, "questiontext", question_html)
    _text(question, "generalfeedback", general_html)
    _plain(question, "defaultgrade", mark)
    _plain(question, "penalty", 0)  # as in the course: try again freely, the last try counts
    _plain(question, "hidden", 0)
    _plain(question, "idnumber", item.id)
    if tags:
        holder = ET.SubElement(question, "tags")
        for tag in tags:
            ET.SubElement(ET.SubElement(holder, "tag"), "text").text = tag
    return question


def _combined(question: ET.Element, right: str, partly: str, wrong: str) -> None:
    _text(question, "correctfeedback", right)
    _text(question, "partiallycorrectfeedback", partly)
    _text(question, "incorrectfeedback", wrong)
    ET.SubElement(question, "shownumcorrect")


def _sources(item: Any) -> str:
    return paragraph(f"Source: {source_text(item.source)}") if item.source else ""


RIGHT = paragraph("Correct.")  # the course's verdicts (core.render.feedback_html)
WRONG = paragraph("Not quite.")


def _choice(quiz: ET.Element, q: SingleChoice | MultipleChoice, tags: list[str]) -> None:
    question = _head(quiz, "multichoice", q, paragraph(q.prompt), _sources(q), q.points, tags)
    single = isinstance(q, SingleChoice)
    _plain(question, "single", "true" if single else "false")
    _plain(question, "shuffleanswers", "false")  # the course's order: feedback names letters
    _plain(question, "answernumbering", "none")  # the letters are in the options' text
    _plain(question, "showstandardinstruction", 1)
    _combined(question, RIGHT, paragraph("Partly right: not every box is as it should be."), WRONG)
    right = {q.answer} if isinstance(q, SingleChoice) else set(q.answer)
    if not single and len(right) == len(q.options):
        raise ExportProblem(
            f"question {q.id}: every option is one to tick, so ticking every box would score "
            "full marks; make at least one option wrong in the bank"
        )
    to_tick = shares(len(right))
    not_to_tick = [] if single else [-s for s in shares(len(q.options) - len(right))]
    for option in q.options:
        wrong = not_to_tick.pop(0) if not_to_tick and option.id not in right else 0.0
        share = to_tick.pop(0) if option.id in right else wrong
        text = paragraph(f"{option.id}. {option.text}")
        _answer(question, share, text, paragraph(option.feedback))


def _true_false(quiz: ET.Element, q: TrueFalse, tags: list[str]) -> None:
    question = _head(quiz, "truefalse", q, paragraph(q.prompt), _sources(q), q.points, tags)
    for value, feedback in ((True, q.feedback_true), (False, q.feedback_false)):
        share = 1.0 if value == q.answer else 0.0
        # Moodle reads the answer's text 'true' or 'false' to know which is which.
        _answer(question, share, str(value).lower(), paragraph(feedback), "moodle_auto_format")


def _matching(quiz: ET.Element, q: Matching, tags: list[str]) -> None:
    pairs = "".join(
        f"<li><strong>{escape(p.term)}</strong>: {escape(p.feedback)}</li>" for p in q.pairs
    )
    general = f"<ul>{pairs}</ul>{_sources(q)}"
    question = _head(quiz, "matching", q, paragraph(q.prompt), general, q.points, tags)
    _plain(question, "shuffleanswers", "true")
    _combined(question, RIGHT, paragraph("Partly right: some terms are not yet matched."), WRONG)
    for pair in q.pairs:
        sub = _text(question, "subquestion", paragraph(pair.term))
        # A definition is shown in a drop-down menu: plain text.
        ET.SubElement(ET.SubElement(sub, "answer"), "text").text = pair.match


def _ordering(quiz: ET.Element, q: Ordering, tags: list[str], ordering_as: str) -> None:
    if ordering_as == "matching":
        prompt = paragraph(q.prompt) + paragraph("Give each item its position in the order.")
        question = _head(quiz, "matching", q, prompt, _sources(q), q.points, tags)
        _plain(question, "shuffleanswers", "false")  # positions listed 1, 2, 3...
        partly = paragraph(q.feedback_wrong)
        _combined(question, paragraph(q.feedback_right), partly, paragraph(q.feedback_wrong))
        for position, item in enumerate(q.items, 1):
            sub = _text(question, "subquestion", paragraph(item.text))
            ET.SubElement(ET.SubElement(sub, "answer"), "text").text = f"Position {position}"
        return
    question = _head(quiz, "ordering", q, paragraph(q.prompt), _sources(q), q.points, tags)
    _plain(question, "layouttype", "VERTICAL")
    _plain(question, "selecttype", "ALL")
    _plain(question, "selectcount", 0)  # every item
    _plain(question, "gradingtype", "ALL_OR_NOTHING")  # as the course scores it
    _plain(question, "showgrading", "SHOW")
    _plain(question, "numberingstyle", "none")
    _combined(
        question,
        paragraph(q.feedback_right),
        paragraph(q.feedback_wrong),
        paragraph(q.feedback_wrong),
    )
    for position, item in enumerate(q.items, 1):  # the answers in the right order
        answer = ET.SubElement(
            question, "answer", {"fraction": f"{position}.0000000", "format": "html"}
        )
        ET.SubElement(answer, "text").text = paragraph(item.text)


def _computed(quiz: ET.Element, q: Computed, tags: list[str]) -> None:
    value = q.expected()
    shown = fmt(value) if q.answer_kind == "date" else str(value)
    explanation = q.explanation.format(answer=shown)
    sop = q.answer_sop.name
    how = "Write the date as dd/mm/yyyy." if q.answer_kind == "date" else "Write a number."
    prompt = paragraph(q.prompt) + paragraph(f"The answer follows the SOP of: {sop}. {how}")
    general = paragraph(f"The answer is {shown}. {explanation}") + _sources(q)
    qtype = "shortanswer" if q.answer_kind == "date" else "numerical"
    question = _head(quiz, qtype, q, prompt, general, q.points, tags)
    right = paragraph(f"Right. {explanation}")
    # A wrong answer gets the course's hint, not the value (the general feedback gives it
    # once the question is finished).
    hint = paragraph(f"Not quite. {q.hint()}")
    if q.answer_kind == "date":
        _plain(question, "usecase", 0)
        for form in typed_dates(value):
            _answer(question, 1.0, form, right, "moodle_auto_format")
    else:
        answer = _answer(question, 1.0, shown, right, "moodle_auto_format")
        _plain(answer, "tolerance", 0)
    wrong = _answer(question, 0.0, "*", hint, "moodle_auto_format")  # any other answer
    if q.answer_kind == "number":
        _plain(wrong, "tolerance", 0)
        _plain(question, "unitgradingtype", 0)
        _plain(question, "unitpenalty", "0.1000000")
        _plain(question, "showunits", 3)  # no units
        _plain(question, "unitsleft", 0)


def _essay(quiz: ET.Element, r: Reflection) -> None:
    points = render.guidance_html(r)  # the course's own panel ('' without points to consider)
    prompt = paragraph(f"Reflection: {r.prompt}")
    question = _head(quiz, "essay", r, prompt, points, 0)
    _plain(question, "responseformat", "editor")
    _plain(question, "responserequired", 1)
    _plain(question, "responsefieldlines", 8)
    _plain(question, "minwordlimit", ATTEMPT_WORDS)  # the course's "a sentence or more"
    _plain(question, "maxwordlimit", "")
    _plain(question, "attachments", 0)
    _plain(question, "attachmentsrequired", 0)
    _plain(question, "maxbytes", 0)
    _plain(question, "filetypeslist", "")
    _text(question, "graderinfo", points)
    _text(question, "responsetemplate", "")


def _category(quiz: ET.Element, category: Category) -> None:
    question = ET.SubElement(quiz, "question", {"type": "category"})
    ET.SubElement(ET.SubElement(question, "category"), "text").text = category.moodle_path
    _text(question, "info", paragraph(category.info))


# -- the whole bank ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    """The bank as Moodle XML, with what it holds (for the command's report)."""

    xml: bytes
    questions: int
    reflections: int
    categories: int
    checks: int


def moodle_xml(banks: dict[str, ModuleBank] | None = None, ordering_as: str = "ordering") -> Export:
    """Every bank file's questions and reflections as one Moodle XML document."""
    if ordering_as not in ORDERING_AS:
        raise ExportProblem(f"ordering questions can be written as {' or '.join(ORDERING_AS)}")
    banks = load_bank(BANK_DIR) if banks is None else banks
    quiz = ET.Element("quiz")
    counts = {"questions": 0, "reflections": 0, "categories": 0, "checks": 0}
    # The modules first, in order, then the case studies' and the other parts' files.
    for bank in sorted(banks.values(), key=lambda b: int(b.module) if b.module.isdigit() else 99):
        current: Category | None = None
        for category, item in sorted_items(bank):
            if category != current:
                _category(quiz, category)
                counts["categories"] += 1
                current = category
            if isinstance(item, Reflection):
                _essay(quiz, item)
                counts["reflections"] += 1
                continue
            tags = [CHECK_TAG] if is_module_check(bank, item) else []
            counts["checks"] += bool(tags)
            counts["questions"] += 1
            if isinstance(item, SingleChoice | MultipleChoice):
                _choice(quiz, item, tags)
            elif isinstance(item, TrueFalse):
                _true_false(quiz, item, tags)
            elif isinstance(item, Matching):
                _matching(quiz, item, tags)
            elif isinstance(item, Ordering):
                _ordering(quiz, item, tags, ordering_as)
            elif isinstance(item, Computed):
                _computed(quiz, item, tags)
            else:  # a new type of the bank needs its Moodle form here
                raise ExportProblem(f"question '{item.id}': no Moodle form for its type")
    ET.indent(quiz)
    xml = ET.tostring(quiz, encoding="utf-8", xml_declaration=True) + b"\n"
    return Export(xml=xml, **counts)


# -- the command ------------------------------------------------------------------------------

DEFAULT_OUT = Path("cm101-question-bank.xml")


def run(args: argparse.Namespace) -> int:
    export = moodle_xml(ordering_as=args.ordering)
    path = write_file(Path(args.out), export.xml)
    print(
        f"Wrote {path}: {export.questions} questions and {export.reflections} reflections in "
        f"{export.categories} categories under 'CM 101' ({len(export.xml) // 1024} KB)."
    )
    print(
        "In Moodle: Question bank > Import > Moodle XML format > this file. The e-course's "
        f"{export.checks} checks are tagged {CHECK_TAG}, in each module's '{CHECKS}'."
    )
    if args.ordering == "ordering":
        print(
            "Ordering questions need Moodle 4.4 or later (or the Ordering plugin); for an older "
            "Moodle, write them as matching questions: --ordering matching."
        )
    return 0


def add_command(formats: Any) -> None:
    command = formats.add_parser(
        "moodle-xml",
        help="the question bank as Moodle XML, to import into a Moodle question bank",
        description="Write every knowledge check and reflection of the question bank as "
        "Moodle XML, in categories per module and per case study.",
    )
    command.add_argument(
        "--out",
        default=str(DEFAULT_OUT),
        metavar="FILE",
        help=f"the file to write (default: {DEFAULT_OUT} in the current folder)",
    )
    command.add_argument(
        "--ordering",
        choices=ORDERING_AS,
        default="ordering",
        help="write ordering questions as Moodle's ordering type (Moodle 4.4+, or the "
        "Ordering plugin) or as matching questions of positions (any Moodle)",
    )
    command.set_defaults(run=run)
