"""The guidelines' rules as pure functions of (case file, SOP, what is attempted).

Each returns None when the rule is met, or a `Refusal` saying which rule, what was
expected, what happened and what to do, in a caseworker's words.
"""

from __future__ import annotations

import datetime as dt

from cmsim.casefile import CaseFile, CaseStatus
from cmsim.dates import add_years, fmt
from cmsim.errors import Refusal
from cmsim.forms import (
    AssessmentForm,
    CasePlan,
    ClosureForm,
    ConsentForm,
    ReferralForm,
    RegistrationForm,
    ServicesProvidedForm,
    SupervisorReview,
)
from cmsim.sop import SOP
from cmsim.vocab import ClosureReason, ReferralChannel, RiskLevel, _norm

OPEN = {
    CaseStatus.REGISTERED,
    CaseStatus.ASSESSED,
    CaseStatus.PLANNED,
    CaseStatus.IMPLEMENTATION,
}


def _service_names(items: list) -> str:
    return ", ".join(str(s) for s in items)


def valid_consent(file: CaseFile, on: dt.date) -> ConsentForm | None:
    """A consent form on file by that date with permission to participate and to collect."""
    for form in file.consents:
        if form.date_signed <= on and form.participate and form.collect_and_store:
            return form
    return None


def case_is_open(file: CaseFile, doing: str) -> Refusal | None:
    if file.status in OPEN:
        return None
    if file.status is CaseStatus.CLOSED:
        todo = "Reopen the case first if new information or new concerns have come up."
    elif file.status is CaseStatus.TRANSFERRED:
        todo = "The receiving agency now manages this case; contact them."
    else:
        todo = "Record consent and register the case first."
    return Refusal(
        rule="The case must be open",
        expected=f"To {doing}, the case must be registered and not closed or transferred.",
        happened=f"the case is: {file.status.value.lower()}.",
        todo=todo,
    )


def not_before(what: str, day: dt.date, earlier: str, earliest: dt.date) -> Refusal | None:
    if day >= earliest:
        return None
    return Refusal(
        rule="Dates must follow the order of events",
        expected=f"The {what} cannot be dated before the {earlier} ({fmt(earliest)}).",
        happened=f"it is dated {fmt(day)}.",
        todo="Check the date on the form (dates are written day/month/year).",
    )


def consent_before_registration(file: CaseFile, form: RegistrationForm) -> Refusal | None:
    """Consent/assent comes first: before the registration interview and any data collection
    (003 §1.A, §1.B: 'Directly after consent/assent is obtained')."""
    if valid_consent(file, form.date_of_interview):
        return None
    on_file = (
        "no consent form is on file"
        if not file.consents
        else "the consent form on file does not give permission to participate and to "
        "collect and store information, or is dated after the interview"
    )
    return Refusal(
        rule="Consent before registration",
        expected="The child (assent) or caregiver (consent) must agree to take part and to let "
        "you collect and store information before the registration interview.",
        happened=f"{on_file}.",
        todo="Explain case management and confidentiality, then complete the consent & assent "
        "form with the child and, separately, the caregiver. A supervisor may authorise only if "
        "the child has no parent/guardian and is too young, or is in imminent danger.",
        source="Consent & assent form (1.A), Nadia case study",
    )


def eligible(form: RegistrationForm) -> Refusal | None:
    if form.eligible:
        return None
    return Refusal(
        rule="Only eligible children are registered",
        expected="A case is registered once the child meets the eligibility (vulnerability) "
        "criteria.",
        happened="the form says the case does not meet them.",
        todo="Do not open a case: refer the child to the agency or single service that fits "
        "(for example GBV case management).",
        source="CM 101 e-course, 3.1; Nadia case study, step 1 discussion",
    )


def approval_needed(sop: SOP, form: AssessmentForm) -> bool:
    return sop.needs_assessment_approval(form.risk_level)


def assessment_approved(file: CaseFile, sop: SOP, doing: str) -> Refusal | None:
    """High-risk assessments are reviewed and approved by the supervisor (003 §2.A)."""
    if not file.assessments or file.reassessment_requested_on:
        when = (
            f"the review of {fmt(file.reassessment_requested_on)} asked for a new assessment"
            if file.reassessment_requested_on
            else "no comprehensive assessment is on file"
        )
        return Refusal(
            rule="Assessment before case planning",
            expected=f"Before you {doing}, the child's needs must be assessed.",
            happened=f"{when}.",
            todo="Complete the assessment form with the child and family first.",
            source="Case plan overview (3.A), Nadia case study",
        )
    current = file.assessments[-1]
    review = current.supervisor_review
    if approval_needed(sop, current) and not (review and review.approved):
        state = "was sent back for changes" if review else "has not been reviewed yet"
        return Refusal(
            rule="Supervisor approval of the assessment",
            expected=f"A {current.risk_level.value.lower()}-risk assessment must be reviewed and "
            f"approved by your supervisor before you {doing}.",
            happened=f"the assessment of {fmt(current.completion_date)} {state}.",
            todo="Ask your supervisor to review the assessment (and make any amendments asked).",
            source="Assessment form (2.A), supervisor review, Nadia case study",
        )
    return None


