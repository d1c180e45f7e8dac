"""Sign-in cards for the trainer to hand out: a trainee's name, sign-in code and the course's
address, as text and as a QR code, eight cards to an A4 page with lines to cut along.

Names print as their owners write them: fpdf2 shapes Arabic and Persian with HarfBuzz. The
PDF's font (DejaVu Sans, shipped with matplotlib) has Latin, Cyrillic, Greek and Arabic
letters; for a name in a script it lacks (Devanagari, Ethiopic) the card says so and the
trainer writes the name by hand in the space left for it.
"""

from __future__ import annotations

import functools
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

CARD_W, CARD_H = 95.0, 66.0  # mm: two across, four down an A4 page
LEFT, TOP = 10.0, 12.0
QR_SIZE = 30.0


@dataclass(frozen=True)
class Card:
    name: str
    label: str
    code: str


def _qr_png(address: str) -> io.BytesIO:
    import segno

    out = io.BytesIO()
    segno.make(address, error="m").save(out, kind="png", scale=8, border=2)
    out.seek(0)
    return out


@functools.cache
def _letters(font: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(font).getBestCmap())


def _printable(text: str, font: Path) -> bool:
    """Every letter of `text` has a glyph in the font (marks and joiners are shaped in)."""
    return all(ord(c) in _letters(font) or unicodedata.category(c)[0] in "MZC" for c in text)


def cards_pdf(cards: list[Card], address: str, course: str) -> bytes:
    """The cards as a PDF (A4, eight to a page)."""
    from fpdf import FPDF

    from cmcourse.html.printable import font_dir

    pdf = FPDF(format="A4")
    fonts = font_dir()
    pdf.add_font("DejaVu", "", fonts / "DejaVuSans.ttf")
    pdf.add_font("DejaVu", "B", fonts / "DejaVuSans-Bold.ttf")
    pdf.set_text_shaping(True)
    pdf.set_title("CM 101 sign-in cards")
    pdf.set_auto_page_break(False)
    qr = _qr_png(address)
    for n, card in enumerate(cards):
        if n % 8 == 0:
            pdf.add_page()
        x = LEFT + (n % 2) * CARD_W
        y = TOP + ((n % 8) // 2) * CARD_H
        pdf.set_draw_color(150, 150, 150)
        pdf.set_dash_pattern(dash=1.5, gap=1.5)
        pdf.rect(x, y, CARD_W, CARD_H)
        pdf.set_dash_pattern()
        pdf.set_xy(x + 5, y + 4)
        pdf.set_font("DejaVu", "", 7.5)
        pdf.multi_cell(CARD_W - 10, 3.4, course, new_x="LEFT", new_y="NEXT")
        pdf.set_xy(x + 5, y + 14)
        pdf.set_font("DejaVu", "", 8)
        pdf.cell(0, 4, "Your name", new_x="LEFT", new_y="NEXT")
        if _printable(card.name, fonts / "DejaVuSans-Bold.ttf"):
            pdf.set_font("DejaVu", "B", 13)
            pdf.cell(CARD_W - 10, 7, card.name, new_x="LEFT", new_y="NEXT")
        else:  # a line to write it on, and why
            pdf.set_font("DejaVu", "", 7)
            pdf.cell(CARD_W - 10, 7, "(write the name here: its alphabet is not in this font)")
            pdf.line(x + 5, y + 25, x + CARD_W - 5, y + 25)
            pdf.set_xy(x + 5, y + 25)
        pdf.set_font("DejaVu", "", 8)
        pdf.cell(0, 4, f"Your sign-in code (keep it to yourself) · label {card.label}")
        pdf.set_xy(x + 5, y + 31)
        pdf.set_font("DejaVu", "B", 16)
        pdf.cell(CARD_W - QR_SIZE - 12, 9, card.code)
        pdf.set_xy(x + 5, y + 44)
        pdf.set_font("DejaVu", "", 7.5)
        pdf.multi_cell(
            CARD_W - QR_SIZE - 12,
            3.4,
            f"Open the course at\n{address}\nor scan the code. Type your name and this "
            "sign-in code.",
        )
        qr.seek(0)
        pdf.image(qr, x + CARD_W - QR_SIZE - 4, y + CARD_H - QR_SIZE - 4, QR_SIZE, QR_SIZE)
    return bytes(pdf.output())
