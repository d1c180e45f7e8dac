"""No trainee ever sees a traceback: errors become a friendly message, logged for the trainer."""

from __future__ import annotations

import functools
import logging
import secrets
from collections.abc import Callable
from html import escape
from typing import Any, TypeVar

from cmcourse.core.store import ProgressError, data_dir
from cmsim.errors import CmsimError, FileProblem

log = logging.getLogger("cm101")
F = TypeVar("F", bound=Callable[..., Any])


def setup_logging() -> None:
    """Log to a file in the data directory, never to the page (stderr shows in the browser)."""
    if log.handlers:
        return
    log.propagate = False
    log.setLevel(logging.INFO)
    try:
        folder = data_dir() / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(folder / "cm101.log", encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    # Warnings of any library (matplotlib, IPython, ipywidgets...) go to the same log, never
    # to the page: a warning raised in a button's callback would reach the trainee as a pink
    # stderr box, with a server path in it.
    logging.captureWarnings(True)
    warnings_log = logging.getLogger("py.warnings")
    warnings_log.handlers[:] = [handler]
    warnings_log.propagate = False


def friendly(exc: BaseException) -> str:
    """The message a trainee sees for an error, as HTML."""
    if isinstance(exc, FileProblem):
        log.error("course file problem: %s", exc)
        text = (
            "This part of the course cannot be shown because a course file has a mistake. "
            f"Please tell your trainer: {exc}"
        )
    elif isinstance(exc, ProgressError | CmsimError):
        text = str(exc)
    else:
        ref = secrets.token_hex(3).upper()
        log.exception("unexpected error (reference %s)", ref, exc_info=exc)
        text = (
            "Something went wrong on this page. Your saved work is safe. If it happens again, "
            f"tell your trainer the reference {ref}."
        )
    return f'<div class="cm-error" role="alert">{escape(text)}</div>'


def shown(html: str) -> None:
    """Put HTML in the page's output: where a notebook call's friendly message goes."""
    from IPython.display import HTML, display

    display(HTML(html))


def kindly(func: F) -> F:
    """Decorate a call a notebook makes: an error is shown in the page's output as a friendly
    message (and logged for the trainer), never as a traceback."""
    return safe(shown)(func)


def safe(show: Callable[[str], None]) -> Callable[[F], F]:
    """Decorate a widget callback: errors go to `show` as a friendly message."""

    def wrap(func: F) -> F:
        @functools.wraps(func)
        def inner(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except Exception as exc:
                show(friendly(exc))
                return None

        return inner  # type: ignore[return-value]

    return wrap
