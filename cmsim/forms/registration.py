"""1.B Case registration & initial assessment form."""

from __future__ import annotations

from pydantic import Field, model_validator

from cmsim.dates import DayFirstDate
from cmsim.forms.base import ConcernItem, Form, Model
from cmsim.forms.people import Caregiver, Child, HouseholdMember, ImportantPerson, Parent
from cmsim.vocab import CareArrangement, ImmediateConcern, ProtectionConcern, RiskLevel


class ImmediateConcernEntry(Model):
    concern: ImmediateConcern | str
    reasons: str | None = None
    action_taken: str | None = Field(None, description="Immediate action taken/referral conducted")


def _check_other(concerns: list, other: str | None) -> None:
    if ProtectionConcern.OTHER in concerns and not other:
        raise ValueError("'Other' protection concern ticked: please specify it")


class RegistrationForm(Form):
    date_identified: DayFirstDate = Field(description="Date case was identified / reported")
    date_of_interview: DayFirstDate
    date_completed: DayFirstDate
    caseworker: str
    agency: str | None = None
    eligible: bool = Field(description="Case meets eligibility criteria")
    consent_form_completed: bool
    child: Child
    care_arrangement: CareArrangement
    care_arrangement_other: str | None = None
    address: str | None = Field(None, description="Where the child is living, so others can find")
    planned_move: str | None = None
    caregiver: Caregiver | None = Field(None, description="If not with parents")
    household: list[HouseholdMember] = Field(default_factory=list)
    mother: Parent | None = None
    father: Parent | None = None
    important_persons: list[ImportantPerson] = Field(default_factory=list)
    protection_concerns: list[ConcernItem] = Field(default_factory=list)
    protection_concerns_other: str | None = None
    risk_level: RiskLevel
    risk_reasons: str
    immediate_concerns: list[ImmediateConcernEntry] = Field(
        default_factory=list, description="Empty when the form ticks 'NO'"
    )

    @model_validator(mode="after")
    def _consistent(self) -> RegistrationForm:
        if self.date_of_interview < self.date_identified:
            raise ValueError("the interview cannot come before the case was identified")
        if self.date_completed < self.date_of_interview:
            raise ValueError("the form cannot be completed before the interview")
        _check_other(self.protection_concerns, self.protection_concerns_other)
        return self

    @property
    def date_registered(self) -> DayFirstDate:
        """Registration happens at the interview, right after consent (1.B overview)."""
        return self.date_of_interview
