"""1.A Consent & assent form: one for the child, one for the parent/guardian."""

from __future__ import annotations

from pydantic import Field, model_validator

from cmsim.dates import DayFirstDate
from cmsim.forms.base import Form, Model
from cmsim.vocab import (
    CONSENT_COVERING,
    AuthorisationGround,
    ConsentFrom,
    ConsentService,
    ServiceType,
    WithholdReason,
    _norm,
)


class Withholding(Model):
    """'Withhold specific information from' and 'what specific information to withhold'."""

    from_whom: str
    information: str


class SupervisorAuthorisation(Model):
    """Part 4: the supervisor may authorise when the child has no parent/guardian and is too
    young to consent, or is in imminent danger (sexual violence, severe abuse)."""

    supervisor: str
    ground: AuthorisationGround
    date: DayFirstDate


class ConsentForm(Form):
    date_completed: DayFirstDate
    obtained_from: ConsentFrom
    obtained_from_other: str | None = None
    person_name: str | None = Field(None, description="Name of person giving consent")
    relationship_to_child: str | None = Field(None, description="If not the child her/himself")
    participate: bool = Field(description="1. Permission to participate in case management")
    collect_and_store: bool = Field(
        description="2. Permission to collect and store information and share non-identifiable "
        "aggregate-level information for reporting"
    )
    share_for_services: bool = Field(
        description="3. Permission to share information with other service providers"
    )
    services: list[ConsentService] = Field(default_factory=list)
    services_other: str | None = None
    withhold: list[Withholding] = Field(default_factory=list)
    reasons: list[WithholdReason] = Field(default_factory=list)
    reasons_other: str | None = None
    caseworker: str
    date_signed: DayFirstDate
    supervisor_authorisation: SupervisorAuthorisation | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ConsentForm:
        if self.obtained_from is ConsentFrom.OTHER and not self.obtained_from_other:
            raise ValueError("consent obtained from 'Other': please specify from whom")
        if ConsentService.OTHER in self.services and not self.services_other:
            raise ValueError("'Other' service ticked for sharing: please specify which")
        if self.services and not self.share_for_services:
            raise ValueError(
                "services are ticked for sharing but permission 3 (information sharing for "
                "service provision) is not given"
            )
        if self.person_name is None and self.supervisor_authorisation is None:
            raise ValueError(
                "the form needs the name of the person giving consent, or a supervisor's "
                "authorisation"
            )
        return self

    @property
    def giver(self) -> str:
        if self.supervisor_authorisation:
            return f"supervisor {self.supervisor_authorisation.supervisor}"
        return str(self.person_name)

    def covers(self, service: ServiceType | str) -> bool:
        """Does this form allow sharing information for a referral to this service?"""
        if not self.share_for_services:
            return False
        if isinstance(service, ServiceType):
            wanted = CONSENT_COVERING[service]
            if wanted & set(self.services) - {ConsentService.OTHER}:
                return True
            label = service.value.split(" (")[0]
        else:
            label = service
        # Services named under "Other, please specify" count when the name matches.
        return ConsentService.OTHER in self.services and _norm(label) in _norm(
            self.services_other or ""
        )

    def covers_transfer(self) -> bool:
        return self.share_for_services and ConsentService.CASE_TRANSFER in self.services
