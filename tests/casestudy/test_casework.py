"""The trainee's own copy of Nadia's file: decisions fill in forms, cmsim's rules answer back."""

from __future__ import annotations

import re

import pytest
from nadia_attempts import attempt_with, steps_done

from cmcourse.casestudy import casework
from cmcourse.casestudy.casefigures import feedback_chart, timeline
from cmcourse.casestudy.nadia import step_html, whole_file_html
from cmcourse.core.bank import Reflection, check, right_answer
from cmcourse.core.store import ProgressStore
from cmcourse.html.printable import to_html, to_pdf, to_pdf_apart

DECISIONS = [d for d in casework.decisions() if not isinstance(d, Reflection)]


def right_answers() -> dict[str, object]:
    return {d.id: right_answer(d) for d in DECISIONS}


def test_every_step_has_decisions_that_fill_in_its_forms():
    steps = {d.section for d in DECISIONS}
    assert steps == {f"nadia-{n}" for n in range(1, 7)}
    for d in DECISIONS:
        step = d.section.removeprefix("nadia-")
        forms = {form for forms in casework.STEP_FORMS.values() for _, form in forms}
        assert d.fills.form in forms, d.id
        assert step in casework.STEP_FORMS


def test_right_answers_score_full_marks_and_rebuild_the_seeds_file():
    answers = right_answers()
    assert all(check(d, answers[d.id]).correct for d in DECISIONS)
    outcome = casework.trainee_case(casework.changes_from(attempt_with(answers)))
    assert outcome.complete, outcome.problem
    assert outcome.case.file.model_dump() == casework.reference_case().file.model_dump()
    for step in casework.STEP_FORMS:
        same, differ = casework.compare(step, outcome)
        assert differ == [], (step, differ)
        assert len(same) == len(casework.STEP_FORMS[step])


@pytest.mark.parametrize("decision", DECISIONS, ids=lambda d: d.id)
def test_each_wrong_decision_scores_zero_and_changes_the_trainees_file(decision):
    wrong = _a_wrong_answer(decision)
    assert not check(decision, wrong).correct
    outcome = casework.trainee_case(casework.changes_from(attempt_with({decision.id: wrong})))
    changed = outcome.problem is not None or any(
        casework.compare(step, outcome)[1] for step in casework.STEP_FORMS
    )
    assert changed, "a wrong decision must show in the file or be refused by a rule"


def _a_wrong_answer(d):
    if d.type == "single":
        return next(o.id for o in d.options if o.id != d.answer)
    if d.type == "multiple":
        return [o.id for o in d.options if o.id not in d.answer][:1] or d.answer[:-1]
    if d.type == "true_false":
        return not d.answer
    return "01/01/2030"


def test_a_referral_without_consent_for_that_service_is_refused_in_plain_words():
    consent = next(d for d in DECISIONS if d.fills.field == "services")
    mental_health = [
        o.id for o in consent.options if "Mental health" in str(consent.fills.values[o.id])
    ]
    narrowed = [a for a in consent.answer if a not in mental_health]
    outcome = casework.trainee_case(casework.changes_from(attempt_with({consent.id: narrowed})))
    assert outcome.problem and "consent" in outcome.problem.lower()
    assert "Specialized MHPSS services" in outcome.problem
    assert outcome.case.file.referrals == []  # the file stops before the referral
    assert outcome.case.file.plans  # ... and keeps what came before


def test_planning_before_the_high_risk_assessment_is_approved_is_refused():
    outcome = casework.trainee_case({"2A_assessment": {"supervisor_review": None}})
    assert "approved by your supervisor before you make a case plan" in outcome.problem
    assert outcome.case.file.plans == []


def test_closing_without_supervisor_approval_is_refused():
    outcome = casework.trainee_case({"6A_closure": {"supervisor_approval": None}})
    assert outcome.problem and "supervisor" in outcome.problem.lower()
    assert outcome.case.file.closures == []


def test_a_due_date_before_the_plan_was_agreed_gets_a_clear_message():
    outcome = casework.trainee_case({"3A_case_plan": {"actions.0.due_date": "01/09/2022"}})
    assert outcome.form == "3A_case_plan"
    assert "before the plan was agreed on 08/09/2022" in outcome.problem
    assert "3.A Case plan" in outcome.problem
    assert outcome.case.file.assessments  # the file up to the plan is kept


