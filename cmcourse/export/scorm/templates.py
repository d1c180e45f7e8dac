"""The package's HTML and its manifest come from Jinja2 templates in `templates/`, autoescaped:
no text of the bank or the notebooks can become markup unless it is the course's own HTML."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("cmcourse.export.scorm", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_template(name: str, **data: Any) -> str:
    return _environment().get_template(name).render(**data)
