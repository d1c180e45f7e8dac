"""Certificates on the trainer's side: the settings every certificate carries (the issuing
organisation, a pass mark) and looking a certificate up by its verification code.

    find_certificate(code, files)   # who holds it, what it says (None: not issued here)
    settings_box()                  # the class list page's "Certificates" section
    lookup_box(folder)              # the report's "Check a certificate"
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cmcourse.core.certificate import (
    CertificateSettings,
    load_settings,
    read_code,
    save_settings,
    score_line,
)
from cmcourse.core.results import Submission
from cmcourse.core.safety import safe
from cmcourse.trainer.roster import TraineeFile, read_progress, when


@dataclass(frozen=True)
class Found:
    name: str
    label: str
    submission: Submission


def find_certificate(code: str, files: Sequence[TraineeFile]) -> Found | None:
    """The submission whose certificate carries this code (as read by `read_code`)."""
    for file in files:
        for submission in file.submissions:
            cert = submission.summary.certificate
            if cert and cert.code == code:
                return Found(file.name or "(no name)", file.label, submission)
    return None


def found_html(typed: str, folder: Path | None = None) -> str:
    """What the trainer is told about a typed code."""
    code = read_code(typed)
    if code is None:
        return (
            '<p class="cm-error" role="alert">That is not a verification code: a code looks '
            "like CM-7K2Q-9XRT (8 letters and digits after CM).</p>"
        )
    found = find_certificate(code, read_progress(folder))
    if found is None:
        return (
            f'<p class="cm-error" role="alert">No certificate with the code {escape(code)} was '
            "issued on this course server (nor in the progress imported into it).</p>"
        )
    s = found.submission
    cert = s.summary.certificate
    assert cert is not None
    label = f" ({escape(found.label)})" if found.label else ""
    by = f", issued by {escape(cert.organisation)}" if cert.organisation else ""
    mark = f" Pass mark: {cert.pass_mark}% on first tries." if cert.pass_mark else ""
    return (
        f'<p class="cm-ok" role="status"><strong>{escape(code)} is genuine</strong>: '
        f"{escape(cert.title)}{by}, for <strong>{escape(found.name)}</strong>{label}, "
        f"attempt {s.attempt} submitted {escape(when(s.at))}, with "
        f"{escape(score_line(s.summary))}.{mark}</p>"
    )


def lookup_box(folder: Path | None = None) -> Any:
    import ipywidgets as w

    typed = w.Text(
        placeholder="CM-7K2Q-9XRT",
        description="Verification code:",
        style={"description_width": "initial"},
        layout=w.Layout(width="22em", max_width="100%"),
    )
    check = w.Button(description="Check the certificate", layout=w.Layout(width="auto"))
    out = w.HTML()

    @safe(lambda html: setattr(out, "value", html))
    def on_check(_: Any = None) -> None:
        out.value = found_html(typed.value, folder)

    check.on_click(on_check)
    typed.on_submit(on_check)
    return w.VBox(
        [
            w.HTML(
                "<h2>Check a certificate</h2><p>Type the code printed on a certificate to see "
                "whose it is and what it says.</p>"
            ),
            w.HBox([typed, check], layout=w.Layout(flex_flow="row wrap", grid_gap="0.4em")),
            out,
        ]
    )


def read_settings(organisation: str, pass_mark: str) -> CertificateSettings | str:
    """The settings as typed, or what is wrong with them in plain words."""
    mark = pass_mark.strip().removesuffix("%").strip()
    if mark and not (mark.isdigit() and 1 <= int(mark) <= 100):
        return "The pass mark is a whole percentage from 1 to 100, or empty for none."
    try:
        return CertificateSettings(organisation=organisation, pass_mark=int(mark) if mark else None)
    except ValidationError:
        return "The organisation's name is at most 120 characters."


def settings_html(settings: CertificateSettings) -> str:
    org = escape(settings.organisation) if settings.organisation else "no organisation named"
    if settings.pass_mark is None:
        kind = "a certificate of completion to every trainee who completes the course"
    else:
        kind = (
            f"a certificate of achievement to a trainee who completes the course with "
            f"{settings.pass_mark}% or more on first tries, of completion otherwise"
        )
    return f'<p role="status">Now: {org}; {kind}.</p>'


def settings_box(folder: Path | None = None) -> Any:
    import ipywidgets as w

    now = load_settings(folder)
    organisation = w.Text(
        value=now.organisation,
        description="Issued by:",
        placeholder="e.g. the Child Protection Working Group, Cox's Bazar",
        style={"description_width": "initial"},
        layout=w.Layout(width="34em", max_width="100%"),
    )
    pass_mark = w.Text(
        value="" if now.pass_mark is None else str(now.pass_mark),
        description="Pass mark (%):",
        placeholder="none",
        style={"description_width": "initial"},
        layout=w.Layout(width="14em", max_width="100%"),
    )
    save = w.Button(description="Save the certificate settings", layout=w.Layout(width="auto"))
    out = w.HTML(settings_html(now))

    @safe(lambda html: setattr(out, "value", html))
    def on_save(_: Any = None) -> None:
        settings = read_settings(organisation.value, pass_mark.value)
        if isinstance(settings, str):
            out.value = f'<p class="cm-error" role="alert">{escape(settings)}</p>'
            return
        save_settings(settings, folder)
        out.value = settings_html(settings).replace("Now:", "Saved. Certificates from now on:")

    save.on_click(on_save)
    return w.VBox(
        [
            w.HTML(
                "<h2>Certificates</h2><p>A trainee who has opened every page and answered "
                "every knowledge check gets a certificate when they submit. It names the "
                "organisation below. With a pass mark, a trainee who reaches it on their first "
                "tries gets a certificate of achievement (retries are unlimited, so the first "
                "try is the measure). Certificates already issued keep what they say.</p>"
            ),
            organisation,
            pass_mark,
            save,
            out,
        ]
    )
