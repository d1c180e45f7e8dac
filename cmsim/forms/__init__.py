"""The case management forms of seed 003 as validated records."""

from cmsim.forms.assessment import AssessmentForm, ImmediateIssue
from cmsim.forms.base import Form, SupervisorReview
from cmsim.forms.closure import ClosureCaregiver, ClosureForm, Signatory
from cmsim.forms.consent import ConsentForm, SupervisorAuthorisation, Withholding
from cmsim.forms.feedback import NEGATIVE_ITEMS, CaregiverFeedbackForm, ChildFeedbackForm
from cmsim.forms.followup import FollowUpForm, ReviewForm
from cmsim.forms.people import Caregiver, Child, HouseholdMember, ImportantPerson, Parent, Person
from cmsim.forms.plan import CasePlan, PlanAction, PlanParticipant
from cmsim.forms.registration import ImmediateConcernEntry, RegistrationForm
from cmsim.forms.services import (
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
