"""The people of a case (registration form, sections 2-4)."""

from __future__ import annotations

from pydantic import Field

from cmsim.dates import DayFirstDate
from cmsim.forms.base import Model, Named
from cmsim.vocab import Alive, CaregiverWillingness, PopulationGroup, Sex


class Person(Named):
    other_names: str | None = None
    dob: DayFirstDate | None = None
    dob_estimated: bool | None = Field(None, description="If estimated, DOB = 01 January")
    sex: Sex | None = None
    national_id: str | None = None
    unhcr_id: str | None = None
    other_id: str | None = None


class Child(Person):
    previous_case_code: str | None = Field(None, description="If transferred from other agency")
    nationality: str | None = None
    population_group: PopulationGroup | None = None
    population_group_other: str | None = None
    ethnic_affiliation: str | None = None
    languages: list[str] = Field(default_factory=list)
    special_communication_needs: str | None = None
    religion: str | None = None
    contact: str | None = None


class Caregiver(Person):
    """Main person caring for the child when not with parents."""

    related: bool | None = None
    knows_family: bool | None = None
    relationship: str | None = None
    family_size_under_18: int | None = Field(None, ge=0)
    family_size_over_18: int | None = Field(None, ge=0)
    arrangement_started: DayFirstDate | None = None
    willing_to_continue: CaregiverWillingness | None = None
    not_willing_details: str | None = None
    willing_for_how_long: str | None = None
    contact: str | None = None
    child_consents_to_contact: bool | None = None
    no_contact_details: str | None = None


class Parent(Person):
    alive: Alive | None = None
    deceased_when_how: str | None = None
    death_verified: bool | None = None
    ethnic_affiliation: str | None = None
    occupation: str | None = None
    address: str | None = Field(None, description="If different to the child's")
    contact: str | None = None
    child_consents_to_contact: bool | None = None
    no_contact_details: str | None = None


class HouseholdMember(Model):
    full_name: str
    age: int | None = Field(None, ge=0, le=130)
    relationship: str | None = None
    contact: str | None = None
    consent_to_contact: bool | None = None


class ImportantPerson(HouseholdMember):
    """Other important family members and persons outside the household."""

    address: str | None = None
