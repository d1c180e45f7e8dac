"""The case file checklist of seed 003, answered from the case data.

Each item gets Y, N or NA and the reason, taken from what is (or is not) on file. Where
the file breaks an SOP timeline, the reason says so plainly: it is a teaching point.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from typing import Literal

from cmsim.casefile import CaseFile, CaseStatus
from cmsim.dates import fmt
from cmsim.forms import PlanAction
from cmsim.sop import SOP
from cmsim.timeline import Deadline, DeadlineKind, deadlines, implementation_start
from cmsim.vocab import ConsentFrom, ProtectionConcern, ServiceType, _norm

Answer = Literal["Y", "N", "NA"]
Answers = dict[str, tuple[Answer, str]]  # by item key

# The seed's checklist, section by section, item by item; each item has a key, by which the
# answers below are given (never by position).
ITEMS: dict[str, dict[str, str]] = {
    "General Documentation": {
        "own-file": (
            "Paper documentation for each child is stored in its own individual file, clearly "
            "labeled with the individual I.D. code"
        ),
        "form-per-step": (
            "Each step in the case management process that occurred thus far has a corresponding "
            "form"
        ),
        "forms-complete": (
            "All relevant sections of the forms are filled out completely and accurately "
            "according to the status of the case"
        ),
    },
    "Identification and Registration": {
        "registration-complete": (
            "The registration form is completed, including thorough details related to "
            "child/family information and where to find the child"
        ),
        "consent": (
            "Informed consent/assent to collect, store and share information has been obtained "
            "from the child and caregiver"
        ),
        "eligibility": (
            "The child's protection concern(s) meets the organization/ agency's vulnerability "
            "criteria"
        ),
    },
    "Assessment": {
        "assessment-on-time": (
            "The assessment was carried out within 1 week of the identification/registration (or "
            "in accordance with timelines agreed upon in country)"
        ),
        "concerns-described": (
            "The caseworker clearly identified and described the child protection concerns"
        ),
        "needs-described": (
            "The assessment comprehensively described the needs and protective factors for the "
            "child and family"
        ),
        "risk-level": (
            "Case documentation provides adequate information to prioritize as low, medium or "
            "high risk"
        ),
    },
    "Case Planning": {
        "plan-on-time": (
            "The case plan was completed within 2 weeks from the completion of the assessment"
        ),
        "actions-address-risks": (
            "The actions within the case plan address the identified needs and risks"
        ),
        "plan-with-family": "The case plan was developed with the child and caregiver",
        "timeframes": (
            "The case plan clearly identifies the agreed upon timeframes for actions to be taken, "
            "and by whom"
        ),
    },
    "Case Plan Implementation": {
        "referrals-consented": (
            "Children and families were referred to appropriate, available services with "
            "child/caregiver's informed consent/assent and in line with confidentiality "
            "principles"
        ),
        "referrals-documented": (
            "Referrals were documented according to the prioritized actions in the case plan"
        ),
        "direct-services": "Direct services were provided in accordance with the case plan",
    },
    "Follow up and Review": {
        "follow-up-regular": "Follow up was conducted regularly according to case plan",
        "review-every-3-months": (
            "Review of case plan was carried out at least once every three months with child and "
            "caregiver"
        ),
        "plan-adjusted": "Based on the review, the case plan was adjusted accordingly",
    },
    "Case Closure": {
        "closure-reason": "The reason for the closure is clearly documented",
        "closure-agreed": (
            "Documentation indicates that: the caseworker/child/caregiver discussed readiness and "
            "agreed to close the case; contact information was given in the event the "
            "child/family need to contact the caseworker/ agency"
        ),
        "closure-approved": "Approval of the case closure by the supervisor/ manager is documented",
        "visit-after-closure": (
            "A follow up visit was planned with the child/caregiver and conducted within 3 months "
            "after the case was closed"
        ),
    },
}

# Which needs (as written in the plan's "needs" column) answer which protection concern.
# Our reading: a concern is addressed by an action for the concern itself or for a service
# that treats it.
_S = ServiceType
CONCERN_NEEDS: dict[ProtectionConcern, set[str]] = {
    ProtectionConcern.PSYCHOSOCIAL_DISTRESS: {_S.BASIC_PSS, _S.FOCUSED_MHPSS, _S.SPECIALIZED_MHPSS},
    ProtectionConcern.MENTAL_DISORDER: {_S.FOCUSED_MHPSS, _S.SPECIALIZED_MHPSS},
    ProtectionConcern.NO_DOCUMENTATION: {_S.DOCUMENTATION, _S.LEGAL},
    ProtectionConcern.SERIOUS_MEDICAL: {_S.MEDICAL},
    ProtectionConcern.SEPARATED: {_S.FTR, _S.ALTERNATIVE_CARE},
    ProtectionConcern.UNACCOMPANIED: {_S.FTR, _S.ALTERNATIVE_CARE},
    ProtectionConcern.PREGNANCY: {_S.SRH, _S.MEDICAL},
}


@dataclass(frozen=True)
class Item:
    section: str
    number: int  # as printed on the paper tool, from 1 in its section
    key: str
    text: str
    answer: Answer
    reason: str


def _same(a: str, b: str) -> bool:
    """Forgiving comparison of a plan 'need' with a list label ('Cash assistant' ~ 'Cash
    assistance', 'Child Labour' ~ 'Child labour (not Worst Forms)')."""
    a, b = _norm(a), _norm(b.split(" (")[0])
    return a == b or difflib.SequenceMatcher(None, a, b).ratio() >= 0.85


def addressed_by(concern: object, actions: list[PlanAction]) -> list[int]:
    """Numbers of the plan actions (from 1) whose need answers this concern."""
    labels = {str(concern)} | {str(s) for s in CONCERN_NEEDS.get(concern, set())}  # type: ignore[call-overload]
    return [n for n, a in enumerate(actions, 1) if any(_same(a.need, label) for label in labels)]


def evaluate(file: CaseFile, sop: SOP, as_of: dt.date) -> list[Item]:
    """Answer every item of the checklist for this file as of a date."""
    answers: Answers = {
        **_general(file),
        **_registration(file),
        **_assessment(file, sop, as_of),
        **_planning(file, sop),
        **_implementation(file),
        **_follow_up(file, sop, as_of),
        **_closure(file, sop, as_of),
    }
    if answers.keys() != {key for texts in ITEMS.values() for key in texts}:
        raise RuntimeError("the checklist's answers do not match its items")  # a bug, not input
    return [
        Item(section, number, key, text, *answers[key])
        for section, texts in ITEMS.items()
        for number, (key, text) in enumerate(texts.items(), 1)
    ]


def _forms(file: CaseFile) -> list[tuple[str, object]]:
    named: list[tuple[str, object]] = [("consent", c) for c in file.consents]
    if file.registration:
        named.append(("registration", file.registration))
    for label, forms in (
        ("assessment", file.assessments),
        ("case plan", file.plans),
        ("services provided", file.services),
        ("referral", file.referrals),
        ("follow-up", file.follow_ups),
        ("review", file.reviews),
        ("closure", file.closures),
        ("child feedback", file.child_feedback),
        ("caregiver feedback", file.caregiver_feedback),
    ):
        named += [(label, f) for f in forms]
    return named


def _general(file: CaseFile) -> Answers:
    forms = _forms(file)
    blank = sorted({label for label, f in forms if not getattr(f, "case_id", None)})
    first: tuple[Answer, str]
    if blank:
        first = (
            "N",
            f"The file has the code {file.code}, but the Case ID number box is blank on: "
            f"{', '.join(blank)}. Write the code on every form.",
        )
    else:
        first = ("Y", f"Every form carries the case code {file.code}.")
    steps: list[tuple[str, object]] = [
        ("identification and registration", file.registration),
        ("assessment", file.assessments),
        ("case planning", file.plans),
        ("implementation (services or referrals)", file.services or file.referrals),
        ("follow-up and review", file.follow_ups or file.reviews),
        ("closure", file.closures),
    ]
    reached = _steps_reached(file)
    missing = [name for i, (name, has) in enumerate(steps) if i < reached and not has]
    second: tuple[Answer, str] = (
        ("N", f"Steps reached without a form: {', '.join(missing)}.")
        if missing
        else ("Y", f"A form on file for each of the {reached} steps reached so far.")
    )
    gaps = _incomplete(file)
    third: tuple[Answer, str] = (
        ("N", "Sections left empty: " + "; ".join(gaps) + ".")
        if gaps
        else ("Y", "No required section found empty.")
    )
    return {"own-file": first, "form-per-step": second, "forms-complete": third}


def _steps_reached(file: CaseFile) -> int:
    if file.status is CaseStatus.CLOSED:
        return 6
    if file.reviews or file.follow_ups:
        return 5
    if file.status is CaseStatus.IMPLEMENTATION:
        return 4 if (file.services or file.referrals) else 3
    return {
        CaseStatus.IDENTIFIED: 0,
        CaseStatus.CONSENTED: 0,
        CaseStatus.REGISTERED: 1,
        CaseStatus.ASSESSED: 2,
        CaseStatus.PLANNED: 3,
        CaseStatus.TRANSFERRED: 5,
    }.get(file.status, 0)


def _incomplete(file: CaseFile) -> list[str]:
    gaps = []
    for plan in file.plans:
        undated = sum(1 for a in plan.actions if a.due_date is None)
        if undated:
            gaps.append(
                f"case plan of {fmt(plan.date_agreed)}: due date of {undated} of "
                f"{len(plan.actions)} actions"
            )
        if plan.supervisor_review and not plan.supervisor_review.date:
            gaps.append(f"case plan of {fmt(plan.date_agreed)}: supervisor's date of review")
    for form in file.assessments:
        empty = form.empty_areas()
        if empty:
            gaps.append(f"assessment: {', '.join(e.replace('_', ' ') for e in empty)}")
    for closure in file.closures:
        if closure.weeks_open is None:
            gaps.append("closure: how long the case has been open (weeks)")
    if file.registration and not file.registration.address:
        gaps.append("registration: where the child is living")
    return gaps


def _registration(file: CaseFile) -> Answers:
    reg = file.registration
    if reg is None:
        na: tuple[Answer, str] = ("NA", "The case is not registered yet.")
        return {"registration-complete": na, "consent": _consent_item(file), "eligibility": na}
    missing = []
    if not reg.address:
        missing.append("where the child is living (address/location)")
    if not (reg.child.contact or reg.address):
        missing.append("how to contact the child")
    if not (reg.mother or reg.father or reg.caregiver or reg.household):
        missing.append("family details")
    first: tuple[Answer, str] = (
        ("N", "The form is missing " + " and ".join(missing) + ".")
        if missing
        else ("Y", "Child, family and location details are recorded.")
    )
    concerns = ", ".join(map(str, reg.protection_concerns)) or "none ticked"
    third: tuple[Answer, str] = (
        ("Y", f"Eligibility confirmed on the form; concerns: {concerns}.")
        if reg.eligible and reg.protection_concerns
        else ("N", "No protection concern is ticked to show the vulnerability criteria are met.")
    )
    return {"registration-complete": first, "consent": _consent_item(file), "eligibility": third}


def _consent_item(file: CaseFile) -> tuple[Answer, str]:
    if not file.consents:
        return ("N", "No consent & assent form is on file.")
    givers = {c.obtained_from for c in file.consents if c.participate and c.collect_and_store}
    shared = any(c.share_for_services for c in file.consents)
    who = ", ".join(sorted(g.value.lower() for g in givers)) or "nobody"
    if {ConsentFrom.CHILD, ConsentFrom.CAREGIVER} <= givers and shared:
        return ("Y", "Consent forms from the child and the caregiver are on file.")
    if any(c.supervisor_authorisation for c in file.consents):
        return ("Y", "Consent authorised by the supervisor on a ground the guidelines allow.")
    return (
        "N",
        f"Consent forms on file from: {who}. A separate form is needed for the child and for the "
        "caregiver" + ("" if shared else ", and permission to share information") + ".",
    )


def _assessment(file: CaseFile, sop: SOP, as_of: dt.date) -> Answers:
    reg = file.registration
    if not file.assessments or reg is None:
        na: tuple[Answer, str] = ("NA", "No comprehensive assessment on file yet.")
        return dict.fromkeys(
            ("assessment-on-time", "concerns-described", "needs-described", "risk-level"), na
        )
    first_assessment = file.assessments[0]
    days = (first_assessment.completion_date - reg.date_of_interview).days
    general_ok = days <= sop.checklist_assessment_within.days
    sop_deadline = next(
        (d for d in deadlines(file, sop, as_of) if d.kind is DeadlineKind.COMPREHENSIVE_ASSESSMENT),
        None,  # registered at no risk: the SOP sets the assessment no time of its own
    )
    done = f"Completed {fmt(first_assessment.completion_date)}, {days} day(s) after registration"
    if sop_deadline is None:
        first: tuple[Answer, str] = (
            ("Y" if general_ok else "N"),
            f"{done} ({'within' if general_ok else 'more than'} "
            f"{sop.checklist_assessment_within}; registered at no risk, so the SOP sets no time "
            "of its own).",
        )
    elif sop_deadline.status == "met" and general_ok:
        first = ("Y", f"{done}; within the SOP timeline ({sop_deadline.rule}).")
    elif general_ok:
        first = (
            "N",
            f"{done}: within the general {sop.checklist_assessment_within}, but the SOP timeline "
            f"for this case ({sop_deadline.rule}) set {fmt(sop_deadline.due)}: "
            f"{sop_deadline.days_late} day(s) late.",
        )
    else:
        first = ("N", f"{done}: more than {sop.checklist_assessment_within}.")
    latest = file.assessments[-1]
    second: tuple[Answer, str] = (
        ("Y", f"Concerns ticked and described: {', '.join(map(str, latest.protection_concerns))}.")
        if latest.protection_concerns and latest.summary
        else ("N", "No protection concern is ticked and summarised on the assessment.")
    )
    empty = latest.empty_areas()
    third: tuple[Answer, str] = (
        ("N", f"Areas left empty: {', '.join(e.replace('_', ' ') for e in empty)}.")
        if empty or not latest.views_child
        else (
            "Y",
            "Every area of needs is described, with the child's views"
            + (" and the caregivers'" if latest.views_caregivers else "")
            + ".",
        )
    )
    fourth: tuple[Answer, str] = (
        ("Y", f"Risk level {latest.risk_level.value.lower()}, with reasons: {latest.risk_reasons}")
        if latest.risk_reasons
        else ("N", "The risk level is not explained.")
    )
    return {
        "assessment-on-time": first,
        "concerns-described": second,
        "needs-described": third,
        "risk-level": fourth,
    }


def _planning(file: CaseFile, sop: SOP) -> Answers:
    if not file.plans or not file.assessments:
        na: tuple[Answer, str] = ("NA", "No case plan on file yet.")
        return dict.fromkeys(
            ("plan-on-time", "actions-address-risks", "plan-with-family", "timeframes"), na
        )
    plan, assessment = file.plans[0], file.assessments[0]
    days = (plan.date_agreed - assessment.completion_date).days
    limit = sop.checklist_case_plan_within
    first: tuple[Answer, str] = (
        ("Y" if days <= limit.days else "N"),
        f"Plan agreed {fmt(plan.date_agreed)}, {days} day(s) after the assessment was completed "
        f"(at most {limit}).",
    )
    latest = file.plans[-1]
    concerns = file.assessments[-1].protection_concerns
    unaddressed = [str(c) for c in concerns if not addressed_by(c, latest.actions)]
    second: tuple[Answer, str] = (
        ("N", f"No action answers: {', '.join(unaddressed)}.")
        if unaddressed
        else (
            "Y",
            "Every concern of the assessment has an action: "
            + "; ".join(
                f"{c} (action {', '.join(map(str, addressed_by(c, latest.actions)))})"
                for c in concerns
            )
            + ".",
        )
    )
    third: tuple[Answer, str] = (
        ("Y", "The child and the caregiver were involved in developing the plan.")
        if latest.child_involved and latest.caregiver_involved
        else ("N", "The plan was not developed with both the child and the caregiver.")
    )
    undated = [n for n, a in enumerate(latest.actions, 1) if a.due_date is None]
    nobody = [n for n, a in enumerate(latest.actions, 1) if not a.responsible]
    fourth: tuple[Answer, str] = (
        (
            "N",
            "Each action names who is responsible, but "
            + (f"no due date is set for actions {', '.join(map(str, undated))}" if undated else "")
            + (f"; no one is responsible for actions {nobody}" if nobody else "")
            + ".",
        )
        if undated or nobody
        else ("Y", "Every action has a due date and a person responsible.")
    )
    return {
        "plan-on-time": first,
        "actions-address-risks": second,
        "plan-with-family": third,
        "timeframes": fourth,
    }


def _implementation(file: CaseFile) -> Answers:
    if implementation_start(file) is None:
        na: tuple[Answer, str] = ("NA", "The case plan is not being implemented yet.")
        return dict.fromkeys(("referrals-consented", "referrals-documented", "direct-services"), na)
    if file.referrals:
        uncovered = [
            f"{fmt(r.date)} ({', '.join(map(str, r.services))})"
            for r in file.referrals
            if not r.consent_given
            or not all(any(c.covers(s) for c in file.consents) for s in r.services)
        ]
        first: tuple[Answer, str] = (
            ("N", f"Referrals without consent for that service: {'; '.join(uncovered)}.")
            if uncovered
            else ("Y", "Every referral is covered by consent to share for that service.")
        )
    else:
        first = ("NA", "No referral made.")
    plan = file.plans[-1]
    referral_actions = [(n, a) for n, a in enumerate(plan.actions, 1) if a.is_referral]
    referred = [str(s) for r in file.referrals for s in r.services]
    undocumented = [
        f"action {n} ({a.need})"
        for n, a in referral_actions
        if not any(_same(a.need, s) or _same(s, a.need) for s in referred)
    ]
    if not referral_actions:
        second: tuple[Answer, str] = ("NA", "The case plan has no referral actions.")
    elif undocumented:
        second = (
            "N",
            f"{len(referral_actions)} plan actions are referrals but referral forms are on file "
            f"only for: {', '.join(referred) or 'none'}. No referral form for: "
            f"{', '.join(undocumented)}.",
        )
    else:
        second = ("Y", "Each referral action of the plan has its referral form.")
    direct_actions = [(n, a) for n, a in enumerate(plan.actions, 1) if not a.is_referral]
    direct_forms = [s for s in file.services if s.is_direct]
    if not direct_actions:
        third: tuple[Answer, str] = ("NA", "The plan has no direct-service actions.")
    elif direct_forms:
        third = ("Y", f"{len(direct_forms)} services-provided form(s) record direct services.")
    else:
        third = (
            "N",
            f"The plan has {len(direct_actions)} actions for the caseworker or family (e.g. "
            f"action {direct_actions[-1][0]}: {direct_actions[-1][1].need}), but no "
            "services-provided form records a direct service.",
        )
    return {"referrals-consented": first, "referrals-documented": second, "direct-services": third}


def _between(d: Deadline) -> str:
    first, last = d.window or (d.due, d.due)
    return f"{fmt(first)} and {fmt(last)}"


def _follow_up(file: CaseFile, sop: SOP, as_of: dt.date) -> Answers:
    if implementation_start(file) is None:
        na: tuple[Answer, str] = ("NA", "The case plan is not being implemented yet.")
        return dict.fromkeys(("follow-up-regular", "review-every-3-months", "plan-adjusted"), na)
    windows = [d for d in deadlines(file, sop, as_of) if d.kind is DeadlineKind.FOLLOW_UP]
    judged = [d for d in windows if d.status in {"met", "overdue"}]
    missed = [d for d in judged if d.status == "overdue"]
    count = len(
        [f for f in file.follow_ups if not file.closures or f.date <= file.closures[-1].date_closed]
    )
    if not judged:
        first: tuple[Answer, str] = ("NA", "No follow-up period has ended yet.")
    elif missed:
        first = (
            "N",
            f"{count} follow-up(s) recorded; {len(missed)} of {len(judged)} periods fell short of "
            f"the frequency in force (e.g. {missed[0].rule}, between {_between(missed[0])}).",
        )
    else:
        first = (
            "Y",
            f"All {len(judged)} follow-up periods met the frequency in force (the SOP's, or "
            "the case plan's own where it asks for more).",
        )
    start = implementation_start(file)
    reviews = sorted(file.reviews, key=lambda r: r.date)
    limit = sop.checklist_review_at_least_every
    if not reviews:
        due = limit.after(start)  # type: ignore[arg-type]
        second: tuple[Answer, str] = (
            ("N", f"No review held; one was due by {fmt(due)}.")
            if due < as_of
            else ("NA", f"The first review is due by {fmt(due)}.")
        )
    else:
        first_review = reviews[0]
        on_time = first_review.date <= limit.after(start)  # type: ignore[arg-type]
        present = first_review.child_present and first_review.caregiver_present
        how = (
            "with the child and caregiver present"
            if present
            else "the child and caregiver were not present but were consulted beforehand"
        )
        second = (
            "Y" if on_time else "N",
            f"Review held {fmt(first_review.date)} ({how}); at most {limit} after "
            f"implementation started {fmt(start)}.",
        )
    if not reviews:
        third: tuple[Answer, str] = ("NA", "No review held yet.")
    elif not any(r.plan_adjustments_needed or r.new_assessment_needed for r in reviews):
        third = ("NA", "The review(s) found no adjustment of the case plan needed.")
    else:
        asked = [r for r in reviews if r.plan_adjustments_needed or r.new_assessment_needed]
        revised = [p for p in file.plans if p.date_agreed >= asked[0].date]
        third = (
            ("Y", f"The plan was revised on {fmt(revised[0].date_agreed)}.")
            if revised
            else ("N", f"The review of {fmt(asked[0].date)} asked for changes; no revised plan.")
        )
    return {"follow-up-regular": first, "review-every-3-months": second, "plan-adjusted": third}


def _closure(file: CaseFile, sop: SOP, as_of: dt.date) -> Answers:
    if not file.closures:
        na: tuple[Answer, str] = ("NA", "The case is not closed.")
        return dict.fromkeys(
            ("closure-reason", "closure-agreed", "closure-approved", "visit-after-closure"), na
        )
    form = file.closures[-1]
    first: tuple[Answer, str] = (
        ("Y", f"Reason: {form.reason.value.split(',')[0]}; details given.")
        if form.reason_details
        else ("N", "A reason is ticked but not explained.")
    )
    agreed = form.agreed_with_child and form.agreed_with_caregiver
    told = form.told_who_to_contact and form.contact_person
    second: tuple[Answer, str] = (
        ("Y", f"Closure agreed with child and caregiver; contact person: {form.contact_person}.")
        if agreed and told
        else ("N", "Agreement of the child and caregiver or the contact person is not recorded.")
    )
    approval = form.supervisor_approval
    third: tuple[Answer, str] = (
        ("Y", f"Approved by {approval.supervisor}.")
        if approval and approval.approved
        else ("N", "No supervisor approval recorded.")
    )
    due = sop.post_closure_visit_within.after(form.date_closed)
    visits = [f.date for f in file.follow_ups if form.date_closed < f.date <= due]
    if visits:
        fourth: tuple[Answer, str] = ("Y", f"Visit after closure on {fmt(visits[0])}.")
    elif as_of <= due:
        fourth = (
            ("NA", f"Visit planned; due by {fmt(due)}, not yet due as of {fmt(as_of)}.")
            if form.final_follow_up_planned
            else ("N", f"No visit after closure planned (due by {fmt(due)}).")
        )
    else:
        planned = "planned but " if form.final_follow_up_planned else ""
        fourth = ("N", f"A visit after closure was {planned}not recorded by {fmt(due)}.")
    return {
        "closure-reason": first,
        "closure-agreed": second,
        "closure-approved": third,
        "visit-after-closure": fourth,
    }
