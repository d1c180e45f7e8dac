"""Any cmsim form as HTML laid out like the paper form, folded until the trainee opens it."""

from __future__ import annotations

from markupsafe import Markup
from pydantic import BaseModel

from cmcourse.html.documents import render
from cmcourse.html.printable import form_blocks
from cmcourse.html.theme import STYLE


def form_html(form: BaseModel, title: str) -> str:
    """A filled form with its title, as a trainee would read it in a case file."""
    return render("form.html", style=Markup(STYLE), title=title, blocks=form_blocks(form, title))
