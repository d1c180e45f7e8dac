"""Nadia's forms on the step pages read as their paper in seed 003: every question, every option,
the ticked ones marked, and what is ticked agrees with the forms cmsim replays."""

from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from nadia_attempts import SignedInPage, steps_done

from cmcourse.casestudy import casework, nadia
from cmcourse.html.paperform import BOX, Table, parse

FORMS = nadia.CASESTUDIES / "nadia" / "forms"
STEMS = [form for forms in casework.STEP_FORMS.values() for _, form in forms]
TAGS = (
    "details|summary|strong|div|h3|h4|h5|p|span|ul|li|table|caption|thead|tbody|tr|th|td|br|style"
)


def form_data(stem: str) -> dict:
    return yaml.safe_load((FORMS / f"{stem}.yaml").read_text(encoding="utf-8"))


def shown_options(page: str) -> list[str]:
    """Each option as a screen reader reads it: 'Food (not ticked)'."""
    items = re.findall(r'<li class="cm-paper-opt[^"]*">(.*?)</li>', page)
    return [html.unescape(re.sub(r"<[^>]+>", "", item)).replace("☒", "").replace("☐", "")
            for item in items]  # fmt: skip


def options_of(page: str, question: str) -> list[str]:
    found = re.search(rf'<ul class="[^"]*" aria-label="{re.escape(question)}">.*?</ul>', page)
    assert found, question
    return shown_options(found.group())


def ticked(stem: str, question: str) -> list[str]:
    (options,) = [o for o in parse(nadia.paper_text(stem)).options() if o.question == question]
    return [o.label for o in options.options if o.ticked]


@pytest.fixture(scope="module")
def step1() -> str:
    return nadia.reference_forms_html("1")


def test_the_consent_form_shows_the_services_ticked_on_the_paper_and_the_others_not(step1):
    services = options_of(step1, "Information can be shared for the following services")
    assert [s for s in services if s.endswith(" (ticked)")] == [
        f"{s} (ticked)"
        for s in [
            "Cash assistance",
            "Education (formal)",
            "Livelihoods",
            "Mental health",
            "Non-formal education",
            "Psychosocial support",
        ]
    ]
    assert {"Food (not ticked)", "Rescue (not ticked)", "Alternative care (not ticked)"} <= set(
        services
    )
    assert len(services) == 21


def test_every_tick_box_of_every_form_is_shown_ticked_or_not_as_on_its_paper():
    for step, forms in casework.STEP_FORMS.items():
        page = nadia.reference_forms_html(step)
        expected = Counter(
            f"{label} (ticked)" if ticked else f"{label} (not ticked)"
            for _, stem in forms
            for line in nadia.paper_text(stem).splitlines()
            for label, ticked in boxes(line)
        )
        assert Counter(shown_options(page)) == expected, step


def boxes(line: str) -> list[tuple[str, bool]]:
    """The tick boxes of a line of the paper text, read without the renderer."""
    found = list(BOX.finditer(line))
    ends = [m.start() for m in found[1:]] + [len(line)] if found else []
    return [
        (re.split(r"<br>|\|", line[m.end() : end])[0].strip(), "x" in m.group().lower())
        for m, end in zip(found, ends, strict=True)
    ]


def test_each_step_shows_its_overviews_then_each_of_its_forms_folded_under_its_title():
    for step, forms in casework.STEP_FORMS.items():
        page = nadia.reference_forms_html(step)
        assert page.count('<details class="cm-paper">') == len(forms)
        assert page.index("overview</caption>") < page.index("<details")
        for title, _ in forms:
            assert f"<summary><strong>{html.escape(title, quote=False)}</strong>" in page
    assert (
        sorted(STEMS)
        == sorted(p.stem for p in nadia.PAPER.glob("*.txt"))
        == sorted(p.stem for p in FORMS.glob("*.yaml"))
    )


def test_no_text_of_a_form_is_left_unescaped_in_the_page():
    for step in casework.STEP_FORMS:
        page = nadia.reference_forms_html(step)
        assert not re.search(rf"<(?!/?(?:{TAGS})\b)", page), step
        assert "&gt;8 children in household" in page or step != "1"


def test_the_paper_consent_ticks_the_services_of_the_consent_form_data():
    services = ticked("1A_consent_child", "Information can be shared for the following services")
    assert services == form_data("1A_consent_child")["services"]


def test_the_paper_registration_ticks_the_concerns_and_the_risk_level_of_its_data():
    data = form_data("1B_registration")
    concerns = ticked("1B_registration", "INITIAL ASSESSMENT – PROTECTION CONCERNS")
    assert concerns == data["protection_concerns"]
    (risk,) = [
        p
        for block in parse(nadia.paper_text("1B_registration")).blocks
        for p in block
        if isinstance(p, Table) and "Risk level" in p.header
    ]
    assert [(row[1].title(), row[2]) for row in risk.rows if row[0] == "X"] == [
        (data["risk_level"], data["risk_reasons"])
    ]


def test_the_paper_assessment_referral_and_follow_up_agree_with_their_data():
    assessment = ticked(
        "2A_assessment",
        next(
            o.question
            for o in parse(nadia.paper_text("2A_assessment")).options()
            if o.question.startswith("Comprehensive assessment – protection concerns")
        ),
    )
    assert assessment == form_data("2A_assessment")["protection_concerns"]
    referral = form_data("4A_referral_mhpss")
    assert ticked("4A_referral_mhpss", "Type of service requested") == referral["services"]
    assert ticked("4A_referral_mhpss", "Priority level for response")[0].startswith(
        referral["priority"]
    )
    follow_up = form_data("5A_follow_up")
    assert ticked("5A_follow_up", "Followed-up with") == follow_up["with_whom"]
    assert ticked("5A_follow_up", "Followed-up through") == follow_up["channels"]


def test_a_missing_paper_form_is_said_kindly(monkeypatch, tmp_path: Path):
    shown = []
    monkeypatch.setattr(nadia, "PAPER", tmp_path)
    monkeypatch.setattr(nadia, "display", shown.append)
    nadia.reference_forms(SignedInPage(steps_done("1")), "1")
    (box,) = shown
    assert "Something went wrong on this page" in box.value and "Traceback" not in box.value
