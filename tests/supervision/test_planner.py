"""The supervisor's planner follows the SOP's cadences (001, 000, 002, 003) and flags what a
team breaks (004 §2.5.1: at most 25 cases per caseworker; 001: 5-6 caseworkers a supervisor)."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

import pytest

from cmsim.sop import SOP
from cmsim.supervision.schedule import (
    Experience,
    PlanProblem,
    SessionKind,
    Team,
    month_schedule,
    parse_month,
)

K = SessionKind


def team(*rows: tuple[str, int, str], supervisor: str = "S. Haddad") -> Team:
    return Team.from_values(
        {
            "supervisor": supervisor,
            "caseworkers": [
                {"name": name, "caseload": load, "experience": exp} for name, load, exp in rows
            ],
        }
    )


TEAM = team(
    ("Amal", 18, "new"),
    ("Bilal", 22, "experienced"),
    ("Chloe", 12, "experienced"),
    ("Dawit", 20, "new"),
)
MONTHS = [dt.date(2024, m, 1) for m in range(1, 13)] + [dt.date(2025, 1, 1), dt.date(2025, 2, 1)]


def sop(**supervision: object) -> SOP:
    return SOP.model_validate({"supervision": supervision})


def days_of(plan, kind, who=None) -> list[dt.date]:
    return [s.day for s in plan.sessions if s.kind is kind and (who is None or s.caseworker == who)]


def test_march_2024_gives_each_caseworker_the_seed_cadences():
    """Weekly 1-hour supervision on the caseworker's weekday; 5 files to review for a new
    caseworker and 3 for an experienced one; observations every 2 weeks (new) or monthly."""
    plan = month_schedule(TEAM, "03/2024")
    # March 2024: Mondays 4, 11, 18, 25; Tuesdays 5-26; Wednesdays 6-27; Thursdays 7-28.
    assert days_of(plan, K.INDIVIDUAL, "Amal") == [dt.date(2024, 3, d) for d in (4, 11, 18, 25)]
    assert days_of(plan, K.INDIVIDUAL, "Dawit") == [dt.date(2024, 3, d) for d in (7, 14, 21, 28)]
    assert all(s.minutes == 60 for s in plan.sessions if s.kind is K.INDIVIDUAL)
    counts = {
        cw.name: (plan.count(K.FILE_REVIEW, cw.name), plan.count(K.OBSERVATION, cw.name))
        for cw in TEAM.caseworkers
    }
    assert counts == {"Amal": (5, 2), "Bilal": (3, 1), "Chloe": (3, 1), "Dawit": (5, 2)}
    new_obs = days_of(plan, K.OBSERVATION, "Amal")
    assert (new_obs[1] - new_obs[0]).days == 14


def test_file_reviews_come_before_the_session_where_the_feedback_is_given():
    plan = month_schedule(TEAM, "03/2024")
    sessions = days_of(plan, K.INDIVIDUAL, "Bilal")
    for day in days_of(plan, K.FILE_REVIEW, "Bilal"):
        assert any(0 < (s - day).days <= 3 for s in sessions), day


def test_case_management_meetings_every_week_and_the_last_one_extended():
    """Weekly (001), at the same time, an hour; the last of the month an hour longer (000)."""
    plan = month_schedule(TEAM, "03/2024")
    meetings = [s for s in plan.sessions if s.kind in {K.TEAM_MEETING, K.EXTENDED_MEETING}]
    assert [(s.day.day, s.kind, s.minutes) for s in meetings] == [
        (4, K.TEAM_MEETING, 60),
        (11, K.TEAM_MEETING, 60),
        (18, K.TEAM_MEETING, 60),
        (25, K.EXTENDED_MEETING, 120),
    ]
    assert all(s.caseworker is None and "000" in s.rule for s in meetings)


@pytest.mark.parametrize("first", MONTHS, ids=lambda d: f"{d:%Y-%m}")
def test_every_session_falls_on_a_working_day_of_the_month(first):
    plan = month_schedule(TEAM, first)
    assert plan.sessions
    for s in plan.sessions:
        assert s.day.year == first.year and s.day.month == first.month
        assert s.day.weekday() < 5, f"{s.label()} on a {s.day:%A}"
    assert plan.count(K.EXTENDED_MEETING) == 1
    for cw in TEAM.caseworkers:
        assert 4 <= plan.count(K.INDIVIDUAL, cw.name) <= 5


def test_cadences_keep_their_rhythm_across_months():
    """Individual supervision and meetings a week apart (never less than every 2 weeks), new
    caseworkers observed every 2 weeks, across the turn of every month."""
    plans = [month_schedule(TEAM, m) for m in MONTHS]

    def gaps(kind, who=None):
        days = [d for p in plans for d in days_of(p, kind, who)]
        return {(b - a).days for a, b in pairwise(days)}

    for cw in TEAM.caseworkers:
        assert gaps(K.INDIVIDUAL, cw.name) == {7}
    assert gaps(K.OBSERVATION, "Amal") == {14}
    meetings = sorted(
        s.day for p in plans for s in p.sessions if s.kind in {K.TEAM_MEETING, K.EXTENDED_MEETING}
    )
    assert {(b - a).days for a, b in pairwise(meetings)} == {7}


def test_a_trainer_sop_changes_the_plan():
    fortnightly = month_schedule(TEAM, "03/2024", sop(team_meeting="once every 2 weeks"))
    meetings = days_of(fortnightly, K.TEAM_MEETING) + days_of(fortnightly, K.EXTENDED_MEETING)
    assert sorted(d.day for d in meetings) == [11, 25]

    more_files = month_schedule(TEAM, "03/2024", sop(file_reviews_per_caseworker_month_min=4))
    assert more_files.count(K.FILE_REVIEW, "Bilal") == 4

    longer = month_schedule(TEAM, "03/2024", sop(extended_team_meeting_extra_minutes=180))
    assert [s.minutes for s in longer.sessions if s.kind is K.EXTENDED_MEETING] == [240]

    fortnightly = sop(
        individual_supervision="once every 2 weeks",
        individual_supervision_minutes=90,
    )
    plan = month_schedule(TEAM, "03/2024", fortnightly)
    assert plan.count(K.INDIVIDUAL, "Amal") == 2
    assert {s.minutes for s in plan.sessions if s.kind is K.INDIVIDUAL} == {90}
    rule = next(s.rule for s in plan.sessions if s.kind is K.INDIVIDUAL)
    assert rule.startswith("at least once every 2 weeks, 90 minutes")


def test_a_sunday_to_thursday_working_week_moves_every_session():
    week = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday"]
    plan = month_schedule(TEAM, "03/2024", sop(working_days=week))
    assert {s.day.weekday() for s in plan.sessions} <= {6, 0, 1, 2, 3}
    meetings = days_of(plan, K.TEAM_MEETING) + days_of(plan, K.EXTENDED_MEETING)
    assert meetings and all(d.weekday() == 6 for d in meetings)  # the week starts on Sunday
    assert "Sunday, Monday" in plan.notes[0]


def test_experienced_caseworkers_observed_every_two_months_alternate():
    two_monthly = sop(observation_experienced_caseworker="once every 2 months")
    march, april = (month_schedule(TEAM, m, two_monthly) for m in ("03/2024", "04/2024"))
    for name in ("Bilal", "Chloe"):
        assert march.count(K.OBSERVATION, name) + april.count(K.OBSERVATION, name) == 1
    assert march.count(K.OBSERVATION, "Amal") == 2  # new caseworkers are not affected


def test_an_sop_below_the_seed_minimum_is_refused():
    with pytest.raises(ValueError, match="less often than individual_supervision_never_less"):
        sop(individual_supervision="once every 3 weeks")
    with pytest.raises(ValueError, match="cannot be more often than team_meeting"):
        sop(team_meeting="once every 2 weeks", extended_team_meeting="once a week")
    with pytest.raises(ValueError, match=r"team_meeting .* is less often than team_meeting_at"):
        sop(team_meeting="once every 3 weeks")
    with pytest.raises(ValueError, match="names a day twice"):
        sop(working_days=["Monday", "Monday"])


# -- breaches -------------------------------------------------------------------------------
def test_a_caseload_of_25_is_within_the_limit_and_26_is_a_breach():
    assert month_schedule(team(("Amal", 25, "new")), "03/2024").breaches == ()
    (breach,) = month_schedule(team(("Amal", 26, "new"), ("Bilal", 10, "new")), "03/2024").breaches
    assert breach.finding == "Amal carries 26 open cases, 1 more than the SOP allows."
    assert "move 1 of Amal's cases" in breach.todo
    assert "25 open cases per caseworker" in breach.rule and "004 §2.5.1" in breach.source
    assert "004 §2.5.1" in str(breach)


def test_a_team_over_the_limit_as_a_whole_needs_more_caseworkers():
    plan = month_schedule(team(("Amal", 30, "new"), ("Bilal", 30, "new")), "03/2024")
    texts = [str(b) for b in plan.breaches]
    assert len(texts) == 3
    assert "The team's 60 open cases need at least 3 caseworkers" in texts[2]
    assert "Recruit 1 more caseworker," in texts[2]


def test_six_caseworkers_are_within_the_ratio_and_seven_are_a_breach():
    six = team(*[(f"CW-{n}", 10, "experienced") for n in range(1, 7)])
    seven = team(*[(f"CW-{n}", 10, "experienced") for n in range(1, 8)])
    assert month_schedule(six, "03/2024").breaches == ()
    (breach,) = month_schedule(seven, "03/2024").breaches
    assert breach.finding.startswith("S. Haddad supervises 7 caseworkers")
    assert "1 more supervisor" in breach.finding
    assert "001" in breach.source and "5-6 caseworkers" in breach.rule


def test_the_limits_come_from_the_sop():
    strict = sop(
        caseload_limit=20, caseworkers_per_supervisor_min=3, caseworkers_per_supervisor_max=4
    )
    plan = month_schedule(
        team(*[(f"CW-{n}", 21, "experienced") for n in range(1, 6)]), "03/2024", strict
    )
    assert sum("21 open cases, 1 more" in b.finding for b in plan.breaches) == 5
    assert any("more than 4" in b.finding for b in plan.breaches)


# -- bad input ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("caseworkers", "message"),
    [
        (
            [{"name": "Amal", "caseload": -3}],
            "Caseworker 1 (Amal): the caseload cannot be negative",
        ),
        ([{"name": "  ", "caseload": 3}], "Caseworker 1: type a name or staff code."),
        (
            [{"name": "Amal", "caseload": 3}, {"name": "", "caseload": 3}],
            "Caseworker 2: type a name or staff code.",
        ),
        ([{"name": "Amal", "caseload": "many"}], "must be a whole number of open cases"),
        ([{"name": "Amal", "caseload": 5000}], "more than any caseworker could carry"),
        ([{"name": "Amal", "caseload": 3, "experience": "senior"}], "choose 'new' or"),
        (
            [{"name": "Amal", "caseload": 3}, {"name": "amal", "caseload": 4}],
            "Two caseworkers are called 'amal'",
        ),
        ([], "Add at least one caseworker"),
    ],
)
def test_bad_team_input_gets_a_plain_message(caseworkers, message):
    with pytest.raises(PlanProblem) as info:
        Team.from_values({"supervisor": "S. Haddad", "caseworkers": caseworkers})
    assert message in str(info.value)
    assert "pydantic" not in str(info.value) and "Traceback" not in str(info.value)


def test_every_problem_of_a_team_is_named_at_once():
    with pytest.raises(PlanProblem) as info:
        Team.from_values(
            {
                "supervisor": "",
                "caseworkers": [{"name": "", "caseload": 2}, {"name": "B", "caseload": -1}],
            }
        )
    assert info.value.problems == [
        "Type the supervisor's name or staff code.",
        "Caseworker 1: type a name or staff code.",
        "Caseworker 2 (B): the caseload cannot be negative (-1).",
    ]


@pytest.mark.parametrize("text", ["13/2024", "March", "", "2024/03", "03/24"])
def test_a_month_that_cannot_be_read_says_how_to_write_it(text):
    with pytest.raises(PlanProblem, match="write it as mm/yyyy, for example 03/2024"):
        parse_month(text)


def test_months_are_read_day_first_or_iso_or_from_a_date():
    assert parse_month("3/2024") == parse_month("2024-03") == dt.date(2024, 3, 1)
    assert parse_month(dt.date(2024, 3, 19)) == dt.date(2024, 3, 1)


def test_a_saved_team_loads_back_identical():
    again = Team.from_values(TEAM.model_dump(mode="json"))
    assert again == TEAM and again.caseworkers[0].experience is Experience.NEW
    assert TEAM.cases == 72


# -- the planner page's widget (cmcourse.supervision.schedule) ----------------------------
def _store(tmp_path, trainee="trainee-001"):
    from cmcourse.core.store import ProgressStore

    store = ProgressStore(trainee, folder=tmp_path)
    store.set_name("Amina Yusuf")
    return store


def _view(store, today=dt.date(2024, 3, 5)):
    from cmcourse.supervision.schedule import PlannerView

    return PlannerView(store, today=today)


def test_the_planner_starts_from_an_example_team_and_this_month(tmp_path):
    view = _view(_store(tmp_path))
    assert view.month.value == "03/2024" and len(view.rows) == 3
    assert "This team is within the SOP" in view.output.value
    assert "March 2024: the supervisor&#x27;s calendar" in view.output.value


def test_the_team_is_saved_with_the_progress_and_comes_back(tmp_path):
    from cmcourse.supervision.schedule import RECORD

    view = _view(_store(tmp_path))
    view.supervisor.value = "S. Haddad"
    view.rows[0][0].value = "Amal"
    view.rows[0][1].value = 27
    view.add_row("Dawit", 12, "new")
    view.plan_button.click()
    assert "saved your team" in view.message.value
    assert "Amal carries 27 open cases, 2 more than the SOP allows." in view.output.value
    assert 'role="alert"' in view.output.value
    saved = _store(tmp_path).record(RECORD, lasting=True)
    assert saved["month"] == "03/2024" and len(saved["team"]["caseworkers"]) == 4

    again = _view(_store(tmp_path), today=dt.date(2025, 1, 1))
    assert again.supervisor.value == "S. Haddad" and again.month.value == "03/2024"
    assert [(n.value, c.value, e.value) for n, c, e in again.rows][::3] == [
        ("Amal", 27, "experienced"),
        ("Dawit", 12, "new"),
    ]
    assert "Your saved team is back" in again.message.value
    assert "Amal carries 27" in again.output.value


def test_bad_input_is_explained_and_the_saved_team_is_kept(tmp_path):
    from cmcourse.supervision.schedule import RECORD

    store = _store(tmp_path)
    view = _view(store)
    view.plan_button.click()
    before = store.record(RECORD)
    view.rows[1][1].value = -4
    view.rows[2][0].value = " "
    view.month.value = "March"
    view.plan_button.click()
    message = view.message.value
    assert "Caseworker 2 (CW-02): the caseload cannot be negative (-4)." in message
    assert "Caseworker 3: type a name or staff code." in message
    assert "Nothing was saved: your last saved team is kept." in message
    assert store.record(RECORD) == before


def test_a_month_that_cannot_be_read_is_explained(tmp_path):
    view = _view(_store(tmp_path))
    view.month.value = "13/2024"
    view.plan_button.click()
    assert "write it as mm/yyyy" in view.message.value


def test_removing_a_caseworker_renumbers_the_rows(tmp_path):
    view = _view(_store(tmp_path))
    view.remove_row(view.rows[0])
    assert [n.description for n, _, _ in view.rows] == ["Caseworker 1:", "Caseworker 2:"]
    assert [n.value for n, _, _ in view.rows] == ["CW-02", "CW-03"]
    view.plan_button.click()
    assert "with 2 caseworkers" in view.output.value


def test_without_sign_in_the_planner_plans_and_says_it_cannot_keep_the_team():
    view = _view(None)
    view.plan_button.click()
    assert "Sign in at the top of the page" in view.message.value
    assert "<caption>March 2024: the supervisor" in view.output.value


def test_the_plan_page_has_a_calendar_tables_and_the_rules():
    from cmcourse.supervision.schedule import plan_csv, plan_html

    plan = month_schedule(TEAM, "03/2024")
    html = plan_html(plan)
    assert '<th scope="col">Monday</th>' in html and "25 (day off)" not in html
    assert "30 (day off)" in html  # Saturday 30 March
    # Amal's 5 files go before her 4 Monday sessions: two on Friday 1 March.
    assert "<strong>1</strong></span><ul><li>2 files of Amal to review</li>" in html
    assert "1 file of Bilal to review" in html
    assert "Every session of March 2024, in date order" in html
    assert "002 observation tool" in html and "003 case file checklist tool" in html
    rows = plan_csv(plan).decode().splitlines()
    assert rows[0] == "date,day,session,with,minutes,rule"
    assert len(rows) == 1 + len(plan.sessions)
