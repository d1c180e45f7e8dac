"""3.A Case plan."""

from __future__ import annotations

import re

from pydantic import Field, model_validator

from cmsim.dates import DayFirstDate
from cmsim.forms.base import Form, Model, SupervisorReview
from cmsim.sop import FrequencyText
from cmsim.vocab import ActionStatus


class PlanAction(Model):
    """One row of the intervention plan, in priority order from high to low."""

    action: str
    need: str = Field(description="Need responding to, as identified in the assessment")
    responsible: str
    due_date: DayFirstDate | None = None
    status: ActionStatus = ActionStatus.PENDING
    notes: str | None = None

    @property
    def is_referral(self) -> bool:
        """Read from the wording ('Refer the family to...'): the paper form has no such box."""
        return re.match(r"\s*refer\b", self.action, re.IGNORECASE) is not None


class PlanParticipant(Model):
    name: str
    relationship: str


class CasePlan(Form):
    date_agreed: DayFirstDate
    overall_goal: str = Field(description="A SMART goal")
    actions: list[PlanAction] = Field(min_length=1)
    participants: list[PlanParticipant] = Field(default_factory=list)
    disagreements: str | None = None
    child_involved: bool
    child_not_involved_why: str | None = None
    caregiver_involved: bool
    caregiver_not_involved_why: str | None = None
    follow_up_schedule: str | None = None
    # The schedule's frequency and end, when it sets them: it counts where it asks for more
    # visits than the SOP's floor for the risk level ("according to the case plan", checklist).
    follow_up_frequency: FrequencyText | None = None
    follow_up_until: DayFirstDate | None = None
    supervisor_review: SupervisorReview | None = None

    @model_validator(mode="after")
    def _consistent(self) -> CasePlan:
        if not self.child_involved and not self.child_not_involved_why:
            raise ValueError(
                "the child was not involved: say why and how the child will be involved"
            )
        if not self.caregiver_involved and not self.caregiver_not_involved_why:
            raise ValueError(
                "the caregiver was not involved: say why and how they will be involved"
            )
        for number, row in enumerate(self.actions, start=1):
            if row.due_date and row.due_date < self.date_agreed:
                raise ValueError(
                    f"action {number} ('{row.action[:40]}') is due {row.due_date:%d/%m/%Y}, "
                    f"before the plan was agreed on {self.date_agreed:%d/%m/%Y}; a due date "
                    "must fall on or after the day the plan is agreed"
                )
        return self
