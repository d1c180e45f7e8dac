"""The trainer pages' gate: they open for a browser the trainer signed in on the course server
(its sign-in page takes the trainer passphrase, counts wrong tries server-wide and remembers
the trainer for the session); anyone else is shown the way to that sign-in."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from html import escape
from typing import Any
from urllib.parse import urlencode

log = logging.getLogger("cm101")


def sign_in_link() -> str:
    """The trainer's sign-in, coming back to this page."""
    base = os.environ.get("VOILA_BASE_URL", "/")
    here = os.environ.get("SCRIPT_NAME", "")
    query = f"?{urlencode({'next': here})}" if here else ""
    return f"{base}cm101/trainer{query}"


TRAINER_PAGES = (
    ("Report", "report.ipynb"),
    ("Live view", "live.ipynb"),
    ("Class list and sign-in cards", "classlist.ipynb"),
)


def trainer_bar() -> str:
    """The trainer's pages, and Sign out (the server ends the trainer's session)."""
    base = os.environ.get("VOILA_BASE_URL", "/")
    links = " · ".join(
        f'<a href="{escape(base)}voila/render/workshop/{page}">{escape(title)}</a>'
        for title, page in TRAINER_PAGES
    )
    return (
        f'<div class="cm-who"><nav aria-label="Trainer pages">{links}</nav>'
        f'<form class="cm-signout" method="post" action="{escape(base)}cm101/trainer/sign-out">'
        'Signed in as the trainer. <button type="submit" class="cm-link-button">Sign out'
        "</button></form></div>"
    )


def trainer_gate(title: str, what: str, on_open: Callable[[Any], str], elsewhere: str = "") -> None:
    """A page for trainers only: for the signed-in trainer, `on_open(content)` fills the
    content widget and returns the status to show; anyone else is told how to sign in (and
    `elsewhere`, where the page lives on another kind of server)."""
    import ipywidgets as w
    from IPython.display import display

    from cmcourse.core import identity
    from cmcourse.core.page import show

    show(f'<h1 class="cm-map">{escape(title)}</h1>')
    if not identity.is_trainer():
        log.info("%s: asked for by a browser the trainer has not signed in", what)
        show(
            f'<div class="cm-notice" role="alert"><p>The {escape(what)} is for trainers. '
            f'<a href="{escape(sign_in_link())}">Sign in as the trainer</a> with the trainer '
            f"passphrase to open it.</p>{elsewhere}</div>"
        )
        return
    show(trainer_bar())
    content = w.HTML(layout=w.Layout(width="100%"))
    status = on_open(content)
    display(w.VBox([w.HTML(status), content]))
