"""The trainer pages' gate: the code in $CM101_TRAINER_CODE, set when the server was started,
opens a page for trainers only; a wrong code is logged and slowed down."""

from __future__ import annotations

import hmac
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from typing import Any

log = logging.getLogger("cm101")


CODE_VARIABLE = "CM101_TRAINER_CODE"


# -- the passcode gate ------------------------------------------------------------------------
@dataclass(frozen=True)
class Gate:
    open: bool
    message: str


NO_CODE = (
    "The trainer report is locked because no trainer code was set when the course server "
    "was started. To open it, stop the server and start it again with a code of your choice "
    f"in the environment variable {CODE_VARIABLE}, for example: "
    f"{CODE_VARIABLE}=choose-a-long-code make serve"
)


def code_is_set(environ: Mapping[str, str] | None = None) -> bool:
    return bool((os.environ if environ is None else environ).get(CODE_VARIABLE, "").strip())


def unlock(entered: str, environ: Mapping[str, str] | None = None) -> Gate:
    """Open only for the code in $CM101_TRAINER_CODE (compared in constant time)."""
    code = (os.environ if environ is None else environ).get(CODE_VARIABLE, "").strip()
    if not code:
        return Gate(False, NO_CODE)
    typed = str(entered or "").strip()
    if not typed:
        return Gate(False, "Please type the trainer code.")
    if hmac.compare_digest(typed.encode(), code.encode()):
        return Gate(True, "Report opened.")
    return Gate(False, "That code is not right. Please check it and try again.")


def trainer_gate(
    title: str, intro: str, button: str, what: str, no_code: str, on_open: Any
) -> None:
    """A page for trainers only: the trainer code opens it, then `on_open(content)` fills
    the content widget and returns the status to show. Without a code set, `no_code` says
    how to set one; a wrong code is logged and slowed down."""
    import time

    import ipywidgets as w
    from IPython.display import display

    from cmcourse.core.page import show
    from cmcourse.core.safety import safe

    show(f'<h1 class="cm-map">{escape(title)}</h1>')
    if not code_is_set():
        show(f'<div class="cm-notice" role="alert">{escape(no_code)}</div>')
        return
    code = w.Password(
        description="Trainer code:",
        style={"description_width": "initial"},
        layout=w.Layout(width="24em"),
    )
    open_button = w.Button(description=button, button_style="primary", tooltip=button)
    message = w.HTML()
    content = w.HTML(layout=w.Layout(width="100%"))

    def tell(html: str) -> None:
        message.value = html

    @safe(tell)
    def open_page(_: Any = None) -> None:
        gate = unlock(code.value)
        code.value = ""
        if not gate.open:
            log.warning("%s: a wrong or empty code was entered", what)
            time.sleep(1)  # slows down guessing
            message.value = f'<p class="cm-error" role="alert">{escape(gate.message)}</p>'
            return
        message.value = '<p role="status">Opening…</p>'
        status = on_open(content)
        box.layout.display = "none"
        message.value = status

    open_button.on_click(open_page)
    box = w.VBox([w.HTML(f"<p>{escape(intro)}</p>"), w.HBox([code, open_button])])
    display(w.VBox([box, message, content]))
