"""The course covers the whole e-course of seed 004 (course/manifest.yaml)."""

from __future__ import annotations

import re

import nbformat
import yaml

from cmcourse.core.bank import load_bank
from cmcourse.core.outline import load_outline
from cmcourse.core.paths import ROOT

MANIFEST = yaml.safe_load((ROOT / "course" / "manifest.yaml").read_text())
PAGES = {p.id: p for p in load_outline().pages()}
ITEMS = [i for bank in load_bank().values() for i in [*bank.questions, *bank.reflections]]


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'")).casefold()


def page_text(page_id: str) -> str:
    nb = nbformat.read(ROOT / PAGES[page_id].path, as_version=4)
    return norm("\n".join(c.source for c in nb.cells))


def test_every_section_has_its_page_and_objectives():
    for section in MANIFEST["sections"]:
        assert section["id"] in PAGES, f"no page for section {section['id']}"
        if section["objectives"]:
            assert "learning objectives" in page_text(section["id"]), section["id"]
    for page in MANIFEST["module_pages"]:
        assert page in PAGES


def test_all_fourteen_checks_are_in_the_bank_on_their_section():
    checks = [i for i in ITEMS if hasattr(i, "type")]
    assert len(MANIFEST["checks"]) == 14
    for check in MANIFEST["checks"]:
        found = [q for q in checks if norm(check["words"]) in norm(q.prompt)]
        assert len(found) == 1, f"check '{check['words']}' found {len(found)} times"
        assert found[0].section == check["section"]


def test_all_nine_reflections_and_the_closing_question_are_in_the_bank():
    reflections = [i for i in ITEMS if not hasattr(i, "type")]
    assert len(MANIFEST["reflections"]) == 10
    for item in MANIFEST["reflections"]:
        found = [r for r in reflections if norm(item["words"]) in norm(r.prompt)]
        assert len(found) == 1, f"reflection '{item['words']}' found {len(found)} times"
        assert found[0].section == item["section"]


def test_the_short_case_studies_have_pages_with_model_answers():
    for page_id in MANIFEST["case_studies"]:
        assert page_id in PAGES, f"no page for {page_id}"
        with_answers = [r for r in ITEMS if r.section == page_id and getattr(r, "guidance", "")]
        assert with_answers, f"{page_id} has no exercise with a model answer"


SUPERVISION = MANIFEST["supervision"]


def test_the_supervision_course_carries_seed_001_word_for_word_on_its_pages():
    assert SUPERVISION["overview"] in PAGES
    for section in SUPERVISION["sections"]:
        assert section["id"] in PAGES, f"no page for supervision topic {section['id']}"
        text = page_text(section["id"])
        assert "learning objectives" in text, section["id"]
        for words in section["carries"]:
            assert norm(words) in text, f"{section['id']} does not carry '{words}'"


def test_every_supervision_check_and_reflection_is_in_the_bank_on_its_topic():
    topics = {s["id"] for s in SUPERVISION["sections"]}
    for kind, is_check in (("checks", True), ("reflections", False)):
        items = [i for i in ITEMS if hasattr(i, "type") == is_check]
        assert {i["section"] for i in SUPERVISION[kind]} == topics, f"a topic has no {kind}"
        for item in SUPERVISION[kind]:
            found = [q for q in items if norm(item["words"]) in norm(q.prompt)]
            assert len(found) == 1, f"{kind[:-1]} '{item['words']}' found {len(found)} times"
            assert found[0].section == item["section"]
    in_bank = [i for i in ITEMS if i.section in topics]
    assert len(in_bank) == len(SUPERVISION["checks"]) + len(SUPERVISION["reflections"])
