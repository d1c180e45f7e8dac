"""cmsim: a teaching simulator of child protection case management.

It models a child's case through the six steps of the Inter-Agency Case Management
Guidelines, enforces their rules and explains each one in plain language. It never imports
widget or plotting libraries.
"""

from .case import Case
from .casefile import CaseFile, CaseStatus, load_case_file, save_case_file
from .errors import CmsimError, FileProblem, Refusal, RuleViolation
from .sop import DEFAULT_SOP, SOP, load_sop
from .vocab import RiskLevel, Step

__all__ = [
    "DEFAULT_SOP",
    "SOP",
    "Case",
    "CaseFile",
    "CaseStatus",
    "CmsimError",
    "FileProblem",
    "Refusal",
    "RiskLevel",
    "RuleViolation",
    "Step",
    "load_case_file",
    "load_sop",
    "save_case_file",
]
