"""The question bank as Moodle XML (`cm101 export moodle-xml`): read back with xml.etree, every
bank item holds its options, key and feedback, compared with the loaded bank, not a copy.

No XML schema of Moodle's question format exists, and the one Python reader of it on PyPI
(moodle-xml-parser 0.3.1, alpha) reads only multiple choice and cloze questions with xml.etree
itself: these tests read the elements Moodle's own import (question/format/xml) reads.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from cmcourse.core.answers import read_typed_day
from cmcourse.core.bank import (
    Computed,
    Matching,
    MultipleChoice,
    Ordering,
    Reflection,
    SingleChoice,
    TrueFalse,
    check,
    load_bank,
)
from cmcourse.core.computed import FUNCTIONS
from cmcourse.core.paths import ROOT
from cmcourse.export.moodle import moodle_xml
from cmcourse.export.output import ExportProblem
from cmsim.dates import fmt
from cmsim.sop import DEFAULT_SOP, shipped_sop

BANKS = load_bank()
ITEMS = {i.id: (b, i) for b in BANKS.values() for i in [*b.questions, *b.reflections]}
MANIFEST = yaml.safe_load((ROOT / "course" / "manifest.yaml").read_text(encoding="utf-8"))

# The grades Moodle accepts for an answer (question_bank::fraction_options_full), in percent.
MOODLE_GRADES = [
    100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667,
    14.28571, 12.5, 11.11111, 10, 5, 0,
]  # fmt: skip


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain(html: str | None) -> str:
    """What a reader sees of an HTML fragment: its text, entities read."""
    reader = _Text()
    reader.feed(html or "")
    reader.close()
    return "".join(reader.parts)


def text(element: ET.Element | None, tag: str) -> str:
    """The HTML (or plain) text of a child <tag><text>, '' if there is none."""
    found = element.find(f"{tag}/text") if element is not None else None
    return (found.text or "") if found is not None else ""


def read_back(xml: bytes) -> dict[str, tuple[str, ET.Element]]:
    """Each question by its idnumber, with the category it was imported into."""
    root = ET.fromstring(xml)
    assert root.tag == "quiz"
    found: dict[str, tuple[str, ET.Element]] = {}
    category = ""
    for question in root.findall("question"):
        if question.get("type") == "category":
            category = text(question, "category")
            continue
        idnumber = question.findtext("idnumber") or ""
        assert idnumber not in found, f"{idnumber} written twice"
        found[idnumber] = (category, question)
    return found


@pytest.fixture(scope="module")
def exported() -> bytes:
    return moodle_xml().xml


@pytest.fixture(scope="module")
def questions(exported: bytes) -> dict[str, tuple[str, ET.Element]]:
    return read_back(exported)


def answers(question: ET.Element) -> list[tuple[float, str, str]]:
    """(grade in percent, answer text, feedback HTML) for each <answer>."""
    return [
        (float(a.get("fraction", "nan")), text_of(a), text(a, "feedback"))
        for a in question.findall("answer")
    ]


def text_of(element: ET.Element) -> str:
    return element.findtext("text") or ""


def of_type(kind: type) -> list[Any]:
    return [i for _, i in ITEMS.values() if isinstance(i, kind)]


def test_the_file_is_utf8_xml_declared_so_with_a_quiz_root(exported: bytes):
    assert exported.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    exported.decode("utf-8")
    assert ET.fromstring(exported).tag == "quiz"


def test_every_bank_item_is_one_question_named_and_numbered_by_its_id(questions):
    assert set(questions) == set(ITEMS)
    for item_id, (_, question) in questions.items():
        assert text(question, "name") == item_id
        points = getattr(ITEMS[item_id][1], "points", 0)  # a reflection counts for nothing
        assert float(question.findtext("defaultgrade") or "nan") == points
        assert question.findtext("penalty") == "0", "the course lets a trainee try again freely"


def test_each_module_and_bank_file_has_its_categories_and_the_14_checks_theirs(questions):
    checks = [c["words"] for c in MANIFEST["checks"]]
    assert len(checks) == 14

    def is_one_of_the_14(item: Any) -> bool:
        words = re.sub(r"\s+", " ", item.prompt.replace("’", "'")).casefold()
        return any(w in words for w in checks)

    tagged = set()
    for item_id, (category, question) in questions.items():
        bank, item = ITEMS[item_id]
        title = f"Module {bank.module}: {bank.title}" if bank.module.isdigit() else bank.title
        parts = category.split("/")
        assert parts[:3] == ["$course$", "top", "CM 101"] and parts[3] == title, category
        if isinstance(item, Reflection):
            assert parts[4:] == ["Reflections"]
        elif bank.module.isdigit() and is_one_of_the_14(item):  # a module's own check
            assert parts[4:] == ["Check your understanding"], item_id
        elif bank.module.isdigit():
            assert parts[4:] == ["Course exercises"], item_id
        if "cm101-check" in [t.text for t in question.findall("tags/tag/text")]:
            tagged.add(item_id)
    the_14 = {
        i.id
        for b, i in ITEMS.values()
        if b.module.isdigit() and not isinstance(i, Reflection) and is_one_of_the_14(i)
    }
    assert tagged == the_14
    assert len(tagged) == 14


def test_every_question_text_is_the_prompt_and_its_source_in_the_general_feedback(questions):
    for item_id, (_, question) in questions.items():
        item = ITEMS[item_id][1]
        assert question.find("questiontext").get("format") == "html"
        assert item.prompt in plain(text(question, "questiontext"))
        general = plain(text(question, "generalfeedback"))
        if getattr(item, "source", ""):
            source = general.split("Source: ", 1)[1]
            assert not re.search(r"\b00[0-4]\b|[Ss]eed", source), "seed numbers named"
            # The words of the source, the seed numbers named as documents.
            words = [w for w in re.split(r"\b(?:[Ss]eed )?00[0-4]\b", item.source) if w.strip()]
            assert all(w in source for w in words)


def test_single_choice_questions_hold_every_option_its_feedback_and_the_key(questions):
    for q in of_type(SingleChoice):
        question = questions[q.id][1]
        assert question.get("type") == "multichoice"
        assert question.findtext("single") == "true"
        assert question.findtext("shuffleanswers") == "false"
        got = answers(question)
        assert [plain(t) for _, t, _ in got] == [f"{o.id}. {o.text}" for o in q.options]
        assert [plain(f) for _, _, f in got] == [o.feedback for o in q.options]
        assert [g for g, _, _ in got] == [100.0 if o.id == q.answer else 0.0 for o in q.options]


def test_multiple_choice_grades_add_up_and_ticking_everything_scores_nothing(questions):
    for q in of_type(MultipleChoice):
        question = questions[q.id][1]
        assert question.findtext("single") == "false"
        got = answers(question)
        assert [plain(t) for _, t, _ in got] == [f"{o.id}. {o.text}" for o in q.options]
        assert [plain(f) for _, _, f in got] == [o.feedback for o in q.options]
        grades = {o.id: g for o, (g, _, _) in zip(q.options, got, strict=True)}
        right = [grades[o] for o in q.answer]
        wrong = [g for o, g in grades.items() if o not in q.answer]
        assert all(g > 0 for g in right) and all(g < 0 for g in wrong), q.id
        # Moodle rounds the sum of the positive grades to 2 places and wants 100 %.
        assert round(sum(right), 2) == 100, q.id
        assert round(sum(wrong), 2) == -100, q.id
        for grade in grades.values():
            assert any(abs(abs(grade) - m) < 1e-3 for m in MOODLE_GRADES), (q.id, grade)


def test_true_false_questions_hold_the_key_and_both_feedbacks(questions):
    for q in of_type(TrueFalse):
        question = questions[q.id][1]
        assert question.get("type") == "truefalse"
        got = {t: (g, plain(f)) for g, t, f in answers(question)}
        assert got == {
            "true": (100.0 if q.answer else 0.0, q.feedback_true),
            "false": (0.0 if q.answer else 100.0, q.feedback_false),
        }


def test_matching_questions_pair_each_term_with_its_definition_and_say_each_feedback(questions):
    for q in of_type(Matching):
        question = questions[q.id][1]
        assert question.get("type") == "matching"
        pairs = {
            plain(text_of(sub)): sub.findtext("answer/text")
            for sub in question.findall("subquestion")
        }
        assert pairs == {p.term: p.match for p in q.pairs}
        general = plain(text(question, "generalfeedback"))
        for pair in q.pairs:
            assert f"{pair.term}: {pair.feedback}" in general


@pytest.mark.parametrize("ordering_as", ["ordering", "matching"])
def test_ordering_questions_hold_the_right_order_and_their_feedback(ordering_as: str):
    questions = read_back(moodle_xml(ordering_as=ordering_as).xml)
    for q in of_type(Ordering):
        question = questions[q.id][1]
        assert plain(text(question, "correctfeedback")) == q.feedback_right
        assert plain(text(question, "incorrectfeedback")) == q.feedback_wrong
        if ordering_as == "ordering":
            assert question.get("type") == "ordering"
            assert question.findtext("gradingtype") == "ALL_OR_NOTHING"
            assert question.findtext("selecttype") == "ALL"
            assert [plain(t) for _, t, _ in answers(question)] == [i.text for i in q.items]
        else:
            assert question.get("type") == "matching"
            pairs = [
                (plain(text_of(s)), s.findtext("answer/text"))
                for s in question.findall("subquestion")
            ]
            assert pairs == [(i.text, f"Position {n}") for n, i in enumerate(q.items, 1)]


def test_computed_questions_hold_the_value_cmsim_computes_under_the_sop_they_name(questions):
    assert of_type(Computed)
    for q in of_type(Computed):
        question = questions[q.id][1]
        sop = shipped_sop(q.sop) if q.sop else DEFAULT_SOP
        expected = FUNCTIONS[q.compute](**q.arguments, sop=sop)
        shown = fmt(expected) if q.answer_kind == "date" else str(expected)
        assert f"The answer follows the SOP of: {sop.name}." in plain(
            text(question, "questiontext")
        )
        general = plain(text(question, "generalfeedback"))
        assert f"The answer is {shown}. {q.explanation.format(answer=shown)}" in general
        got = answers(question)
        right = [(t, plain(f)) for g, t, f in got if g == 100]
        others = [(t, g, plain(f)) for g, t, f in got if g != 100]
        assert all(f == f"Right. {q.explanation.format(answer=shown)}" for _, f in right)
        assert [(t, g) for t, g, _ in others] == [("*", 0.0)], "any other answer: 0"
        assert shown not in others[0][2], "a wrong answer's feedback gives a hint, not the value"
        if q.answer_kind == "number":
            assert question.get("type") == "numerical"
            assert [
                (float(t), a.findtext("tolerance"))
                for t, a in zip([t for t, _ in right], question.findall("answer"), strict=False)
            ] == [(float(expected), "0")]
        else:
            assert question.get("type") == "shortanswer"
            typed = [t for t, _ in right]
            assert all(read_typed_day(t) == expected for t in typed), q.id
            day: dt.date = expected
            for common in (
                fmt(day),
                f"{day.day}/{day.month}/{day.year % 100:02d}",
                f"{day.day}.{day.month}.{day.year}",
                f"{day:%d-%m-%Y}",
                day.isoformat(),
            ):
                assert common in typed, (q.id, common)


def test_a_wrong_computed_answer_gets_the_courses_own_hint(questions):
    """Moodle's feedback for any wrong value is the hint the course gives a first wrong try."""
    for q in of_type(Computed):
        moodle = plain(next(f for _, t, f in answers(questions[q.id][1]) if t == "*"))
        right = q.expected()
        wrong = fmt(right + dt.timedelta(days=3)) if q.answer_kind == "date" else str(right + 3)
        course = check(q, wrong, tries=0).messages[0]
        assert moodle.startswith("Not quite. Look again at which rule applies here"), q.id
        said = re.sub(r"^Not yet: [^.]*\. | The answer is shown after .*$", "", course)
        assert moodle == f"Not quite. {said}", q.id


