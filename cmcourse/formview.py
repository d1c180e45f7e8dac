"""Any cmsim form as an HTML table laid out like the paper form: one row per filled field."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from html import escape
from typing import Any

from pydantic import BaseModel

from cmsim.dates import fmt

# Labels where the field name alone would not read like the paper form.
LABELS = {
    "dob": "Date of birth",
    "dob_estimated": "Is the date of birth estimated?",
    "bid": "Is a formal Best Interests Determination (BID) required?",
    "unhcr_id": "UNHCR individual ID",
    "views_child": "Views and wishes of the child",
    "views_caregivers": "Views and wishes of the caregiver(s)",
    "case_id": "Case ID number",
}


def label(name: str) -> str:
    if name in LABELS:
        return LABELS[name]
    return name.replace("_", " ").capitalize()


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.date):
        return escape(fmt(value))
    if isinstance(value, Enum):
        return escape(str(value.value))
    if isinstance(value, BaseModel):
        return form_table(value)
    if isinstance(value, dict):
        return "<br>".join(f"{escape(str(k))}: {_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        if value and isinstance(value[0], BaseModel):
            return rows_table(value)
        return "<br>".join(_value(v) for v in value)
    return escape(str(value)).replace("\n", "<br>")


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == {} or value == ""


def rows_table(items: list[BaseModel]) -> str:
    """A list of records (plan actions, household members) as one table, a row each."""
    names = [
        n for n in type(items[0]).model_fields if any(not _empty(getattr(i, n)) for i in items)
    ]
    head = "".join(f'<th scope="col">{escape(label(n))}</th>' for n in names)
    body = "".join(
        "<tr>" + "".join(f"<td>{_value(getattr(i, n))}</td>" for n in names) + "</tr>"
        for i in items
    )
    return (
        f'<table class="cm-form cm-rows"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def form_table(form: BaseModel) -> str:
    rows = "".join(
        f'<tr><th scope="row">{escape(label(name))}</th><td>{_value(value)}</td></tr>'
        for name, value in form
        if not _empty(value)
    )
    return f'<table class="cm-form">{rows}</table>'


def form_html(form: BaseModel, title: str) -> str:
    """A filled form with its title, as a trainee would read it in a case file."""
    return (
        "<style>.cm-form {border-collapse: collapse; width: 100%; max-width: 60em; margin: 0.3em 0}"
        ".cm-form th, .cm-form td {border: 1px solid #bbb; padding: 0.3em 0.5em;"
        " vertical-align: top; text-align: left !important}"
        " .cm-form th {background: #f3f5f8; font-weight: normal}"
        ".cm-form > tbody > tr > th {width: 30%} .cm-rows th {width: auto}"
        "</style>"
        f'<details class="cm-formbox"><summary><strong>{escape(title)}</strong> (open to read the '
        f"form)</summary>{form_table(form)}</details>"
    )
