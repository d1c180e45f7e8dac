"""Any cmsim form as HTML laid out like the paper form, folded until the trainee opens it."""

from __future__ import annotations

from html import escape

from pydantic import BaseModel

from cmcourse.html.printable import block_html, form_blocks

STYLE = (
    "<style>.cm-formbox table {border-collapse: collapse; width: 100%; max-width: 60em;"
    " margin: 0.3em 0} .cm-formbox th, .cm-formbox td {border: 1px solid #bbb;"
    " padding: 0.3em 0.5em; vertical-align: top; text-align: left !important}"
    " .cm-formbox th {background: #f3f5f8; font-weight: normal}"
    " .cm-formbox th[scope=row] {width: 30%} .cm-formbox h2 {font-size: 1em}</style>"
)


def form_html(form: BaseModel, title: str) -> str:
    """A filled form with its title, as a trainee would read it in a case file."""
    blocks = "".join(block_html(b) for b in form_blocks(form, title))
    return (
        f'{STYLE}<details class="cm-formbox"><summary><strong>{escape(title)}</strong> (open to'
        f" read the form)</summary>{blocks}</details>"
    )
