"""cmsim: a teaching simulator of child protection case management.

It models a child's case through the six steps of the Inter-Agency Case Management
Guidelines, enforces their rules and explains each one in plain language. It never imports
widget or plotting libraries. Names are imported on first use, so `import cmsim.errors` (as
the course pages do) does not load the whole library.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_WHERE = {
    "Case": "case",
    "CaseFile": "casefile",
    "CaseStatus": "casefile",
    "load_case_file": "casefile",
    "save_case_file": "casefile",
    "CmsimError": "errors",
    "FileProblem": "errors",
    "Refusal": "errors",
    "RuleViolation": "errors",
    "DEFAULT_SOP": "sop",
    "SOP": "sop",
    "load_sop": "sop",
    "RiskLevel": "vocab",
    "Step": "vocab",
}
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

if TYPE_CHECKING:
    from cmsim.case import Case
    from cmsim.casefile import CaseFile, CaseStatus, load_case_file, save_case_file
    from cmsim.errors import CmsimError, FileProblem, Refusal, RuleViolation
    from cmsim.sop import DEFAULT_SOP, SOP, load_sop
    from cmsim.vocab import RiskLevel, Step


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cmsim' has no attribute '{name}'")
