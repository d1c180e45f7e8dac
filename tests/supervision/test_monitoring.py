"""Programme monitoring: the dashboards of the caseload simulator and the interpretation
exercises of seed 003 (the CPIMS+ dashboard examples after the feedback forms)."""

from __future__ import annotations

import datetime as dt
import re
from itertools import pairwise
from pathlib import Path
from statistics import mean

import nbformat
import pytest

from cmcourse.core.bank import check, load_bank
from cmcourse.core.paths import ROOT
from cmcourse.supervision import dashboards as monitoring
from cmsim.caseload.indicators import monthly_progress
from cmsim.caseload.simulator import Event, SimParams, SimulationResult
from cmsim.sop import SOP
from cmsim.vocab import ClosureReason, RiskLevel

# Seed 003, from "Examples: Higher Caseload" to the end of the last list, as the seed has it
# (each line stripped; blank lines do not count). The right answers are checked against it.
SEED_EXCERPT = """\
Examples: Higher Caseload
· Increased access to services
· Reduced barriers to service
· Increased trust in programming/service providers
· Improved service quality
· Increased awareness of services
· Increased awareness of reportable violence
· New service locations
· Uptick in violence
· Improved service quality
· Increased staff (higher ability to receive)
· Improved referrals/referral pathway
· Population arrival
· Specific major incident occurrence

Examples: Lower Caseload
· Reduced access to services
· Increased barriers to service
· Decreased trust in programming/service providers
· Reduction in service quality
· Lack of awareness of services
· Lack of awareness of reportable violence
· Closed service locations
· Reduction in service quality
· Decreased staff
· Decreased referrals/ referral pathway
· Population on the move/leaving area

Example : Increase High Risk Cases
· Complex context
· Perpetration by government or high profile; high likelihood or impact of retribution
· Likelihood of suicidal ideation
· Indicative of target population of the program
· Initial onset of emergency; initial access to service
· High stigma in the setting
· Lack of safe houses
· Poor understanding of high risk categorization

Examples: High amount of high-risk cases
· Populations may be on the move
· Pressure to close cases; closing cases seen as sign of success
· Issues with case closure protocol
· Lack of barriers that might otherwise prevent access to services (i.e. central location)
· Could be indicative of lower quality of service provision (i.e. no follow ups/action plans)
Example: Short time from case open to case closed
· Existence of pressure to close cases
· Belief that success means closing cases quickly
· Impending program closure
· Population on the move
· Indicative of environment (one-time or limited service provision)
· Misunderstanding of case management process
· Poor service provision
· Resource change in organization (fewer staff going forward)
· Change in contextual resources (multi orgs closing)

Examples: Low number of cases closed per month
· More significant investment (time and effort) in case management needed
· Non-adherence to the SOP about closing the case
· Failure to document closure
· Lack of understanding the system / home to close
· Indicative of service type (e.g. long requirements for the service to be completed)
· Failure to follow-up

Examples: High number of services provided
· Caseworkers are readily accessing CPIMS+
· Caseworkers are completing Follow Up forms
· High need of services provided by your agency
· Over-extending case management
· Frequency of high need cases
· Context with few services available; organization have to provide more services
· Misunderstanding of what it means to provide a
· service

Examples: Low number of services provided
· Follow-Up forms are not being completed in the system
· Follow-Ups are not taking place
· Caseworkers have not yet entered their information in CPIMS+
· Case plan forms are not being completed in the system

Examples: Low Percentage of Assessments Completed
· Cases have not reached assessment yet
· Assessments are not completed in the system
· Caseworkers have not yet entered their information in CPIMS+
· Poor technology or use of mobile app
· High caseload, which detracts from collecting assessment info
· Delay in data entry
· Data entry training needs/lack of training

Examples: High Percentage of Assessments Completed
· Caseworkers are readily accessing CPIMS+
· Caseworkers are completing assessments
· Cases have reached or surpassed the stage of assessments

Examples: High Percentage of Progress towards Goals
· Caseworkers are readily accessing CPIMS+
· Caseworkers are completing action plan
· Cases have reached or surpassed the stage of action planning
· Indicative of humanitarian context: emergency vs. protracted development
· Goals are being met/ in progress
· Goals are too simply developed
· Indicative of population movement (stagnant)/ongoing casework

Examples: Low Percentage of Progress towards Goals
· Cases have not reached the stage of action planning yet
· Action plans are not being completed in the system
· Users are not updating progress in forms/systems
· Caseworkers have not yet entered their information in CPIMS+
· Indicative of humanitarian context: emergency vs. protracted/development
· Goals are not being met
· Goals are developed without enough consultation
· Indicative of population on the move/one time service provision
"""
SEED_FILE = Path(__file__).resolve().parents[2] / "seeds" / "003_33c7d3c07eb00ba2.txt"
BANK = load_bank()["monitoring"]
PAGE = ROOT / "supervision" / "monitoring.ipynb"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def seed_lists() -> dict[str, list[str]]:
    """Heading -> items, in the seed's order. One item is split over two bullets in the seed
    ("... what it means to provide a" / "service"): it is joined back."""
    lists: dict[str, list[str]] = {}
    heading = ""
    for line in _lines(SEED_EXCERPT):
        if line.startswith("Example"):
            heading = line
            lists[heading] = []
        elif line == "· service":
            lists[heading][-1] += " service"
        else:
            assert line.startswith("· "), line
            lists[heading].append(line.removeprefix("· "))
    return lists


