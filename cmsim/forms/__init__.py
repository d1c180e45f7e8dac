"""The case management forms of seed 003 as validated records."""

from .assessment import AssessmentForm, ImmediateIssue
from .base import Form, SupervisorReview
from .closure import ClosureCaregiver, ClosureForm, Signatory
from .consent import ConsentForm, SupervisorAuthorisation, Withholding
from .feedback import NEGATIVE_ITEMS, CaregiverFeedbackForm, ChildFeedbackForm
from .followup import FollowUpForm, ReviewForm
from .people import Caregiver, Child, HouseholdMember, ImportantPerson, Parent, Person
from .plan import CasePlan, PlanAction, PlanParticipant
from .registration import ImmediateConcernEntry, RegistrationForm
from .services import (
    FocalPoint,
    ReferralContact,
    ReferralForm,
    ReferredCaregiver,
    ReferredPerson,
    ServicesProvidedForm,
)

__all__ = [
    "NEGATIVE_ITEMS",
    "AssessmentForm",
    "Caregiver",
    "CaregiverFeedbackForm",
    "CasePlan",
    "Child",
    "ChildFeedbackForm",
    "ClosureCaregiver",
    "ClosureForm",
    "ConsentForm",
    "FocalPoint",
    "FollowUpForm",
    "Form",
    "HouseholdMember",
    "ImmediateConcernEntry",
    "ImmediateIssue",
    "ImportantPerson",
    "Parent",
    "Person",
    "PlanAction",
    "PlanParticipant",
    "ReferralContact",
    "ReferralForm",
    "ReferredCaregiver",
    "ReferredPerson",
    "RegistrationForm",
    "ReviewForm",
    "ServicesProvidedForm",
    "Signatory",
    "SupervisorAuthorisation",
    "SupervisorReview",
    "Withholding",
]
