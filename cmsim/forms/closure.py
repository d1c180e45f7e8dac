"""6.A Case closure form."""

from __future__ import annotations

from pydantic import Field, model_validator

from cmsim.dates import DayFirstDate
from cmsim.forms.base import Form, Model, SupervisorReview
from cmsim.vocab import CareArrangement, ClosureReason, FileStorage


class ClosureCaregiver(Model):
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    relationship: str | None = None
    address: str | None = None
    contact: str | None = None


class Signatory(Model):
    role: str
    name: str
    agency: str | None = None
    contact: str | None = None


class ClosureForm(Form):
    date_closed: DayFirstDate
    reason: ClosureReason
    reason_other: str | None = None
    reason_details: str
    weeks_open: int | None = Field(None, ge=0, description="How long the case has been open")
    situation_summary: str
    new_address: str | None = None
    new_contact: str | None = None
    care_arrangement: CareArrangement | None = None
    care_arrangement_other: str | None = None
    permanent_care: bool | None = None
    not_permanent_why: str | None = None
    primary_caregiver: ClosureCaregiver | None = None
    process_description: str
    agreed_with_child: bool
    not_agreed_with_child_why: str | None = None
    agreed_with_caregiver: bool
    not_agreed_with_caregiver_why: str | None = None
    child_feedback_gathered: bool
    child_feedback_not_why: str | None = None
    caregiver_feedback_gathered: bool
    caregiver_feedback_not_why: str | None = None
    final_follow_up_planned: bool = Field(
        description="A final follow-up meeting in 3 months' time has been planned"
    )
    final_follow_up_not_why: str | None = None
    file_complete: bool
    file_incomplete_why: str | None = None
    storage: FileStorage
    stored_until: DayFirstDate
    told_who_to_contact: bool
    not_told_why: str | None = None
    contact_person: str | None = None
    signatories: list[Signatory] = Field(default_factory=list)
    supervisor_approval: SupervisorReview | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ClosureForm:
        if self.reason is ClosureReason.OTHER and not self.reason_other:
            raise ValueError("closure reason 'Other': please specify it")
        for done, why, what in (
            (self.agreed_with_child, self.not_agreed_with_child_why, "agreed with the child"),
            (
                self.agreed_with_caregiver,
                self.not_agreed_with_caregiver_why,
                "agreed with the caregiver(s)",
            ),
            (self.final_follow_up_planned, self.final_follow_up_not_why, "final follow-up planned"),
            (self.file_complete, self.file_incomplete_why, "case file complete"),
            (self.told_who_to_contact, self.not_told_why, "child told who to contact"),
        ):
            if not done and not why:
                raise ValueError(f"'{what}' is answered No: please specify why")
        if self.stored_until <= self.date_closed:
            raise ValueError("the file must be stored until a date after closure")
        return self
