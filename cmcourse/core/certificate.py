"""The certificate: when one is issued, what it says (HTML and PDF, drawn with matplotlib),
and the trainer's settings for it (the issuing organisation, a pass mark).

A certificate of completion needs the course completed: every page visited and every
knowledge check answered. With a pass mark set, a trainee who reaches it on first tries gets a
certificate of achievement instead (retries are unlimited, so every final score can reach
full marks: the first try is the measure). Each certificate carries a code the trainer report
looks up.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import secrets
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cmcourse.core.progress import Left
from cmcourse.core.results import Certificate, Summary
from cmcourse.core.store import data_dir
from cmcourse.html.documents import render

log = logging.getLogger("cm101")

COURSE = (
    "CM 101: Introduction to the Inter-Agency Guidelines on Case Management and Child Protection"
)
SETTINGS_FILE = "certificate.json"
# Crockford's base 32: no I, L, O or U, so a code read aloud or copied by hand stays right.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE = re.compile(r"^CM-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


class CertificateSettings(BaseModel):
    """What the trainer sets on the class list page."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    organisation: str = Field("", max_length=120)
    pass_mark: int | None = Field(None, ge=1, le=100)  # percent of all points, first tries


def settings_path(folder: Path | None = None) -> Path:
    return (folder or data_dir()) / SETTINGS_FILE


def load_settings(folder: Path | None = None) -> CertificateSettings:
    """The trainer's settings; none saved (or a file that cannot be read) is no organisation
    and no pass mark, and a damaged file is logged, never shown to a trainee."""
    path = settings_path(folder)
    try:
        return CertificateSettings.model_validate_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return CertificateSettings()
    except (OSError, ValueError, ValidationError):
        log.exception("the certificate settings in %s could not be read; defaults used", path)
        return CertificateSettings()


def save_settings(settings: CertificateSettings, folder: Path | None = None) -> None:
    path = settings_path(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    spare = path.with_suffix(".tmp")
    spare.write_text(settings.model_dump_json(indent=1), encoding="utf-8")
    spare.replace(path)


def new_code() -> str:
    """A fresh verification code, e.g. CM-7K2Q-9XRT (40 random bits)."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"CM-{chars[:4]}-{chars[4:]}"


def read_code(typed: str) -> str | None:
    """A code as typed (any case, spaces or dashes anywhere, O for 0, I or L for 1), written
    the one way; None if it cannot be a code."""
    plain = re.sub(r"[\s\-‐‑–]", "", typed.upper())
    plain = plain.removeprefix("CM").translate(str.maketrans("OIL", "011"))
    code = f"CM-{plain[:4]}-{plain[4:]}"
    return code if CODE.match(code) else None


def issue(summary: Summary, left: Left, settings: CertificateSettings) -> Certificate | None:
    """The certificate this submission earns: none until the course is completed."""
    if not left.complete:
        return None
    first = summary.first_percent or 0.0
    passed = settings.pass_mark is not None and first >= settings.pass_mark
    return Certificate(
        code=new_code(),
        kind="achievement" if passed else "completion",
        organisation=settings.organisation,
        pass_mark=settings.pass_mark,
    )


def score_line(summary: Summary) -> str:
    """ "48 of 66 points on first tries, 66 of 66 in the end" (first tries unknown for a
    submission saved before they were kept)."""
    final = f"{summary.points:g} of {summary.out_of} points"
    if summary.first_points is None:
        return final
    return f"{summary.first_points:g} of {summary.out_of} points on first tries, {final} in the end"


def certificate_html(name: str, summary: Summary, on: dt.date) -> str:
    return render(
        "certificate.html",
        name=name,
        course=COURSE,
        summary=summary,
        cert=summary.certificate,
        scores=score_line(summary),
        on=on,
    )


def certificate_pdf(name: str, summary: Summary, on: dt.date) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    cert = summary.certificate
    assert cert is not None, "a certificate is drawn only for a submission that earned one"
    fig = Figure(figsize=(11.69, 8.27))  # A4 landscape
    fig.text(0.5, 0.87, cert.title, ha="center", fontsize=32, weight="bold")
    if cert.organisation:
        fig.text(0.5, 0.815, f"issued by {cert.organisation}", ha="center", fontsize=14)
    fig.text(0.5, 0.74, "This certifies that", ha="center", fontsize=14)
    fig.text(0.5, 0.67, name, ha="center", fontsize=26, weight="bold")
    fig.text(0.5, 0.6, "completed the e-course", ha="center", fontsize=14)
    fig.text(0.5, 0.54, COURSE, ha="center", fontsize=12, wrap=True)
    fig.text(0.5, 0.47, f"on {on:%d/%m/%Y}, with {score_line(summary)}", ha="center", fontsize=13)
    if cert.kind == "achievement":
        fig.text(
            0.5,
            0.43,
            f"reaching the pass mark of {cert.pass_mark}% on first tries",
            ha="center",
            fontsize=13,
        )
    y = 0.37
    for module in summary.modules:
        first = (
            ""
            if module.first_points is None
            else f"first tries {module.first_points:g} / {module.out_of}, "
        )
        fig.text(
            0.5,
            y,
            f"{module.label}  —  {first}final {module.points:g} / {module.out_of}",
            ha="center",
            fontsize=11,
        )
        y -= 0.038
    fig.text(
        0.5,
        0.07,
        f"Verification code {cert.code}: the course's trainer can look it up in the trainer "
        "report.",
        ha="center",
        fontsize=10,
    )
    fig.patches.append(
        matplotlib.patches.Rectangle(
            (0.03, 0.04),
            0.94,
            0.92,
            transform=fig.transFigure,
            fill=False,
            linewidth=3,
            edgecolor="#0b4f8a",
        )
    )
    out = io.BytesIO()
    fig.savefig(out, format="pdf", metadata={"Title": f"{cert.title}: {name}"})
    return out.getvalue()
