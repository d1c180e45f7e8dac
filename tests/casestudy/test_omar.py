"""Omar's case (our story for the lost video) is a well-kept file: the simulator finds nothing
missing, unlike Nadia's, and a review sent it back to planning on the way."""

from __future__ import annotations

import datetime as dt

from cmcourse.core.paths import CASESTUDIES
from cmsim import CaseStatus
from cmsim.checklist import evaluate
from cmsim.replay import replay
from cmsim.timeline import deadlines


def test_omar_replays_to_closure_with_every_checklist_item_met():
    case = replay(CASESTUDIES / "short" / "omar" / "case.yaml")
    assert case.status is CaseStatus.CLOSED
    as_of = dt.date(2023, 10, 1)
    answers = {(i.section, i.number): i.answer for i in evaluate(case.file, case.sop, as_of)}
    assert set(answers.values()) <= {"Y", "NA"}, [k for k, v in answers.items() if v == "N"]
    late = [
        d.describe()
        for d in deadlines(case.file, case.sop, as_of)
        if d.status in {"late", "overdue"}
    ]
    assert late == []


def test_omar_review_sent_the_case_back_to_planning():
    case = replay(CASESTUDIES / "short" / "omar" / "case.yaml")
    actions = [e.action for e in case.file.log]
    review = actions.index("review")
    assert actions[review + 1 : review + 3] == ["plan", "approve_plan"]
    assert len(case.file.plans) == 2
