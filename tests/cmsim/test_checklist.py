"""The case file checklist is answered from the case data, with reasons."""

from __future__ import annotations

import datetime as dt

from builders import CW, closure, consent, day, follow_up, implementing_case, referral

from cmcourse.core.paths import nadia_case
from cmsim.checklist import ITEMS, evaluate


def answers(case, as_of):
    return {(i.section, i.number): i for i in evaluate(case.file, case.sop, as_of)}


def test_the_checklist_has_the_seed_sections_and_items():
    assert list(ITEMS) == [
        "General Documentation",
        "Identification and Registration",
        "Assessment",
        "Case Planning",
        "Case Plan Implementation",
        "Follow up and Review",
        "Case Closure",
    ]
    assert [len(v) for v in ITEMS.values()] == [3, 3, 4, 4, 3, 3, 4]


def test_nadia_checklist_points_at_what_the_seed_file_lacks():
    a = answers(nadia_case(), dt.date(2023, 6, 1))
    assert a[("General Documentation", 1)].answer == "N"  # Case ID blank on the forms
    assert a[("Identification and Registration", 2)].answer == "N"
    assert "from: child" in a[("Identification and Registration", 2)].reason
    assert a[("Case Planning", 2)].answer == "Y"
    assert a[("Case Planning", 4)].answer == "N"
    assert "no due date" in a[("Case Planning", 4)].reason
    assert a[("Case Plan Implementation", 1)].answer == "Y"
    implementation_2 = a[("Case Plan Implementation", 2)]
    assert implementation_2.answer == "N" and "Cash" in implementation_2.reason
    assert a[("Follow up and Review", 3)].answer == "NA"
    assert [a[("Case Closure", n)].answer for n in (1, 2, 3)] == ["Y", "Y", "Y"]


def test_the_visit_after_closure_is_not_judged_before_it_falls_due():
    case = nadia_case()
    assert answers(case, dt.date(2023, 1, 10))[("Case Closure", 4)].answer == "NA"
    assert answers(case, dt.date(2023, 3, 13))[("Case Closure", 4)].answer == "N"


def test_a_well_kept_file_answers_yes_and_a_missing_visit_no():
    case = implementing_case()
    case.refer(referral(), CW)
    for n in range(3, 30, 3):
        case.follow_up(follow_up(n), CW)
    case.close(closure(30), CW)
    a = answers(case, day(40))
    assert a[("Follow up and Review", 1)].answer == "Y"
    assert a[("Case Closure", 4)].answer == "NA"
    case.follow_up(follow_up(45), CW)
    assert answers(case, day(200))[("Case Closure", 4)].answer == "Y"


def test_consent_from_child_and_caregiver_answers_yes():
    case = implementing_case()
    assert answers(case, day(5))[("Identification and Registration", 2)].answer == "N"
    case.record_consent(
        consent(obtained_from="Caregiver", person_name="Huda", relationship_to_child="Mother"), CW
    )
    assert answers(case, day(5))[("Identification and Registration", 2)].answer == "Y"


def test_an_open_case_answers_na_for_closure():
    a = answers(implementing_case(), day(5))
    assert {a[("Case Closure", n)].answer for n in range(1, 5)} == {"NA"}


def test_each_answer_is_given_to_its_item_by_key():
    """The consent item's answer is about consent, the closure visit's about the visit,
    wherever the item sits in the list."""
    items = {i.key: i for i in evaluate(nadia_case().file, nadia_case().sop, dt.date(2023, 6, 1))}
    assert len(items) == sum(len(texts) for texts in ITEMS.values())
    assert "consent" in items["consent"].text.lower() and "Consent" in items["consent"].reason
    visit = items["visit-after-closure"]
    assert "3 months after" in visit.text and "closure" in visit.reason


def test_a_case_registered_at_no_risk_is_judged_on_the_checklists_own_week():
    """No risk level, no SOP time for the assessment: the checklist's week alone judges it
    (it used to fail looking for the SOP's deadline)."""
    import datetime as dt

    from cmcourse.core.paths import NADIA_CASE
    from cmsim.checklist import evaluate
    from cmsim.replay import replay

    case = replay(NADIA_CASE, changes={"1B_registration": {"risk_level": "None"}})
    items = {(i.section, i.number): i for i in evaluate(case.file, case.sop, dt.date(2022, 12, 15))}
    item = items[("Assessment", 1)]
    assert item.answer == "Y" and "registered at no risk" in item.reason