def test_reflections_are_essays_with_the_points_to_consider_the_course_shows(questions):
    from cmcourse.core.render import ReflectionView

    for r in of_type(Reflection):
        question = questions[r.id][1]
        assert question.get("type") == "essay"
        assert question.findtext("minwordlimit") == "4"
        general, grader = text(question, "generalfeedback"), text(question, "graderinfo")
        if not r.guidance.strip():
            assert general == grader == ""
            continue
        # The course's own panel, once the trainee has written a sentence: the same HTML.
        view = ReflectionView(
            r, on_save=lambda *_: None, previous="I would first ask the child what she wants."
        )
        course = view.guidance.value
        assert "Points to consider" in plain(general) and general in course, r.id
        assert grader == general
        for line in r.guidance.splitlines():
            assert line.strip() in plain(general)
        view.widget.close()


def test_html_in_the_bank_reaches_moodle_as_text_not_markup():
    """A bank text with <, > and & shows as written: escaped for HTML, then for XML."""
    bank, question = next((b, i) for b, i in ITEMS.values() if isinstance(i, SingleChoice))
    risky = question.model_copy(update={"prompt": 'Is <b>1 & 2</b> > 3? ]]> "quoted"'})
    tricky = bank.model_copy(update={"questions": [risky], "reflections": []})
    read = read_back(moodle_xml({bank.module: tricky}).xml)
    html = text(read[risky.id][1], "questiontext")
    assert "<b>" not in html and plain(html) == risky.prompt


