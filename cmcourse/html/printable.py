"""Printable documents (filled forms, supervision records) as HTML and as PDF.

A document is a title and a list of blocks; one HTML renderer and one PDF renderer (fpdf2,
pure Python, with matplotlib's DejaVu fonts so any script prints) draw the same blocks, so
what a trainee downloads as HTML and as PDF always says the same thing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from cmsim.dates import fmt


@dataclass
class Block:
    """One part of a document: a heading, then label/value rows, a table, or text."""

    heading: str = ""
    rows: list[tuple[str, str]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)
    text: str = ""


@dataclass
class Document:
    title: str
    blocks: list[Block]
    note: str = ""  # e.g. "Confidential" or who filled it in, printed under the title


# -- from forms ---------------------------------------------------------------------------
LABELS = {
    "dob": "Date of birth",
    "dob_estimated": "Is the date of birth estimated?",
    "bid": "Is a formal Best Interests Determination (BID) required?",
    "unhcr_id": "UNHCR individual ID",
    "views_child": "Views and wishes of the child",
    "views_caregivers": "Views and wishes of the caregiver(s)",
    "case_id": "Case ID number",
}


def label(name: str) -> str:
    return LABELS.get(name) or name.replace("_", " ").capitalize()


def text_of(value: Any) -> str:
    """A field's value as the paper form would show it (plain text, no markup)."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.date):
        return fmt(value)
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, BaseModel):  # a row of a table, said in one line
        return "; ".join(f"{label(k)}: {text_of(v)}" for k, v in value if not empty(v))
    if isinstance(value, dict):
        return "\n".join(f"{k}: {text_of(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "\n".join(text_of(v) for v in value)
    return str(value)


def empty(value: Any) -> bool:
    return value is None or value == [] or value == {} or value == ""


def form_blocks(form: BaseModel, heading: str) -> list[Block]:
    """A filled form as blocks: its simple fields as rows; a part that is itself a form gets
    its own block; a list of records (plan actions, household members) becomes a table."""
    main = Block(heading=heading)
    extra: list[Block] = []
    for name, value in form:
        if empty(value):
            continue
        if isinstance(value, BaseModel):
            extra += form_blocks(value, f"{heading}: {label(name)}")
        elif isinstance(value, list) and isinstance(value[0], BaseModel):
            names = [
                n
                for n in type(value[0]).model_fields
                if any(not empty(getattr(item, n)) for item in value)
            ]
            extra.append(
                Block(
                    heading=f"{heading}: {label(name)}",
                    columns=[label(n) for n in names],
                    table=[[text_of(getattr(item, n)) for n in names] for item in value],
                )
            )
        else:
            main.rows.append((label(name), text_of(value)))
    return [main, *extra] if main.rows else extra


# -- HTML ---------------------------------------------------------------------------------
STYLE = """
body {font-family: "DejaVu Sans", Arial, sans-serif; max-width: 60em; margin: 1.5em auto;
      padding: 0 1em; color: #111}
h1 {font-size: 1.5em; border-bottom: 2px solid #333; padding-bottom: 0.2em}
h2 {font-size: 1.1em; background: #e8ecf2; padding: 0.3em 0.5em; margin: 1.2em 0 0}
table {border-collapse: collapse; width: 100%}
th, td {border: 1px solid #888; padding: 0.3em 0.5em; vertical-align: top; text-align: left}
th[scope=row] {width: 32%; font-weight: normal; background: #f5f6f8}
thead th {background: #f5f6f8}
.note {color: #444; font-style: italic}
@media print {h2 {break-after: avoid} tr {break-inside: avoid}}
"""


def to_html(doc: Document) -> str:
    """A standalone page, readable on screen and laid out for printing (templates/document.html)."""
    from markupsafe import Markup

    from cmcourse.html.documents import render

    return render("document.html", doc=doc, style=Markup(STYLE))  # our CSS, not data: as is


# -- PDF ----------------------------------------------------------------------------------
def font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def to_pdf(doc: Document) -> bytes:
    """The same document as an A4 PDF."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(format="A4")
    fonts = font_dir()
    pdf.add_font("DejaVu", "", fonts / "DejaVuSans.ttf")
    pdf.add_font("DejaVu", "B", fonts / "DejaVuSans-Bold.ttf")
    pdf.add_font("DejaVu", "I", fonts / "DejaVuSans-Oblique.ttf")
    pdf.set_title(doc.title)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 15)
    pdf.multi_cell(0, 8, doc.title, new_x="LMARGIN", new_y="NEXT")
    if doc.note:
        pdf.set_font("DejaVu", "I", 9)
        pdf.multi_cell(0, 5, doc.note, new_x="LMARGIN", new_y="NEXT")
    shaded = FontFace(emphasis="BOLD", fill_color=(232, 236, 242))
    for block in doc.blocks:
        pdf.ln(3)
        if block.heading:
            pdf.set_font("DejaVu", "B", 11)
            pdf.multi_cell(0, 6, block.heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 9)
        if block.rows:
            with pdf.table(
                col_widths=(32, 68), first_row_as_headings=False, text_align="LEFT"
            ) as table:
                for key, value in block.rows:
                    row = table.row()
                    row.cell(key, style=FontFace(fill_color=(245, 246, 248)))
                    row.cell(value)
        if block.columns:
            with pdf.table(headings_style=shaded, text_align="LEFT") as table:
                table.row(block.columns)
                for values in block.table:
                    table.row(values)
        if block.text:
            pdf.multi_cell(0, 5, block.text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def to_pdf_apart(doc: Document, timeout: float = 120) -> bytes:
    """`to_pdf` in a process of its own: for a PDF written in the background while a trainee
    reads, so that the kernel neither holds the PDF library (30 MB) nor waits for it."""
    import json
    import subprocess
    import sys
    from dataclasses import asdict

    done = subprocess.run(
        [sys.executable, "-m", "cmcourse.html.printable"],
        input=json.dumps(asdict(doc)).encode(),
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0 or not done.stdout.startswith(b"%PDF"):
        raise RuntimeError(f"the PDF could not be written: {done.stderr.decode()[-500:]}")
    return done.stdout


if __name__ == "__main__":  # a document as JSON on stdin, its PDF on stdout (to_pdf_apart)
    import json
    import sys

    given = json.loads(sys.stdin.buffer.read())
    blocks = [Block(**{**b, "rows": [tuple(r) for r in b["rows"]]}) for b in given.pop("blocks")]
    sys.stdout.buffer.write(to_pdf(Document(blocks=blocks, **given)))
