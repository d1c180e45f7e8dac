"""5.A Follow-up form and 5.B review form."""

from __future__ import annotations

from pydantic import Field, model_validator

from cmsim.dates import DayFirstDate
from cmsim.forms.base import Form
from cmsim.sop import FrequencyText
from cmsim.vocab import ActionConducted, FollowUpChannel, FollowUpWith, RiskLevel, SituationChange


class FollowUpForm(Form):
    date_completed: DayFirstDate
    date: DayFirstDate = Field(description="Date of follow-up")
    previous_date: DayFirstDate | None = None
    with_whom: list[FollowUpWith] = Field(min_length=1)
    with_whom_other: str | None = None
    channels: list[FollowUpChannel] = Field(min_length=1)
    channel_other: str | None = None
    on_plan_action: bool
    element_followed: str | None = Field(
        None, description="Which action/service from the case plan, or what other element"
    )
    purpose: str | None = None
    outcome: str | None = None
    action_conducted: ActionConducted | None = None
    situation_change: SituationChange | None = None
    further_follow_up: bool
    next_date: DayFirstDate | None = None
    recommendations: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> FollowUpForm:
        if self.previous_date and self.previous_date > self.date:
            raise ValueError("the previous follow-up cannot come after this one")
        if self.next_date and self.next_date < self.date:
            raise ValueError("the next follow-up cannot come before this one")
        if self.further_follow_up and not self.next_date:
            raise ValueError("further follow-up is needed: give the date of the next one")
        return self


class ReviewForm(Form):
    date_completed: DayFirstDate
    date: DayFirstDate = Field(description="Date of review meeting")
    previous_date: DayFirstDate | None = None
    child_present: bool
    child_involvement: str | None = None
    caregiver_present: bool
    caregiver_involvement: str | None = None
    situation: str
    plan_implementation: str
    progress_towards_goal: str
    notes: str | None = None
    new_assessment_needed: bool
    new_assessment_details: str | None = None
    plan_adjustments_needed: bool
    plan_adjustments_details: str | None = None
    risk_changed: bool
    new_risk_level: RiskLevel | None = None
    risk_details: str | None = None
    recommend_closure: bool
    closure_details: str | None = None
    next_review_needed: bool
    next_review_date: DayFirstDate | None = None
    # Follow-up the review asks for until the next review (or `follow_up_until`): it counts
    # where it asks for more visits than the SOP's floor for the new risk level.
    follow_up_frequency: FrequencyText | None = None
    follow_up_until: DayFirstDate | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ReviewForm:
        if self.risk_changed != (self.new_risk_level is not None):
            raise ValueError(
                "say both that the risk level changed and what the new level is (or neither)"
            )
        if not self.child_present and not self.child_involvement:
            raise ValueError("the child was not present: say how the child was involved")
        if not self.caregiver_present and not self.caregiver_involvement:
            raise ValueError("the caregiver was not present: say how they were involved")
        if self.next_review_needed and not self.next_review_date:
            raise ValueError("a next review is needed: give its date")
        if self.next_review_date and self.next_review_date <= self.date:
            raise ValueError("the next review must come after this one")
        return self