def test_a_multiple_choice_question_with_every_option_right_is_refused_in_plain_words():
    bank, question = next((b, i) for b, i in ITEMS.values() if isinstance(i, MultipleChoice))
    every = question.model_copy(update={"answer": [o.id for o in question.options]})
    odd = bank.model_copy(update={"questions": [every], "reflections": []})
    with pytest.raises(ExportProblem) as refused:
        moodle_xml({bank.module: odd})
    assert str(refused.value) == (
        f"question {question.id}: every option is one to tick, so ticking every box would "
        "score full marks; make at least one option wrong in the bank"
    )


# -- the command ----------------------------------------------------------------------------

CM101 = Path(sys.executable).with_name("cm101")  # the console script the package installs


def cm101(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CM101), *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_command_writes_the_file_and_says_what_is_in_it(tmp_path: Path):
    assert CM101.exists(), "installing the package (make setup) makes the cm101 command"
    out = tmp_path / "bank.xml"
    done = cm101("export", "moodle-xml", "--out", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert set(read_back(out.read_bytes())) == set(ITEMS)
    questions = sum(len(b.questions) for b in BANKS.values())
    reflections = sum(len(b.reflections) for b in BANKS.values())
    assert f"Wrote {out}: {questions} questions and {reflections} reflections" in done.stdout
    assert "Question bank > Import > Moodle XML format" in done.stdout
    assert "14 checks are tagged cm101-check" in done.stdout
    assert "Traceback" not in done.stdout


def test_the_command_writes_in_the_current_folder_by_default(tmp_path: Path):
    done = cm101("export", "moodle-xml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert set(read_back((tmp_path / "cm101-question-bank.xml").read_bytes())) == set(ITEMS)


@pytest.mark.parametrize(
    ("where", "said"),
    [
        ("missing/bank.xml", "does not exist: create it first or choose another"),
        ("a-file.txt/bank.xml", "is a file, not a folder"),
        (".", "is a folder, not a file"),
        ("/sys/cm101-bank.xml", "cannot write a file in /sys"),
    ],
)
def test_an_out_path_that_cannot_be_written_gets_one_plain_line(
    tmp_path: Path, where: str, said: str
):
    (tmp_path / "a-file.txt").write_text("not a folder")
    before = sorted(os.listdir(tmp_path))
    done = cm101("export", "moodle-xml", "--out", where, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("cm101: ") and said in lines[0], done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(os.listdir(tmp_path)) == before, "nothing half-written left behind"
