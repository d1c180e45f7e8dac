"""4.A Services provided form and the referral form."""

from __future__ import annotations

from pydantic import Field, model_validator

from cmsim.dates import DayFirstDate
from cmsim.forms.base import Form, Model, Named, ServiceItem
from cmsim.vocab import (
    ContactRoute,
    ReferralChannel,
    ReferralFollowUpChannel,
    ReferralPriority,
    ReferralType,
    Satisfaction,
    ServiceType,
    Sex,
)


def _check_other(services: list, other: str | None) -> None:
    if ServiceType.OTHER in services and not other:
        raise ValueError("'Other' service type ticked: please specify it")


class FocalPoint(Model):
    name: str
    agency: str | None = None
    position: str | None = None
    contact: str | None = None
    location: str | None = None


class ServicesProvidedForm(Form):
    date_completed: DayFirstDate
    service_types: list[ServiceItem] = Field(min_length=1)
    service_other: str | None = None
    internal_referral: bool | None = None
    internal_referral_date: DayFirstDate | None = None
    external_referral: bool | None = None
    external_referral_date: DayFirstDate | None = None
    date_started: DayFirstDate
    date_service_completed: DayFirstDate | None = None
    details: str | None = None
    recommendations: str | None = None
    focal_points: list[FocalPoint] = Field(default_factory=list)
    child_satisfaction: Satisfaction | None = None
    child_suggestions: str | None = None
    caregiver_satisfaction: Satisfaction | None = None
    caregiver_suggestions: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ServicesProvidedForm:
        _check_other(self.service_types, self.service_other)
        if self.date_service_completed and self.date_service_completed < self.date_started:
            raise ValueError("the service cannot be completed before it started")
        for flag, when in (
            (self.internal_referral, self.internal_referral_date),
            (self.external_referral, self.external_referral_date),
        ):
            if when and not flag:
                raise ValueError("a referral date is given but the referral box is not ticked")
        return self

    @property
    def is_direct(self) -> bool:
        """Provided by the caseworker's own service, not through a referral."""
        return not (self.internal_referral or self.external_referral)


class ReferralContact(Model):
    name: str
    agency: str | None = None
    position: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None


class ReferredPerson(Named):
    """3. Key information: all optional, only what the service needs and consent allows."""

    other_names: str | None = None
    dob: DayFirstDate | None = None
    dob_estimated: bool | None = None
    sex: Sex | None = None
    previous_case_code: str | None = None
    national_id: str | None = None
    unhcr_id: str | None = None
    other_id: str | None = None
    languages: list[str] = Field(default_factory=list)
    special_communication_needs: str | None = None
    address: str | None = None
    contact: str | None = None


class ReferredCaregiver(Named):
    other_names: str | None = None
    dob: DayFirstDate | None = None
    dob_estimated: bool | None = None
    sex: Sex | None = None
    relationship: str | None = None
    address: str | None = None
    contact: str | None = None


class ReferralForm(Form):
    consent_given: bool = Field(description="Consent/assent for this referral provided")
    consent_not_given_why: str | None = None
    date: DayFirstDate
    referral_type: ReferralType
    priority: ReferralPriority
    channel: ReferralChannel
    referred_by: ReferralContact
    referred_to: ReferralContact
    person: ReferredPerson = Field(default_factory=ReferredPerson)
    caregiver_informed: bool | None = None
    caregiver_not_informed_why: str | None = None
    caregiver: ReferredCaregiver | None = None
    reason: str
    services: list[ServiceItem] = Field(min_length=1)
    service_other: str | None = None
    expected_outcome: str | None = None
    accepted: bool | None = None
    not_accepted_reason: str | None = None
    contact_route: ContactRoute | None = None
    follow_up_channels: list[ReferralFollowUpChannel] = Field(default_factory=list)
    follow_up_other: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ReferralForm:
        _check_other(self.services, self.service_other)
        if not self.consent_given and not self.consent_not_given_why:
            raise ValueError("consent for this referral is not given: please specify why")
        if self.accepted is False and not self.not_accepted_reason:
            raise ValueError("the referral was not accepted: state the provider's reasons")
        return self
