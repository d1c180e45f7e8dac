"""The certificate of completion, as HTML and as PDF (drawn with matplotlib)."""

from __future__ import annotations

import datetime as dt
import io

from cmcourse.core.results import Summary
from cmcourse.html.documents import render

COURSE = (
    "CM 101: Introduction to the Inter-Agency Guidelines on Case Management and Child Protection"
)


def certificate_html(name: str, summary: Summary, on: dt.date) -> str:
    return render("certificate.html", name=name, course=COURSE, summary=summary, on=on)


def certificate_pdf(name: str, summary: Summary, on: dt.date) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11.69, 8.27))  # A4 landscape
    fig.text(0.5, 0.85, "Certificate of completion", ha="center", fontsize=32, weight="bold")
    fig.text(0.5, 0.74, "This certifies that", ha="center", fontsize=14)
    fig.text(0.5, 0.66, name, ha="center", fontsize=26, weight="bold")
    fig.text(0.5, 0.58, "completed the e-course", ha="center", fontsize=14)
    fig.text(0.5, 0.51, COURSE, ha="center", fontsize=12, wrap=True)
    fig.text(
        0.5,
        0.43,
        f"on {on:%d/%m/%Y}, with {summary.points:g} of {summary.out_of} "
        "points in the knowledge checks",
        ha="center",
        fontsize=13,
    )
    y = 0.34
    for module in summary.modules:
        fig.text(
            0.5,
            y,
            f"{module.label}  —  {module.points:g} / {module.out_of}",
            ha="center",
            fontsize=12,
        )
        y -= 0.045
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
    fig.savefig(out, format="pdf", metadata={"Title": f"Certificate of completion: {name}"})
    return out.getvalue()