def plan_approved(file: CaseFile, doing: str) -> Refusal | None:
    """The case plan is approved by the supervisor before it is implemented (003 §3.A)."""
    if not file.plans or file.replanning_requested_on:
        happened = (
            f"the review of {fmt(file.replanning_requested_on)} asked for the plan to be adjusted"
            if file.replanning_requested_on
            else "there is no case plan yet"
        )
        return Refusal(
            rule="Case plan before implementation",
            expected=f"Before you {doing}, a case plan must be agreed with the child and family.",
            happened=f"{happened}.",
            todo="Develop (or revise) the case plan with the child and caregiver.",
            source="CM 101 e-course, 3.3-3.4",
        )
    review = file.plans[-1].supervisor_review
    if not (review and review.approved):
        state = "was sent back for changes" if review else "is waiting for your supervisor"
        return Refusal(
            rule="Supervisor approval of the case plan",
            expected=f"The case plan must be approved by your supervisor before you {doing}.",
            happened=f"the plan of {fmt(file.plans[-1].date_agreed)} {state}.",
            todo="Ask your supervisor to review and approve the plan.",
            source="Case plan overview (3.A), Nadia case study",
        )
    return None


def review_is_approval(review: SupervisorReview, what: str, earliest: dt.date) -> Refusal | None:
    if review.date and review.date < earliest:
        return not_before(f"supervisor's review of the {what}", review.date, what, earliest)
    if not review.approved and not review.amendments:
        return Refusal(
            rule="A supervisor who does not approve says what to amend",
            expected=f"When the {what} is not approved, the review says what needs amending.",
            happened="the 'what needs to be amended' box is empty.",
            todo="Write what the caseworker should change.",
        )
    return None


def _gives_consent_as(consent: ConsentForm, first: str, last: str | None) -> bool:
    """The consent form's giver has this first name (and last name, when known)."""
    parts = _norm(consent.person_name or "").split()
    return bool(parts) and parts[0] == _norm(first) and (not last or parts[-1] == _norm(last))


def _consents_of_person_referred(file: CaseFile, form: ReferralForm) -> list[ConsentForm] | None:
    """The consent forms that speak for the person a referral shares: the child's own and her
    caregiver's on her behalf when the child is referred; that person's own otherwise. None
    when the file cannot tell who is referred (no registration, or no name on the form)."""
    person, reg = form.person, file.registration
    if not person.first_name or reg is None:
        return None
    child = reg.child
    same_last = not person.last_name or _norm(person.last_name) == _norm(child.last_name or "")
    if _norm(person.first_name) == _norm(child.first_name or "") and same_last:
        return None  # the child: every consent on the child's file speaks for her
    first, last = person.first_name, person.last_name
    return [c for c in file.consents if _gives_consent_as(c, first, last)]


def consent_for_referral(file: CaseFile, form: ReferralForm) -> Refusal | None:
    """No referral and no information sharing for a service without consent for that service
    (003 §1.A part 3; referral form), given by the person being referred: the child's consent
    does not share her father's information for his own referral."""
    own = _consents_of_person_referred(file, form)
    speaking = file.consents if own is None else own
    missing = [s for s in form.services if not any(c.covers(s) for c in speaking)]
    if not form.consent_given:
        return Refusal(
            rule="Consent for this referral",
            expected="The person being referred agrees to this referral before any information "
            "is shared.",
            happened="the referral form says consent was not given "
            f"({form.consent_not_given_why}).",
            todo="Do not send the referral. Discuss it again with the child and caregiver; share "
            "without consent only if someone is in danger of significant harm, and tell them.",
            source="Referral form, Nadia case study",
        )
    if not missing:
        return None
    if own is not None:
        who = form.person.full_name
        return Refusal(
            rule="Consent of the person being referred",
            expected="A referral shares the information of the person referred, so that person "
            "gives the consent (referral form: 'consent / assent provided by the person being "
            "referred for services').",
            happened=f"{who} is referred, and no consent form of {who}'s covers "
            f"{_service_names(missing)}"
            + (
                " (the consent on file is the child's or another person's)."
                if file.consents
                else "."
            ),
            todo=f"Ask {who} for consent: complete a consent form with {who} as the person "
            f"giving consent and {_service_names(missing)} ticked, then refer.",
            source="Consent & assent form (1.A) part 3 and referral form, Nadia case study",
        )
    ticked = sorted({str(s) for c in file.consents for s in c.services})
    return Refusal(
        rule="Consent to share information for this service",
        expected="Information may be shared only for the services ticked on the consent form.",
        happened=f"the consent on file does not cover: {_service_names(missing)} "
        f"(it covers: {', '.join(ticked) or 'no service'}).",
        todo="Ask the child and caregiver whether they agree to share information for this "
        "service and update the consent form before referring.",
        source="Consent & assent form (1.A) part 3, Nadia case study",
    )