LISTS = seed_lists()


def heading_of(question) -> str:
    return re.search(r"'(Examples?\s?:[^']+)'", question.source)[1]


def test_the_excerpt_is_the_seed_text():
    seed, excerpt = _lines(SEED_FILE.read_text(encoding="utf-8")), _lines(SEED_EXCERPT)
    start = seed.index(excerpt[0])
    assert seed[start : start + len(excerpt)] == excerpt
    assert len(LISTS) == 12 and sum(map(len, LISTS.values())) == 88


def test_every_pattern_of_the_guidance_has_one_question():
    assert sorted(heading_of(q) for q in BANK.questions) == sorted(LISTS)
    assert all(q.type == "multiple" and q.section == "monitoring" for q in BANK.questions)


def left_out(question) -> set[str]:
    """Items of the list the dashboard's own story rules out, named in the source."""
    return set(re.findall(r"'([^']+)' is left out", question.source))


@pytest.mark.parametrize("question", BANK.questions, ids=lambda q: q.id)
def test_the_right_answers_are_exactly_the_seed_list(question):
    items = set(LISTS[heading_of(question)]) - left_out(question)
    by_id = {o.id: o.text for o in question.options}
    assert sorted(by_id[a] for a in question.answer) == sorted(items)
    result = check(question, question.answer)
    assert result.correct and len(result.messages) == len(items)


def test_an_item_left_out_is_one_the_dashboards_story_rules_out_and_the_prompt_says_so():
    (question,) = [q for q in BANK.questions if left_out(q)]
    assert left_out(question) == {"Increased staff (higher ability to receive)"}
    assert "Increased staff (higher ability to receive)" in question.prompt
    assert "kept its 8 caseworkers" in question.prompt
    board = monitoring.DASHBOARDS[LETTER[question.id]]
    assert "The same 8 caseworkers" in board.what_happened
    events = monitoring.run(LETTER[question.id]).events
    assert not [e for e in events if e.kind == "caseworker_joined" and e.day > 0]


def test_the_list_headed_high_amount_of_high_risk_cases_is_asked_of_many_closures():
    (question,) = [q for q in BANK.questions if "High amount of high-risk" in heading_of(q)]
    assert "'Cases closed'" in question.prompt
    assert "High amount of high-risk cases" in question.prompt  # the reading, said to the trainee
    closed = {x: max(panel(x, "Cases closed")[4:6]) for x in monitoring.DASHBOARDS}
    assert max(closed, key=closed.get) == LETTER[question.id] == "D"


@pytest.mark.parametrize("question", BANK.questions, ids=lambda q: q.id)
def test_every_wrong_option_comes_from_another_list_and_says_which(question):
    heading = heading_of(question)
    wrong = [o for o in question.options if o.id not in question.answer]
    assert len(wrong) >= 3
    for option in wrong:
        assert option.text not in LISTS[heading]
        homes = [h for h, items in LISTS.items() if option.text in items]
        assert homes, f"{option.text!r} is on none of the seed's lists"
        assert any(f"('{h}')" in option.feedback for h in homes), option.feedback
        result = check(question, [*question.answer, option.id])
        assert not result.correct and result.points == 0


# -- the dashboards -------------------------------------------------------------------------
LETTER = {q.id: q.prompt.split(":")[0].removeprefix("Dashboard ") for q in BANK.questions}


def panel(letter: str, title: str) -> list[float]:
    data = monitoring.dashboard_data(letter)
    (found,) = [p for p in data.panels if p.title == title]
    return found.values


def before(values):  # January to April 2023, before the change
    return mean(v for v in values[:4] if v is not None)


def after(values):  # May to December 2023
    return mean(v for v in values[4:] if v is not None)


