"""Nadia's case study pages: the reference forms of each step, from the replayed case file."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from IPython.display import HTML, display

from .formview import form_html
from .paths import nadia_case
from .safety import friendly

# Each step's forms in the seed, as (title, how to find the form in the case file).
STEP_FORMS: dict[str, list[tuple[str, Callable[[Any], Any]]]] = {
    "1": [
        ("1.A Consent & assent form (Nadia)", lambda f: f.consents[0]),
        ("1.B Case registration & initial assessment form", lambda f: f.registration),
    ],
    "2": [("2.A Assessment form", lambda f: f.assessments[0])],
    "3": [("3.A Case plan", lambda f: f.plans[0])],
    "4": [
        ("Referral form (specialised MHPSS)", lambda f: f.referrals[0]),
        ("4.A Services provided form", lambda f: f.services[0]),
    ],
    "5": [
        ("5.A Follow-up form", lambda f: f.follow_ups[0]),
        ("5.B Review form", lambda f: f.reviews[0]),
    ],
    "6": [
        ("6.A Case closure form", lambda f: f.closures[0]),
        ("6.B Child feedback form", lambda f: f.child_feedback[0]),
        ("6.C Caregiver feedback form", lambda f: f.caregiver_feedback[0]),
    ],
}


@cache
def _case() -> Any:
    return nadia_case()


def reference_forms(step: str) -> None:
    """Show the forms the caseworker filled in at this step (seed 003)."""
    try:
        file = _case().file
        html = "".join(form_html(get(file), title) for title, get in STEP_FORMS[step])
        display(HTML(html))
    except Exception as exc:  # shown kindly, logged for the trainer
        display(HTML(friendly(exc)))