def test_an_unknown_service_and_a_badly_written_date_get_clear_messages():
    unknown = casework.trainee_case({"4A_referral_mhpss": {"services": ["Teleportation"]}})
    assert "Referral form" in unknown.problem and "Teleportation" in unknown.problem
    bad_date = casework.trainee_case({"6A_closure": {"stored_until": "2027-12-12"}})
    assert "day/month/year" in bad_date.problem and "6.A Case closure form" in bad_date.problem
    computed = next(d for d in DECISIONS if d.type == "computed")
    assert "dd/mm/yyyy" in check(computed, "12th of December").messages[0]


def test_a_refused_decision_loses_no_saved_work(tmp_path):
    store = ProgressStore("trainee-nadia", folder=tmp_path)
    store.set_name("Test Trainee")
    answers = right_answers()
    for qid, answer in answers.items():
        store.save_answer(qid, answer, True, 1, 1)
    store.save_answer(
        "nadia-2-approval", _a_wrong_answer(_decision("nadia-2-approval")), False, 0, 1
    )
    html = step_html(store.current(), "3")
    assert 'role="alert"' in html and "supervisor" in html
    again = ProgressStore("trainee-nadia", folder=tmp_path).current()
    assert set(answers) <= set(again.answers)


def _decision(qid):
    return next(d for d in DECISIONS if d.id == qid)


def test_the_step_panel_names_the_differences_and_why_they_matter():
    risk = _decision("nadia-1-risk")
    html = step_html(attempt_with({risk.id: _a_wrong_answer(risk)}), "1")
    assert "Where your forms differ" in html and "Risk level" in html
    right_option = next(o for o in risk.options if o.id == risk.answer)
    assert right_option.feedback[10:50] in html.replace("&#x27;", "'")
    assert "<td>Right." not in html  # the reason is given, not the verdict


def test_the_whole_file_page_has_a_timeline_the_checklists_and_printable_forms():
    html = whole_file_html(steps_done(), "Amina Yusuf")
    assert html.count('<img src="data:image/png;base64,') == 1
    assert "nadia-case-file.pdf" in html and "nadia-case-file.html" in html
    assert "case file checklist on your file and on the case study" in html
    assert len(re.findall(r'alt="Timeline of case', html)) == 1


def test_the_printable_file_holds_every_form_as_html_and_pdf():
    case = casework.reference_case()
    doc = casework.printable_file(case, "Amina Yusuf")
    headings = [b.heading for b in doc.blocks]
    for forms in casework.STEP_FORMS.values():
        for title, _ in forms:
            assert title in headings
    html = to_html(doc)
    assert "Reducing the risks related to child labour" in html and "Amina Yusuf" in html
    # The stylesheet is printed as written: an escaped quote would drop the document's font.
    assert 'font-family: "DejaVu Sans"' in html and "&#34;" not in html.split("</style>")[0]
    assert to_pdf(doc).startswith(b"%PDF")


def test_the_pdf_written_in_a_process_of_its_own_is_the_same_pdf():
    """Nadia's summary writes the PDF apart from the kernel: every page and word the same."""
    doc = casework.printable_file(casework.reference_case(), "Amina Yusuf")

    def undated(pdf: bytes) -> bytes:
        return re.sub(rb"/CreationDate \(.*?\)|/ID \[.*?\]", b"", pdf)

    assert undated(to_pdf_apart(doc)) == undated(to_pdf(doc))


def test_the_timeline_marks_missed_deadlines_and_the_change_of_risk():
    case = casework.reference_case()
    html = timeline(case, casework.as_of(case), "Reference")
    assert "missed" in html.lower() or "OVERDUE" in html
    assert "Medium" in html and "High" in html


def test_feedback_chart_shows_items_9_11_13_as_negatively_worded():
    html = feedback_chart(casework.reference_case())
    for item in ("9", "11", "13"):
        assert re.search(rf"<td>{item}</td><td>[^<]*</td><td>\d+</td><td>worded negatively", html)
    assert re.search(r"<td>10</td><td>[^<]*</td><td>\d+</td><td>10 is the best answer", html)