# What each question's panel shows, read as a supervisor would.
SHOWS = {
    "mon-a-assessments": lambda v: min(v) >= 80 and mean(v) >= 90,
    "mon-a-progress": lambda v: min(v) >= 80,
    "mon-b-caseload": lambda v: v[-1] > 2.5 * v[3] and after(v) > 1.5 * before(v),
    "mon-b-high-risk": lambda v: after(v) > 2 * before(v),
    "mon-b-services": lambda v: after(v) > 1.5 * before(v),
    # Low, as a supervisor would say: every month after the change under three in four.
    "mon-c-assessments": lambda v: max(v[4:]) < 75 and after(v) < before(v) - 25,
    "mon-c-closures": lambda v: after(v) < 0.8 * before(v),
    "mon-d-time-to-close": lambda v: max(v[6:]) < 0.3 * min(v[:4]),
    "mon-d-closures": lambda v: v[4] > 3 * before(v) and after(v) > before(v),
    "mon-e-services": lambda v: after(v) < 0.6 * before(v),
    "mon-e-progress": lambda v: v[-1] < 0.7 * min(v[:4]),
    "mon-f-caseload": lambda v: (
        v[-1] == 0 and all(a > b or a == b == 0 for a, b in pairwise(v[3:]))
    ),
}


def test_there_is_a_dashboard_per_scenario_of_the_simulator():
    from cmsim.caseload.simulator import Scenario

    assert sorted(d.scenario for d in monitoring.DASHBOARDS.values()) == sorted(Scenario)


@pytest.mark.parametrize("question", BANK.questions, ids=lambda q: q.id)
def test_each_dashboard_shows_the_pattern_its_question_asks_about(question):
    title = re.search(r"panel '([^']+)'", question.prompt)[1]
    assert SHOWS[question.id](panel(LETTER[question.id], title)), (question.id, title)


def test_every_dashboard_is_the_same_programme_until_may():
    base = monitoring.dashboard_data("A")
    for letter in monitoring.DASHBOARDS:
        data = monitoring.dashboard_data(letter)
        assert data.months == [f"{dt.date(2023, m, 1):%b} 2023" for m in range(1, 13)]
        for mine, yardstick in zip(data.panels, base.panels, strict=True):
            assert mine.values[:4] == yardstick.values[:4], (letter, mine.title)


@pytest.mark.parametrize("letter", list(monitoring.DASHBOARDS))
def test_every_dashboard_has_alt_text_and_a_table_of_every_figure(letter):
    html = monitoring.dashboard_html(letter)
    data = monitoring.dashboard_data(letter)
    alt = re.search(r'<img [^>]*alt="([^"]+)"', html)[1]
    assert alt.startswith(f"Dashboard {letter}: nine charts")
    for p in data.panels:
        assert p.title.lower() in alt.lower()
        assert f"{p.title} (" in html  # a column of the table
    table = re.search(r"<table.*?</table>", html, re.S)[0]
    assert table.count("<tr>") == 1 + 12
    assert 'aria-describedby="cm-dashboard-' in html
    assert f"Dashboard {letter}: the figures of every panel" in table


def test_the_table_gives_the_numbers_drawn():
    data = monitoring.dashboard_data("B")
    table = monitoring.figures_table(data)
    first = re.search(r"<tbody><tr>(.*?)</tr>", table)[1]
    cells = re.findall(r"<td>(.*?)</td>", first)
    assert cells[0] == "Jan 2023"
    assert cells[1] == str(round(data.panels[0].values[0]))
    assert cells[4].endswith("%")


def test_each_scenario_is_simulated_once_however_often_it_is_shown(monkeypatch):
    calls = []
    real = monitoring.simulate
    monkeypatch.setattr(monitoring, "simulate", lambda *a, **k: calls.append(1) or real(*a, **k))
    monitoring._default_data.cache_clear()
    try:
        monitoring.dashboard_html("D")
        monitoring.dashboard_html("D")
        monitoring.dashboard_data("D")
        assert len(calls) == 1
    finally:
        monitoring._default_data.cache_clear()


def test_the_caseload_limit_line_comes_from_the_sop():
    strict = SOP.model_validate({"supervision": {"caseload_limit": 15}})
    per_worker = monitoring.dashboard_data("A", strict).panels[1]
    assert per_worker.limit == (15, "SOP limit: 15")


def test_an_unknown_dashboard_gets_a_friendly_message(monkeypatch):
    shown = []
    monkeypatch.setattr("cmcourse.core.page.show", shown.append)
    monitoring.show_dashboard("Z")
    assert 'class="cm-error"' in shown[0] and "Traceback" not in shown[0]
    monitoring.show_what_happened("B")
    assert "three times as many new cases" in shown[1]


