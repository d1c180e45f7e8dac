"""6.B Child feedback form and 6.C caregiver feedback form."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field, field_validator

from cmsim.dates import DayFirstDate
from cmsim.forms.base import Form, ServiceItem
from cmsim.vocab import (
    CaregiverRelationship,
    ConnectedToServices,
    HeardFromCaregiver,
    HeardFromChild,
    Sex,
    YesNoCannotRecall,
)

RATED = range(9, 17)
# Items 9, 11 and 13 are worded negatively: a LOW score is the good answer.
NEGATIVE_ITEMS = frozenset({9, 11, 13})

CHILD_QUESTIONS: dict[int, str] = {
    1: "How did you find out about the case management services?",
    2: "Before you started working with the caseworker, were you asked whether you wanted to "
    "be helped in this way?",
    3: "What type of support were you expecting?",
    4: "Did you get the support you were expecting to receive?",
    5: "Did the caseworker make a plan [case plan] together with you to get you the support "
    "that you needed?",
    6: "Did the caseworker connect you to services that were able to help you?",
    7: "Whenever the caseworker shared information about you with others, were you asked "
    "whether you agreed to share that information about you and your situation with those "
    "others?",
    8: "Did you make the decision to stop case management services together with the caseworker?",
    9: "The caseworker explained things in a way that was difficult to understand for me.",
    10: "The caseworker always asked for and listened to my views, opinions and feelings.",
    11: "I often felt pressured by the caseworker to make a decision or to do something I did "
    "not wish to do.",
    12: "The caseworker followed-up and did the things s/he said s/he would do.",
    13: "The caseworker only visited me rarely.",
    14: "The support the caseworker provided to me and my family was useful.",
    15: "Since I have been working with the caseworker my situation has improved.",
    16: "Overall, I am very satisfied with the support provided by the caseworker.",
    17: "Do you have any other feedback or concerns you would like to share?",
}

CAREGIVER_QUESTIONS: dict[int, str] = {
    **CHILD_QUESTIONS,
    2: "Before you started working with the caseworker, were you asked whether you wanted your "
    "child to be helped in this way?",
    4: "Did your child (and you and your family – where applicable) get the support you were "
    "expecting to receive?",
    5: "Did the caseworker make a plan [case plan] together with you and your child to get you "
    "the support that s/he needed?",
    6: "Did the caseworker connect your child (and you and your family – where applicable) to "
    "services that were able to help you?",
    7: "Whenever the caseworker shared information about your child (and you and your family – "
    "where applicable) with others, were you asked whether you agreed to share that "
    "information with those others?",
    8: "Did you (and your child where appropriate) make the decision to stop case management "
    "services together with the caseworker?",
    13: "The caseworker only visited me and my child rarely.",
    14: "The support the caseworker provided to my child (and me and my family – where "
    "applicable) was useful.",
    15: "Since we have been working with the caseworker my child's situation has improved.",
}

Rating = Annotated[int, Field(ge=1, le=10)]


class _Feedback(Form):
    date_completed: DayFirstDate
    sex: Sex | None = None
    dob: DayFirstDate | None = None
    consent_date: DayFirstDate
    asked_before_helping: YesNoCannotRecall  # q2
    expected_support: list[ServiceItem] = Field(default_factory=list)  # q3
    expected_support_other: str | None = None
    got_expected_support: YesNoCannotRecall  # q4
    plan_made_together: YesNoCannotRecall  # q5
    connected_to_services: ConnectedToServices  # q6
    asked_before_sharing: YesNoCannotRecall  # q7
    decided_to_stop_together: YesNoCannotRecall  # q8
    ratings: dict[int, Rating] = Field(description="Questions 9-16, from 1 to 10")
    other_feedback: YesNoCannotRecall  # q17
    details: dict[int, str] = Field(default_factory=dict, description="'Please provide details'")

    @field_validator("ratings")
    @classmethod
    def _all_rated(cls, ratings: dict[int, int]) -> dict[int, int]:
        missing = [q for q in RATED if q not in ratings]
        unknown = [q for q in ratings if q not in RATED]
        if missing or unknown:
            raise ValueError(
                "questions 9 to 16 each need a number from 1 to 10"
                + (f"; missing: {', '.join(map(str, missing))}" if missing else "")
                + (f"; not rated questions: {', '.join(map(str, unknown))}" if unknown else "")
            )
        return ratings

    def agreement(self, question: int) -> int:
        """The score turned so that 10 is always the good answer (negative items reversed)."""
        score = self.ratings[question]
        return 11 - score if question in NEGATIVE_ITEMS else score


class ChildFeedbackForm(_Feedback):
    child_consent_name: str
    caregiver_consent_name: str | None = None
    heard_from: HeardFromChild  # q1
    heard_from_other: str | None = None
    QUESTIONS: ClassVar[dict[int, str]] = CHILD_QUESTIONS


class CaregiverFeedbackForm(_Feedback):
    relationship: CaregiverRelationship
    relationship_other: str | None = None
    consent_name: str
    heard_from: HeardFromCaregiver  # q1
    heard_from_other: str | None = None
    QUESTIONS: ClassVar[dict[int, str]] = CAREGIVER_QUESTIONS
