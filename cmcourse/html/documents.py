"""Documents built from data (certificate, records, reports) come from Jinja2 templates in
`templates/`, autoescaped: a name or an answer can never become markup."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("cmcourse.html", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,  # a field the template names but the data lacks is an error
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, **data: Any) -> str:
    """The named template filled with `data`, every value escaped unless marked safe."""
    return _environment().get_template(template).render(**data)
