"""Any cmsim form as HTML laid out like the paper form, folded until the trainee opens it."""

from __future__ import annotations

from html import escape

from pydantic import BaseModel

from cmcourse.html.printable import block_html, form_blocks
from cmcourse.html.theme import STYLE


def form_html(form: BaseModel, title: str) -> str:
    """A filled form with its title, as a trainee would read it in a case file."""
    blocks = "".join(block_html(b) for b in form_blocks(form, title))
    return (
        f'{STYLE}<details class="cm-formbox"><summary><strong>{escape(title)}</strong> (open to'
        f" read the form)</summary>{blocks}</details>"
    )
