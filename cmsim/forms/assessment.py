"""2.A Assessment form (the comprehensive assessment)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, model_validator

from cmsim.dates import DayFirstDate
from cmsim.forms.base import ConcernItem, Form, Model, SupervisorReview
from cmsim.forms.registration import _check_other
from cmsim.vocab import BIDRequirement, RiskLevel


class ImmediateIssue(Model):
    concern: str
    summary: str | None = None
    action_taken: str | None = None


class AssessmentForm(Form):
    start_date: DayFirstDate
    completion_date: DayFirstDate
    home_visit: bool
    home_visit_details: str | None = None
    seen_alone: bool
    seen_alone_details: str | None = None
    views_child: str
    views_caregivers: str | None = None
    # 2. Assessment of needs: risk factors, protective factors and needs, by area.
    physical_wellbeing: str | None = None
    emotional_wellbeing: str | None = None
    social_relationships: str | None = None
    education_work: str | None = None
    documentation: str | None = None
    living_environment: str | None = None
    care_arrangement: str | None = None
    community: str | None = None
    summary: str
    protection_concerns: list[ConcernItem] = Field(default_factory=list)
    protection_concerns_other: str | None = None
    risk_level: RiskLevel
    risk_reasons: str
    immediate_concerns: list[ImmediateIssue] = Field(default_factory=list)
    bid: BIDRequirement | None = None
    bid_details: str | None = None
    supervisor_review: SupervisorReview | None = None

    NEEDS_AREAS: ClassVar[tuple[str, ...]] = (
        "physical_wellbeing",
        "emotional_wellbeing",
        "social_relationships",
        "education_work",
        "documentation",
        "living_environment",
        "care_arrangement",
        "community",
    )

    @model_validator(mode="after")
    def _consistent(self) -> AssessmentForm:
        if self.completion_date < self.start_date:
            raise ValueError("the assessment cannot be completed before it started")
        if not self.home_visit and not self.home_visit_details:
            raise ValueError("no home visit: please provide details why")
        if not self.seen_alone and not self.seen_alone_details:
            raise ValueError("child not seen alone: please provide details why")
        _check_other(self.protection_concerns, self.protection_concerns_other)
        return self

    def empty_areas(self) -> list[str]:
        return [name for name in self.NEEDS_AREAS if not getattr(self, name)]