def phone_only_high_risk(file: CaseFile, form: ReferralForm) -> Refusal | None:
    if form.channel is not ReferralChannel.PHONE or file.risk is RiskLevel.HIGH:
        return None
    return Refusal(
        rule="Referral by phone for high-risk cases only",
        expected="Phone referrals are for high-risk cases; otherwise use a password-protected "
        "email, a sealed envelope in person or the digital case management system.",
        happened=f"this case is {file.risk.value.lower() if file.risk else 'not'} risk.",
        todo="Choose one of the written channels.",
        source="Referral form, Nadia case study",
    )


def referral_on_file_for(file: CaseFile, form: ServicesProvidedForm) -> Refusal | None:
    if form.is_direct:
        return None
    referred = {str(s) for r in file.referrals for s in r.services}
    missing = [s for s in form.service_types if str(s) not in referred]
    if not missing:
        return None
    return Refusal(
        rule="A service through referral needs its referral on file",
        expected="A service provided through a referral matches a referral form on the file.",
        happened=f"no referral is recorded for: {_service_names(missing)}.",
        todo="Record the referral form first (with consent for that service).",
        source="Services provided form (4.A) and referral form, Nadia case study",
    )


def closure_allowed(file: CaseFile, sop: SOP, form: ClosureForm) -> Refusal | None:
    """Closure: a reason from the list, supervisor approval, and the reason's conditions."""
    approval = form.supervisor_approval
    if not (approval and approval.approved):
        return Refusal(
            rule="Supervisor approval of case closure",
            expected="Your supervisor or manager approves the closure, so that cases are not "
            "closed prematurely.",
            happened="the closure form has no supervisor approval"
            + (" (the supervisor did not approve)" if approval else "")
            + ".",
            todo="Discuss readiness for closure with your supervisor and record their approval.",
            source="Case closure form (6.A), Nadia case study; CM 101 e-course, 3.6",
        )
    if form.reason is ClosureReason.GOAL_MET and not file.plans:
        return Refusal(
            rule="A goal can only be met if there was a plan",
            expected="'Overall goal of the case plan has been met' needs a case plan on file.",
            happened="this case has no case plan.",
            todo="Choose the reason that applies (e.g. no further action required).",
        )
    if form.reason is ClosureReason.TURNED_18:
        born = file.registration.child.dob if file.registration else None
        adult_on = add_years(born, 18) if born else None
        if adult_on is None or adult_on > form.date_closed:
            return Refusal(
                rule="Closing because the child has turned 18",
                expected="The child is 18 on the day of closure, by the date of birth on file.",
                happened=(
                    "the registration form has no date of birth."
                    if adult_on is None
                    else f"the child was born on {fmt(born)} and turns 18 on "
                    f"{fmt(adult_on)}, after the closure date {fmt(form.date_closed)}."
                ),
                todo="Record the date of birth (estimated if need be: 01 January of the year) or "
                "choose the reason that applies; before 18, plan the transition with the child.",
                source="Case closure form (6.A), Nadia case study; CM 101 e-course, 3.6",
            )
    if form.reason is ClosureReason.NOT_CONTACTABLE:
        last = max(
            [f.date for f in file.follow_ups] + [file.registration.date_of_interview]
            if file.registration
            else [file.identified_on]
        )
        earliest = sop.not_contactable_wait.after(last)
        if form.date_closed < earliest:
            return Refusal(
                rule="Wait before closing a case you cannot reach",
                expected=f"Wait at least {sop.not_contactable_wait} after the last contact "
                "before closing because the child is no longer contactable.",
                happened=f"the last contact was {fmt(last)}; closing on {fmt(form.date_closed)} "
                f"is too early (earliest {fmt(earliest)}).",
                todo="Keep trying to reach the child through the family, community and "
                "services until then.",
                source="Case closure form (6.A), Nadia case study",
            )
    if sop.file_retention_years is None:  # the agency's protocol or the law: nothing to check
        return None
    kept_until = add_years(form.date_closed, sop.file_retention_years)
    if form.stored_until < kept_until:
        return Refusal(
            rule="Closed files are kept for the set period",
            expected=f"The SOP keeps a closed file {sop.file_retention_years} years, until "
            f"{fmt(kept_until)}.",
            happened=f"the form says until {fmt(form.stored_until)}.",
            todo="Store the file safely until the date the SOP sets; closure does not mean "
            "erasing documentation.",
            source="CM 101 e-course, 2.5.2; Nadia case study, step 6 discussion",
        )
    return None


def transfer_allowed(file: CaseFile) -> Refusal | None:
    if any(c.covers_transfer() for c in file.consents):
        return None
    return Refusal(
        rule="Consent before a case transfer",
        expected="The child and family agree to the transfer before any information is handed "
        "over to the new caseworker or agency.",
        happened="no consent form on file ticks 'Case Transfer'.",
        todo="Explain why the case is being transferred and obtain consent first; meanwhile "
        "describe the case to the new provider without personal information.",
        source="Nadia case study, step 4 discussion; consent & assent form (1.A)",
    )


def plan_responds_to_assessment(file: CaseFile, plan: CasePlan) -> Refusal | None:
    current = file.assessments[-1]
    return not_before("case plan", plan.date_agreed, "assessment", current.completion_date)
