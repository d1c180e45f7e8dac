"""A child's case and the operations of the six steps, each enforcing the guidelines.

Every operation checks its rules first (`cmsim.rules`) and changes nothing when one is
broken: it raises `RuleViolation` with a plain explanation. When allowed, it files the form
and appends one record (who, when, what) to the case log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from cmsim import rules
from cmsim.casefile import CaseFile, CaseStatus, LogEntry, Reopening, RiskChange, Transfer
from cmsim.dates import fmt
from cmsim.errors import Refusal, RuleViolation
from cmsim.forms import (
    AssessmentForm,
    CaregiverFeedbackForm,
    CasePlan,
    ChildFeedbackForm,
    ClosureForm,
    ConsentForm,
    FollowUpForm,
    ReferralForm,
    RegistrationForm,
    ReviewForm,
    ServicesProvidedForm,
    SupervisorReview,
)
from cmsim.sop import DEFAULT_SOP, SOP
from cmsim.vocab import RiskLevel, Step


def _enforce(*checks: Refusal | None) -> None:
    for refusal in checks:
        if refusal is not None:
            raise RuleViolation(refusal)


def _unreviewed(review: SupervisorReview | None, what: str, op: str) -> Refusal | None:
    if review is None:
        return None
    return Refusal(
        rule="The supervisor records their own review",
        expected=f"The {what} is filed first; the supervisor then reviews it.",
        happened="the form already carries a supervisor review.",
        todo=f"File the {what} without the review, then record the review with '{op}'.",
    )


class Case:
    """A case being managed under an SOP. `case.file` is what is kept on file."""

    def __init__(self, file: CaseFile, sop: SOP = DEFAULT_SOP):
        self.file = file
        self.sop = sop

    # -- opening ---------------------------------------------------------------------
    @classmethod
    def identify(
        cls, code: str, on: dt.date, by: str, how: str = "", sop: SOP = DEFAULT_SOP
    ) -> Case:
        """A child is identified or reported: the case exists, nothing is recorded yet."""
        file = CaseFile(code=code, identified_on=on)
        case = cls(file, sop)
        case._log(
            on,
            by,
            Step.IDENTIFICATION_REGISTRATION,
            "identify",
            f"Child identified{': ' + how if how else ''}.",
        )
        return case

    @property
    def status(self) -> CaseStatus:
        return self.file.status

    @property
    def risk(self) -> RiskLevel | None:
        return self.file.risk

    def _current_step(self) -> Step:
        return {
            CaseStatus.IDENTIFIED: Step.IDENTIFICATION_REGISTRATION,
            CaseStatus.CONSENTED: Step.IDENTIFICATION_REGISTRATION,
            CaseStatus.REGISTERED: Step.IDENTIFICATION_REGISTRATION,
            CaseStatus.ASSESSED: Step.ASSESSMENT,
            CaseStatus.PLANNED: Step.CASE_PLANNING,
            CaseStatus.IMPLEMENTATION: Step.IMPLEMENTATION,
        }.get(self.file.status, Step.CLOSURE)

    def _log(self, on: dt.date, by: str, step: Step, action: str, summary: str) -> None:
        self.file.log.append(LogEntry(on=on, by=by, step=step, action=action, summary=summary))

    def _set_risk(self, on: dt.date, level: RiskLevel, source: str, reason: str | None) -> None:
        """Every risk determination is kept, so the history shows who set which level when."""
        self.file.risk_history.append(RiskChange(on=on, level=level, source=source, reason=reason))

    def _check_status(self, *allowed: CaseStatus, doing: str, todo: str) -> Refusal | None:
        if self.file.status in allowed:
            return None
        return Refusal(
            rule="The steps come in order",
            expected=f"To {doing}, the case must be at: "
            + " or ".join(s.value.lower() for s in allowed)
            + ".",
            happened=f"the case is: {self.file.status.value.lower()}.",
            todo=todo,
        )

    # -- step 1 ----------------------------------------------------------------------
    def record_consent(self, form: ConsentForm, by: str) -> None:
        """A consent & assent form (one for the child, one for the caregiver); it may also
        update consent later, e.g. for a new service or a transfer."""
        _enforce(
            rules.not_before(
                "consent", form.date_signed, "identification", self.file.identified_on
            ),
            None
            if self.file.status not in {CaseStatus.CLOSED, CaseStatus.TRANSFERRED}
            else rules.case_is_open(self.file, "record consent"),
        )
        self.file.consents.append(form)
        if self.file.status is CaseStatus.IDENTIFIED and form.participate:
            self.file.status = CaseStatus.CONSENTED
        services = ", ".join(map(str, form.services)) or "no service"
        self._log(
            form.date_signed,
            by,
            Step.IDENTIFICATION_REGISTRATION,
            "consent",
            f"Consent/assent from {form.obtained_from.value.lower()} ({form.giver}); "
            f"sharing allowed for: {services}.",
        )

    def register(self, form: RegistrationForm, by: str) -> None:
        _enforce(
            self._check_status(
                CaseStatus.IDENTIFIED,
                CaseStatus.CONSENTED,
                doing="register the case",
                todo="A case is registered once."
                if self.file.registration
                else "Record consent first.",
            )
            if self.file.status is not CaseStatus.IDENTIFIED
            else None,
            rules.eligible(form),
            rules.consent_before_registration(self.file, form),
            rules.not_before(
                "registration interview",
                form.date_of_interview,
                "identification",
                self.file.identified_on,
            ),
        )
        self.file.registration = form
        self.file.status = CaseStatus.REGISTERED
        self._set_risk(
            form.date_of_interview, form.risk_level, "initial assessment", form.risk_reasons
        )
        concerns = ", ".join(map(str, form.protection_concerns)) or "none ticked"
        self._log(
            form.date_completed,
            by,
            Step.IDENTIFICATION_REGISTRATION,
            "register",
            f"Registered; initial assessment: {form.risk_level.value.lower()} risk; "
            f"concerns: {concerns}.",
        )

    # -- step 2 ----------------------------------------------------------------------
    def assess(self, form: AssessmentForm, by: str) -> None:
        """The comprehensive assessment (or a new one after a review or reopening)."""
        registration = self.file.registration
        _enforce(
            rules.case_is_open(self.file, "assess the child"),
            _unreviewed(form.supervisor_review, "assessment", "approve_assessment"),
            rules.not_before(
                "assessment", form.start_date, "registration", registration.date_of_interview
            )
            if registration
            else None,
        )
        self.file.assessments.append(form)
        self.file.reassessment_requested_on = None
        self.file.status = CaseStatus.ASSESSED
        self._set_risk(form.completion_date, form.risk_level, "assessment", form.risk_reasons)
        needs = " Supervisor approval needed." if rules.approval_needed(self.sop, form) else ""
        self._log(
            form.completion_date,
            by,
            Step.ASSESSMENT,
            "assess",
            f"Comprehensive assessment: {form.risk_level.value.lower()} risk.{needs}",
        )

    def approve_assessment(self, review: SupervisorReview, by: str) -> None:
        _enforce(
            rules.case_is_open(self.file, "review the assessment"),
            None
            if self.file.assessments
            else Refusal(
                rule="Nothing to review",
                expected="An assessment is filed before its review.",
                happened="there is no assessment on file.",
                todo="File the assessment first.",
            ),
        )
        current = self.file.assessments[-1]
        _enforce(rules.review_is_approval(review, "assessment", current.completion_date))
        self.file.assessments[-1] = current.model_copy(update={"supervisor_review": review})
        verdict = "approved" if review.approved else f"sent back: {review.amendments}"
        self._log(
            review.date or current.completion_date,
            by,
            Step.ASSESSMENT,
            "approve_assessment",
            f"Supervisor {review.supervisor} {verdict}.",
        )

    # -- step 3 ----------------------------------------------------------------------
    def plan(self, plan: CasePlan, by: str) -> None:
        _enforce(
            rules.case_is_open(self.file, "make a case plan"),
            _unreviewed(plan.supervisor_review, "case plan", "approve_plan"),
            rules.assessment_approved(self.file, self.sop, "make a case plan"),
        )
        _enforce(rules.plan_responds_to_assessment(self.file, plan))
        self.file.plans.append(plan)
        self.file.replanning_requested_on = None
        self.file.status = CaseStatus.PLANNED
        self._log(
            plan.date_agreed,
            by,
            Step.CASE_PLANNING,
            "plan",
            f"Case plan agreed with {len(plan.actions)} actions; awaiting supervisor approval.",
        )

    def approve_plan(self, review: SupervisorReview, by: str) -> None:
        _enforce(
            self._check_status(
                CaseStatus.PLANNED, doing="review the case plan", todo="File a case plan first."
            ),
        )
        current = self.file.plans[-1]
        _enforce(rules.review_is_approval(review, "case plan", current.date_agreed))
        self.file.plans[-1] = current.model_copy(update={"supervisor_review": review})
        if review.approved:
            self.file.status = CaseStatus.IMPLEMENTATION
            verdict = "approved: implementation can start"
        else:
            verdict = f"sent back: {review.amendments}"
        self._log(
            review.date or current.date_agreed,
            by,
            Step.CASE_PLANNING,
            "approve_plan",
            f"Supervisor {review.supervisor} {verdict}.",
        )

    # -- step 4 ----------------------------------------------------------------------
    def provide_service(self, form: ServicesProvidedForm, by: str) -> None:
        _enforce(
            rules.case_is_open(self.file, "record a service"),
            rules.plan_approved(self.file, "provide services under it"),
            rules.referral_on_file_for(self.file, form),
        )
        self.file.services.append(form)
        how = "directly" if form.is_direct else "through referral"
        self._log(
            form.date_completed,
            by,
            Step.IMPLEMENTATION,
            "provide_service",
            f"Service provided {how}: {', '.join(map(str, form.service_types))} "
            f"(from {fmt(form.date_started)}).",
        )

    def refer(self, form: ReferralForm, by: str) -> None:
        """A referral can be initiated at any step once the case is registered (003)."""
        _enforce(
            rules.case_is_open(self.file, "refer the child"),
            rules.consent_for_referral(self.file, form),
            rules.phone_only_high_risk(self.file, form),
            rules.not_before(
                "referral", form.date, "registration", self.file.registration.date_of_interview
            )
            if self.file.registration
            else None,
        )
        self.file.referrals.append(form)
        # A referral before the plan is implemented answers an immediate need of its step.
        step = (
            Step.IMPLEMENTATION
            if self.file.status is CaseStatus.IMPLEMENTATION
            else (self._current_step())
        )
        to = form.referred_to.agency or form.referred_to.name
        self._log(
            form.date,
            by,
            step,
            "refer",
            f"{form.referral_type.value} referral to {to} "
            f"for {', '.join(map(str, form.services))}; {form.priority.value.lower()} "
            f"priority (respond within {self.sop.referral_response[form.priority]}).",
        )

    # -- step 5 ----------------------------------------------------------------------
    def follow_up(self, form: FollowUpForm, by: str) -> None:
        """From registration until closure, and the visit(s) within 3 months after closure."""
        closed = self.file.status is CaseStatus.CLOSED
        if closed:
            closed_on = self.file.closures[-1].date_closed
            limit = self.sop.post_closure_visit_within.after(closed_on)
            _enforce(
                rules.not_before("follow-up", form.date, "closure", closed_on),
                None
                if form.date <= limit
                else Refusal(
                    rule="Follow-up after closure",
                    expected=f"After closure, one visit within {self.sop.post_closure_visit_within}"
                    f" (by {fmt(limit)}) checks the situation remains stable.",
                    happened=f"this follow-up is dated {fmt(form.date)}.",
                    todo="If new concerns have come up, reopen the case.",
                ),
            )
        else:
            _enforce(rules.case_is_open(self.file, "follow up"))
        self.file.follow_ups.append(form)
        what = "Visit after closure" if closed else "Follow-up"
        self._log(
            form.date,
            by,
            Step.CLOSURE if closed else Step.FOLLOW_UP_REVIEW,
            "follow_up",
            f"{what} with {', '.join(w.value.lower() for w in form.with_whom)} "
            f"({', '.join(c.value.lower() for c in form.channels)}).",
        )

    def review(self, form: ReviewForm, by: str) -> None:
        """A case review meeting; its decisions can send the case back to assessment or
        planning and change the risk level (which re-plans what is due)."""
        _enforce(
            rules.case_is_open(self.file, "hold a case review"),
            rules.plan_approved(self.file, "review its implementation")
            if not (self.file.reassessment_requested_on or self.file.replanning_requested_on)
            else None,
        )
        self.file.reviews.append(form)
        decisions = []
        if form.risk_changed and form.new_risk_level:
            self._set_risk(form.date, form.new_risk_level, "review", form.risk_details)
            decisions.append(f"risk level now {form.new_risk_level.value.lower()}")
        if form.new_assessment_needed:
            self.file.reassessment_requested_on = form.date
            self.file.status = CaseStatus.REGISTERED
            decisions.append("back to assessment")
        elif form.plan_adjustments_needed:
            self.file.replanning_requested_on = form.date
            self.file.status = CaseStatus.ASSESSED
            decisions.append("case plan to be adjusted")
        if form.recommend_closure:
            decisions.append("closure recommended")
        if form.next_review_date:
            decisions.append(f"next review {fmt(form.next_review_date)}")
        self._log(
            form.date,
            by,
            Step.FOLLOW_UP_REVIEW,
            "review",
            "Case review: " + ("; ".join(decisions) or "no change") + ".",
        )

    # -- step 6 ----------------------------------------------------------------------
    def close(self, form: ClosureForm, by: str) -> None:
        _enforce(
            rules.case_is_open(self.file, "close the case"),
            rules.closure_allowed(self.file, self.sop, form),
        )
        self.file.closures.append(form)
        self.file.status = CaseStatus.CLOSED
        self._log(
            form.date_closed,
            by,
            Step.CLOSURE,
            "close",
            f"Case closed: {form.reason.value.split(',')[0]}; file kept until "
            f"{fmt(form.stored_until)}.",
        )

    def transfer(
        self,
        on: dt.date,
        to_agency: str,
        reason: str,
        by: str,
        to_caseworker: str | None = None,
        handover: str | None = None,
    ) -> None:
        """A distinct ending: the file is handed over, with consent, to another provider."""
        _enforce(
            rules.case_is_open(self.file, "transfer the case"),
            rules.transfer_allowed(self.file),
        )
        self.file.transfers.append(
            Transfer(
                on=on,
                to_agency=to_agency,
                reason=reason,
                to_caseworker=to_caseworker,
                handover=handover,
            )
        )
        self.file.status = CaseStatus.TRANSFERRED
        self._log(on, by, Step.CLOSURE, "transfer", f"Case transferred to {to_agency}: {reason}.")

    def reopen(self, on: dt.date, reason: str, by: str) -> None:
        """A closed case reopens with its whole history; a new assessment is due."""
        _enforce(
            self._check_status(
                CaseStatus.CLOSED,
                doing="reopen the case",
                todo="Only a closed case can be reopened.",
            ),
            rules.not_before("reopening", on, "closure", self.file.closures[-1].date_closed)
            if self.file.closures
            else None,
        )
        self.file.reopenings.append(Reopening(on=on, reason=reason))
        self.file.status = CaseStatus.REGISTERED
        self.file.reassessment_requested_on = on
        self._log(
            on, by, Step.ASSESSMENT, "reopen", f"Case reopened: {reason}. New assessment due."
        )

    def record_feedback(self, form: ChildFeedbackForm | CaregiverFeedbackForm, by: str) -> None:
        _enforce(
            None if self.file.registration else rules.case_is_open(self.file, "collect feedback"),
        )
        if isinstance(form, ChildFeedbackForm):
            self.file.child_feedback.append(form)
            who = "child"
        else:
            self.file.caregiver_feedback.append(form)
            who = "caregiver"
        self._log(
            form.date_completed,
            by,
            Step.CLOSURE if self.file.status is CaseStatus.CLOSED else Step.FOLLOW_UP_REVIEW,
            "feedback",
            f"Feedback from the {who} on the case management process.",
        )

    OPERATIONS: dict[str, Callable[..., None]]  # filled below for tools that replay cases


Case.OPERATIONS = {
    name: getattr(Case, name)
    for name in (
        "record_consent",
        "register",
        "assess",
        "approve_assessment",
        "plan",
        "approve_plan",
        "provide_service",
        "refer",
        "follow_up",
        "review",
        "close",
        "transfer",
        "reopen",
        "record_feedback",
    )
}