def test_the_page_shows_each_dashboard_before_its_questions_and_what_happened_after():
    source = "\n".join(c.source for c in nbformat.read(PAGE, as_version=4).cells)
    assert 'course_page("monitoring")' in source
    for q in BANK.questions:
        letter = LETTER[q.id]
        shown = source.index(f'show_dashboard("{letter}")')
        asked = source.index(f'page.question("{q.id}")')
        told = source.index(f'show_what_happened("{letter}")')
        assert shown < asked < told, q.id
        later = [source.find(f'show_dashboard("{x}")') for x in monitoring.DASHBOARDS if x > letter]
        assert all(asked < i for i in later if i >= 0), q.id


# -- the monthly indicators behind the dashboard (cmsim.caseload.indicators.monthly_progress)
H, M, L = RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW

# A run of 30 days from 20/01/2022: days 0-11 are January, 12-29 February.
LOG = [
    (0, "caseworker_joined", None, 1, ()),
    (0, "caseworker_joined", None, 2, ()),
    (0, "case_registered", 1, None, (H,)),
    (0, "assigned", 1, 1, (None,)),
    (1, "case_registered", 2, None, (M,)),
    (1, "assigned", 2, 2, (None,)),
    (2, "assessed", 1, 1, (H,)),
    (3, "planned", 1, 1, (4,)),
    (5, "action_completed", 1, 1, (1,)),
    (8, "case_registered", 3, None, (L,)),
    (8, "assigned", 3, 1, (None,)),
    (12, "action_completed", 1, 1, (2,)),
    (13, "assessed", 2, 2, (M,)),
    (14, "planned", 2, 2, (2,)),
    (15, "risk_changed", 1, 1, (H, M)),
    (16, "case_closed", 3, 1, (ClosureReason.GOAL_MET,)),
    (20, "caseworker_left", None, 2, ()),
    (20, "assigned", 2, 1, (2,)),
    (22, "action_completed", 2, 1, (1,)),
]


def test_monthly_progress_from_a_log_worked_out_by_hand():
    """End of January: caseworker 1 has cases 1 and 3, caseworker 2 case 2; case 1 (high
    risk) is the only one of January's three new cases assessed by the month's end; 1 of its 4
    actions done. End of February: caseworker 2 has left and case 2 went to caseworker 1, who
    has cases 1 and 2, both medium risk and assessed; 3 of their 6 actions done; no case was
    registered in February. Case 3 was closed on day 16, 8 days after it was registered."""
    events = [Event(d, n, k, c, w, x) for n, (d, k, c, w, x) in enumerate(LOG)]
    params = SimParams(days=30, start_date=dt.date(2022, 1, 20), caseworkers=2)
    result = SimulationResult(params=params, events=events)
    got = monthly_progress(result)
    assert got.months == ["2022-01", "2022-02"]
    assert got.caseworkers == [2, 1]
    assert got.caseload_mean == [1.5, 2.0] and got.caseload_max == [2, 2]
    assert got.high_risk_open == [1, 0]
    assert got.days_to_close_median == [None, 8.0]
    assert got.assessed_pct == [pytest.approx(100 / 3), None]
    assert got.plan_progress_pct == [25.0, 50.0]


def test_a_default_dashboard_is_drawn_once_and_then_read_from_the_cache(tmp_path, monkeypatch):
    """Thirty trainees opening the page do not each wait for the drawing."""
    from cmcourse.core import memo
    from cmcourse.supervision import dashboards as monitoring

    monkeypatch.setenv("CM101_DATA_DIR", str(tmp_path))
    memo._KEPT.clear()
    first = monitoring.dashboard_html("D")
    cached = list((tmp_path / "cache").glob("dashboard-D-*.html"))
    assert len(cached) == 1 and cached[0].read_text(encoding="utf-8") == first
    cached[0].write_text("<p>kept</p>", encoding="utf-8")
    assert monitoring.dashboard_html("D") == first  # kept in this process too
    memo._KEPT.clear()  # another kernel reads the drawing on disk
    assert monitoring.dashboard_html("D") == "<p>kept</p>"


def test_a_dashboard_is_still_shown_when_its_cache_cannot_be_written(tmp_path, monkeypatch):
    from cmcourse.supervision import dashboards as monitoring

    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("CM101_DATA_DIR", str(blocked))
    monkeypatch.setattr("cmcourse.core.memo._KEPT", {})
    assert "Dashboard F" in monitoring.dashboard_html("F")