# -- drafting the plan's actions ------------------------------------------------------------
AGREED = casework.reference_case().file.plans[0].date_agreed


def test_drafted_actions_get_plain_messages_row_by_row():
    rows = casework.seed_actions()
    assert casework.action_problems(rows, AGREED) == []
    rows[1]["due_date"] = "01/09/2022"
    rows[2]["due_date"] = "31/02/2022"
    rows[3]["need"] = "  "
    problems = casework.action_problems(rows, AGREED)
    assert problems[0].startswith("Action 2 is due 01/09/2022, before the plan was agreed")
    assert problems[1].startswith("Action 3:") and "31/02/2022" in problems[1]
    assert problems[2] == "Action 4: write the need."
    assert casework.action_problems([], AGREED) == ["A case plan needs at least one action."]


def test_a_drafted_plan_fills_in_the_trainees_file_in_its_priority_order():
    rows = casework.seed_actions()
    rows.reverse()
    rows[0]["due_date"] = "15/09/2022"
    outcome = casework.trainee_case(casework.changes_from(attempt_with({}), rows))
    assert outcome.complete, outcome.problem
    actions = outcome.case.file.plans[0].actions
    assert actions[0].action.startswith("Provide emotional support")
    assert actions[0].due_date.isoformat() == "2022-09-15"
    _same, differ = casework.compare("3", outcome)
    assert any(d.field.startswith("Actions") for d in differ)


class FakeStore:
    def __init__(self):
        self.records = {}
        self.name = "Test"

    def record(self, key, default=None, **_):
        return self.records.get(key, default)

    def save_record(self, key, value, **_):
        self.records[key] = value


class FakePage:
    def __init__(self):
        self.store = FakeStore()
        self.signed_in = True
        self.told = 0

    def notify_saved(self):
        self.told += 1


def _controls(editor):
    return editor._controls


def test_the_plan_editor_refuses_a_due_date_before_the_plan_and_keeps_the_typing():
    from cmcourse.casestudy.planeditor import PlanEditor

    page = FakePage()
    editor = PlanEditor(page)
    _controls(editor)[0]["due_date"].value = "07/09/2022"
    editor._save()
    assert "Not saved yet" in editor.status.value and "before the plan was agreed" in (
        editor.status.value
    )
    assert page.store.records == {} and page.told == 0
    assert _controls(editor)[0]["due_date"].value == "07/09/2022"  # nothing typed is lost


def test_the_plan_editor_saves_reordered_actions_and_tells_the_file_panel():
    from cmcourse.casestudy.planeditor import PlanEditor

    page = FakePage()
    editor = PlanEditor(page)
    second = _controls(editor)[1]["action"].value
    editor._move(1, -1)
    _controls(editor)[0]["due_date"].value = "12/09/2022"
    editor._save()
    saved = page.store.records[casework.PLAN_RECORD]
    assert saved[0]["action"] == second and saved[0]["due_date"] == "12/09/2022"
    assert page.told == 1 and "saved" in editor.status.value
    again = PlanEditor(page)  # a reload shows the saved plan
    assert _controls(again)[0]["action"].value == second


def test_a_step_page_shows_the_file_up_to_that_step_only():
    """A refusal at the referral (step 4) does not show on the planning page (step 3)."""
    consent = next(d for d in DECISIONS if d.fills.field == "services")
    attempt = attempt_with({consent.id: ["a"]})
    assert 'role="alert"' not in step_html(attempt, "3")
    assert 'role="alert"' in step_html(attempt, "4")


def test_nadias_feedback_forms_three_days_after_closure_are_on_time():
    """'At the end of the process, or after 3 months, whichever is shorter': the forms of
    15/12, three days after the closure of 12/12, are not late."""
    from cmsim.timeline import deadlines

    case = casework.reference_case()
    feedback = [
        d for d in deadlines(case.file, case.sop, casework.as_of(case)) if "Feedback" in d.what
    ]
    assert len(feedback) == 2 and {d.status for d in feedback} == {"met"}
