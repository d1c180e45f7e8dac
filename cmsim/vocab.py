"""Every tick-list of the case management forms (seed 003), item for item.

Values are the forms' own wording, so a trainer reading a data file sees the paper form.
Lists the forms mark "Contextualise" (protection concerns, service types) can be extended
by the SOP; see `cmsim.sop.SOP.contextualise`.
"""

from __future__ import annotations

import re
from enum import StrEnum


def _norm(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", text).strip().casefold()


class Vocab(StrEnum):
    """A form tick-list. Matching is forgiving about case, spacing and curly quotes."""

    @classmethod
    def _missing_(cls, value: object) -> Vocab | None:
        if not isinstance(value, str):
            return None
        wanted = _norm(value)
        for member in cls:
            if _norm(member.value) == wanted or _norm(member.name) == wanted:
                return member
        for alias, member_name in getattr(cls, "_aliases", lambda: {})().items():
            if _norm(alias) == wanted:
                return cls[member_name]
        return None

    @classmethod
    def labels(cls) -> list[str]:
        return [m.value for m in cls]


class ProtectionConcern(Vocab):
    PHYSICAL_ABUSE = "Physical abuse / violence"
    SEXUAL_ABUSE = "Sexual abuse / violence"
    RAPE = "Rape"
    EMOTIONAL_ABUSE = "Emotional or psychological abuse / violence"
    NEGLECT = "Neglect"
    ABANDONMENT = "Abandonment"
    CHILD_LABOUR = "Child labour (not Worst Forms)"
    HAZARDOUS_WORK = "Hazardous work"
    # The registration form says "Sexual exploitation", the assessment form "Sexual
    # exploitation and abuse (SEA)": one concern, both spellings accepted.
    SEXUAL_EXPLOITATION = "Sexual exploitation"
    TRAFFICKING = "Slavery / sale / abduction / trafficking / forced labour"
    CONFLICT_WITH_LAW = "In conflict with the law"
    CAAFAG = "Associated with Armed Forces or Groups"
    DETENTION = "Deprived of liberty / in detention"
    SERIOUS_MEDICAL = "Serious medical condition"
    DIFFICULTY_SEEING = "Functional difficulty (seeing, even if wearing glasses)"
    DIFFICULTY_HEARING = "Functional difficulty (hearing, even if using hearing aids)"
    DIFFICULTY_WALKING = "Functional difficulty (walking or using parts of her/his body)"
    DIFFICULTY_REMEMBERING = "Functional difficulty (remembering or concentrating)"
    DIFFICULTY_SELF_CARE = (
        "Difficulty with self-care such as feeding or dressing her/himself "
        "(compared to other children of the same age)"
    )
    DIFFICULTY_COMMUNICATING = "Difficulty communicating"
    UNACCOMPANIED = "Unaccompanied"
    SEPARATED = "Separated"
    ORPHAN = "Orphan"
    PSYCHOSOCIAL_DISTRESS = "Psychosocial distress"
    MENTAL_DISORDER = "Mental disorder"
    SUBSTANCE_ABUSE = "Substance abuse and addiction (child)"
    MARGINALISED = "Belongs to marginalised / discriminated group"
    NO_DOCUMENTATION = "Lack of documentation / birth registration"
    CHILD_MARRIAGE = "Child marriage"
    FGM = "Female genital mutilation (FGM)"
    PREGNANCY = "Pregnancy / child parent"
    DENIAL_OF_RESOURCES = "Denial of resources, opportunities or services"
    VULNERABLE_CARE = (
        "Highly vulnerable care arrangement e.g. >8 children in household, "
        "caregiver's substance abuse, single vulnerable caregiver"
    )
    EXPLOSIVE_ORDNANCE = "Child survivor of Explosive Ordnance (EO)"
    OTHER = "Other, please specify"

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        return {
            "Sexual exploitation and abuse (SEA)": "SEXUAL_EXPLOITATION",
            "Child labour": "CHILD_LABOUR",
        }


class ServiceType(Vocab):
    """Types of service on the referral, services provided and feedback forms."""

    ALTERNATIVE_CARE = "Alternative care"
    SECURITY = "Security (e.g. safe shelter)"
    EDUCATION_FORMAL = "Education (formal)"
    NON_FORMAL_EDUCATION = "Non-formal education"
    FTR = "Family tracing and reunification"
    BASIC_PSS = "Basic psychosocial support"
    FOCUSED_MHPSS = "Focused non-specialized MHPSS care"
    SPECIALIZED_MHPSS = "Specialized MHPSS services"
    FOOD = "Food"
    NFI = "Non-food items"
    CASH = "Cash assistance"
    LIVELIHOODS = "Livelihoods"
    MEDICAL = "Medical"
    NUTRITION = "Nutrition"
    LEGAL = "Legal support"
    DOCUMENTATION = "Documentation"
    DISABILITY = "Services for children with disabilities"
    SRH = "Sexual and Reproductive Health"
    SHELTER = "Shelter"
    WASH = "WASH"
    DURABLE_SOLUTION = "Durable solution (in coordination with UNHCR)"
    RELOCATION = "Relocation"
    OTHER = "Other, please specify"


class ConsentService(Vocab):
    """Services information may be shared for (consent & assent form, part 3)."""

    ALTERNATIVE_CARE = "Alternative care"
    CASH = "Cash assistance"
    EDUCATION_FORMAL = "Education (formal)"
    FTR = "Family tracing and reunification"
    FOOD = "Food"
    GBV = "GBV survivor support"
    LEGAL = "Legal support"
    LIVELIHOODS = "Livelihoods"
    MEDICAL = "Medical"
    MENTAL_HEALTH = "Mental health"
    NFI = "Non-food items"
    NON_FORMAL_EDUCATION = "Non-formal education"
    NUTRITION = "Nutrition"
    PSS = "Psychosocial support"
    DISABILITY = "Services for children with disabilities"
    SHELTER = "Shelter"
    SRH = "Sexual and Reproductive Health"
    RESCUE = "Rescue"
    WASH = "WASH"
    CASE_TRANSFER = "Case Transfer"
    OTHER = "Other, please specify"


_S, _C = ServiceType, ConsentService
# The consent form and the referral form use two different lists. A referral for a service
# is covered by consent to share for any of these consent items. Where the consent list has
# no counterpart (documentation, durable solution, relocation) we choose the nearest item or
# "Other, please specify" naming the service; this mapping is our reading, not the seed's.
CONSENT_COVERING: dict[ServiceType, frozenset[ConsentService]] = {
    _S.ALTERNATIVE_CARE: frozenset({_C.ALTERNATIVE_CARE}),
    _S.SECURITY: frozenset({_C.SHELTER, _C.RESCUE}),
    _S.EDUCATION_FORMAL: frozenset({_C.EDUCATION_FORMAL}),
    _S.NON_FORMAL_EDUCATION: frozenset({_C.NON_FORMAL_EDUCATION}),
    _S.FTR: frozenset({_C.FTR}),
    _S.BASIC_PSS: frozenset({_C.PSS}),
    _S.FOCUSED_MHPSS: frozenset({_C.PSS, _C.MENTAL_HEALTH}),
    _S.SPECIALIZED_MHPSS: frozenset({_C.MENTAL_HEALTH}),
    _S.FOOD: frozenset({_C.FOOD}),
    _S.NFI: frozenset({_C.NFI}),
    _S.CASH: frozenset({_C.CASH}),
    _S.LIVELIHOODS: frozenset({_C.LIVELIHOODS}),
    _S.MEDICAL: frozenset({_C.MEDICAL}),
    _S.NUTRITION: frozenset({_C.NUTRITION}),
    _S.LEGAL: frozenset({_C.LEGAL}),
    _S.DOCUMENTATION: frozenset({_C.LEGAL}),
    _S.DISABILITY: frozenset({_C.DISABILITY}),
    _S.SRH: frozenset({_C.SRH}),
    _S.SHELTER: frozenset({_C.SHELTER}),
    _S.WASH: frozenset({_C.WASH}),
    _S.DURABLE_SOLUTION: frozenset({_C.OTHER}),
    _S.RELOCATION: frozenset({_C.OTHER}),
    _S.OTHER: frozenset({_C.OTHER}),
}


class CareArrangement(Vocab):
    PARENTS = "Parent(s)"
    STEP_PARENT = "Step parent"
    CUSTOMARY_CAREGIVERS = "Customary caregiver(s)"
    ADULT_SIBLING = "Adult sibling"
    KINSHIP = "Kinship care / extended family"
    FOSTER = "Foster care"
    RESIDENTIAL = "Residential care"
    KAFALA = "Kafala"
    INDEPENDENT = "Independent living"
    CHILD_HEADED = "Child-headed household"
    UNRELATED_ADULT = "Unrelated adult"
    NONE = "No care arrangement"
    OTHER = "Other, please specify"


class PopulationGroup(Vocab):
    ASYLUM_SEEKER = "Asylum-seeker"
    REFUGEE = "Refugee"
    IDP = "Internally Displaced Person (IDP)"
    MIGRANT = "Migrant"
    HOST = "Host community"
    RETURNEE = "Returnee"
    STATELESS = "Stateless person"
    NATIONAL_RESIDENT = "National resident (not displaced)"
    FOREIGN_RESIDENT = "Foreign national resident"
    OTHER = "Other, please specify"


class Sex(Vocab):
    MALE = "Male"
    FEMALE = "Female"


class RiskLevel(Vocab):
    HIGH = "High"
    MEDIUM = "Medium"
    LOW = "Low"
    # "NO" on the registration form, "NONE case may be closed" on the assessment form.
    NONE = "None"

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        return {"No": "NONE", "NONE case may be closed": "NONE"}


class ImmediateConcern(Vocab):
    HEALTH_CARE = "Health care"
    SAFETY = "Safety"
    INTERIM_CARE = "Interim care"
    OTHER = "Other"


class BIDRequirement(Vocab):
    NO = "No"
    DURABLE_SOLUTIONS = (
        "Yes, identifying durable solutions and complementary pathways for unaccompanied children"
    )
    EXCEPTIONAL_CIRCUMSTANCES = (
        "Yes, determining the most appropriate options for children at risk in exceptional "
        "circumstances (including family reunification and temporary care)"
    )
    SEPARATION = "Yes, possible separation of a child from parents against their will"


class ConsentFrom(Vocab):
    CHILD = "Child"
    CAREGIVER = "Caregiver"
    OTHER = "Other, please specify"


class WithholdReason(Vocab):
    FEAR_OF_HARM = "Fear of harm to themselves or others"
    WANTS_TO_TELL = "Wants to communicate information her/himself"
    OTHER = "Other, please specify"


class AuthorisationGround(Vocab):
    """When the caseworker's supervisor may authorise instead of the child or caregiver."""

    NO_GUARDIAN_TOO_YOUNG = "Child is without a parent/guardian and too young to consent themselves"
    IMMINENT_DANGER = "Child is in imminent danger (including sexual violence and severe abuse)"


class Alive(Vocab):
    YES = "Yes"
    NO = "No"
    UNKNOWN = "Unknown"


class CaregiverWillingness(Vocab):
    SHORT_TERM = "Yes, short-term"
    LONGER_TERM = "Yes, longer-term"
    NO = "No"


class ActionStatus(Vocab):
    PENDING = "pending"
    ONGOING = "ongoing"
    COMPLETED = "completed"


class Satisfaction(Vocab):
    HIGH = "High"
    MEDIUM = "Medium"
    LOW = "Low"


class ReferralType(Vocab):
    INTERNAL = "Internal"
    EXTERNAL = "External"


class ReferralPriority(Vocab):
    HIGH = "High"
    MEDIUM = "Medium"
    LOW = "Low"


class ReferralChannel(Vocab):
    PHONE = "Phone (high risk cases only)"
    EMAIL = "Email as password protected document"
    SEALED_ENVELOPE = "In person in sealed envelope"
    DIGITAL = "Digital case management system"


class ContactRoute(Vocab):
    VIA_CASEWORKER = "Contact via caseworker"
    DIRECT = "Contact the person being referred directly"


class ReferralFollowUpChannel(Vocab):
    PHONE = "Phone"
    EMAIL = "Email"
    FACE_TO_FACE = "Face-to-face meeting (service provider)"
    OTHER = "Other, please specify"


class FollowUpWith(Vocab):
    CHILD = "Child"
    CAREGIVER = "Caregiver(s) / family"
    PROVIDER_OWN = "Service provider (own agency)"
    PROVIDER_REFERRAL = "Service provider (referral)"
    OTHER = "Other, please specify"


class FollowUpChannel(Vocab):
    PHONE_CALL = "Phone call"
    MESSAGE = "Instant message / SMS / WhatsApp"
    EMAIL = "Email"
    SOCIAL_MEDIA = "Social media"
    ADHOC_HOME_VISIT = "Ad-hoc home visit (child/family)"
    SCHEDULED_HOME_VISIT = "Scheduled home visit (child/family)"
    MEETING_OUTSIDE_HOME = "Face-to-face meeting outside of home (child/family)"
    MEETING_PROVIDER_AND_FAMILY = "Face-to-face meeting (service provider and child/family)"
    MEETING_PROVIDER_ONLY = "Face-to-face meeting (service provider only)"
    COMMUNITY_GROUP = "Community-based group"
    AUTHORITIES = "Authorities"
    OTHER = "Other, please specify"


class ActionConducted(Vocab):
    YES = "Yes"
    NO = "No"
    UNABLE = "Unable to determine"


class SituationChange(Vocab):
    IMPROVED = "Yes, improved"
    DECLINED = "Yes, declined"
    NO = "No"
    UNABLE = "Unable to determine"


class ClosureReason(Vocab):
    GOAL_MET = (
        "Overall goal of the case plan has been met, child is safe from harm, child's care and "
        "wellbeing is supported and there are no additional concerns"
    )
    TURNED_18 = (
        "Child has turned 18 years-old (ensure a transition plan is in place and the case know "
        "where and how to access support)"
    )
    NO_LONGER_WANT_SUPPORT = (
        "Child/caregiver(s) no longer want support and there are no grounds to go against "
        "their wishes"
    )
    RELOCATION = "Relocation of child to an area where there is no agency to transfer the case to"
    DURABLE_SOLUTION = (
        "Child departed for a durable solution where there is no agency to transfer the case to"
    )
    NOT_CONTACTABLE = "Child no longer contactable (wait at least 3 months before closing the case)"
    DEATH = "Death of child"
    NO_FURTHER_ACTION = "No further action possible/required"
    OPENED_IN_ERROR = "Case opened in error"
    OTHER = "Other, please specify"


class FileStorage(Vocab):
    ELECTRONIC = "Electronically"
    HARD_COPY = "Hard copy"
    BOTH = "Both"


class YesNoCannotRecall(Vocab):
    YES = "Yes"
    NO = "No"
    CANNOT_RECALL = "Cannot recall"


class ConnectedToServices(Vocab):
    YES = "Yes"
    NOT_NEEDED = "No, did not need other services"
    NOT_WANTED = "No, did not want other services"
    CANNOT_RECALL = "Cannot recall"


class HeardFromChild(Vocab):
    """Child feedback form, question 1."""

    CASEWORKER = "Caseworker approached me"
    ANOTHER_ORGANIZATION = "Another organization"
    PARENTS = "Parents"
    FAMILY_FRIENDS = "Family / friends"
    SCHOOL = "School"
    COMMUNITY_LEADER = "Community leader"
    CBCP_FOCAL_POINT = "Community-based child protection focal point"
    AUTHORITIES = "Authorities"
    POSTER = "Saw a poster/information leaflet"
    CANNOT_RECALL = "Cannot recall"
    OTHER = "Other, please specify"


class HeardFromCaregiver(Vocab):
    """Caregiver feedback form, question 1 ("My child" where the child's form has "Parents")."""

    CASEWORKER = "Caseworker approached me"
    ANOTHER_ORGANIZATION = "Another organization"
    MY_CHILD = "My child"
    FAMILY_FRIENDS = "Family / friends"
    SCHOOL = "School"
    COMMUNITY_LEADER = "Community leader"
    CBCP_FOCAL_POINT = "Community-based child protection focal point"
    AUTHORITIES = "Authorities"
    POSTER = "Saw a poster/information leaflet"
    CANNOT_RECALL = "Cannot recall"
    OTHER = "Other, please specify"


class CaregiverRelationship(Vocab):
    """Caregiver feedback form: relationship to child."""

    PRIMARY_CAREGIVER = "Primary caregiver"
    LEGAL_GUARDIAN = "Legal guardian"
    FAMILY_MEMBER = "Other family member close to the child"
    UNRELATED_ADULT = "Unrelated adult close to the child"
    OTHER = "Other, please specify"


class Step(Vocab):
    """The six steps of case management (004 §1.2)."""

    IDENTIFICATION_REGISTRATION = "Identification and registration"
    ASSESSMENT = "Assessment"
    CASE_PLANNING = "Case planning"
    IMPLEMENTATION = "Implementing the case plan"
    FOLLOW_UP_REVIEW = "Follow-up and review"
    CLOSURE = "Case closure"
