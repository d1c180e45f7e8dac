"""A matplotlib figure as an accessible picture: a PNG with alt text, caption and a description."""

from __future__ import annotations

import base64
import re
from html import escape
from io import BytesIO

from matplotlib.figure import Figure

from cmcourse.html.theme import DPI, FONT


def png(fig: Figure, dpi: int = DPI, palette: int | None = None) -> bytes:
    """The figure as PNG; with `palette`, reduced to that many colours (a diagram of flat
    colours loses nothing a reader sees and weighs a quarter: worth it for a picture drawn once
    and sent to every trainee, often over a slow link; 0.2 s more to draw)."""
    buffer = BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    if palette is None:
        return buffer.getvalue()
    from PIL import Image  # matplotlib's own image library

    buffer.seek(0)
    image = Image.open(buffer).convert("RGB").quantize(palette, Image.Quantize.MEDIANCUT)
    small = BytesIO()
    image.save(small, format="PNG", optimize=True)
    return small.getvalue()


def picture_html(
    fig: Figure,
    key: str,
    alt: str,
    caption: str,
    description: str,
    palette: int | None = None,
    min_width_em: float | None = None,
) -> str:
    """A figure as an accessible picture: alt text, caption, and a text description to open.
    With `min_width_em` the picture is never drawn narrower (a chart whose labels would be
    too small to read on a phone): a narrower screen scrolls it sideways instead."""
    data = base64.b64encode(png(fig, palette=palette)).decode()
    width_em = round(fig.get_figwidth() * 72 / FONT, 1)  # body-sized text at full width
    # An id is one word: aria-describedby reads a space as the start of another id, and a key
    # such as "timeline-CM-2022-0417-Your copy of" linked the picture to no description.
    desc_id = f"cm-figure-{re.sub(r'[^A-Za-z0-9_-]+', '-', key)}-description"
    least = f"min-width: {min_width_em}em; " if min_width_em else ""
    image = (
        f'<img src="data:image/png;base64,{data}" alt="{escape(alt)}" '
        f'aria-describedby="{desc_id}" '
        f'style="display: block; width: 100%; max-width: 100%; {least}height: auto; '
        'border: 1px solid #ccc">'
    )
    if min_width_em:  # its own scroll box, focusable so a keyboard can scroll it too
        image = (
            f'<div tabindex="0" role="group" aria-label="{escape(caption)} (scrolls sideways)" '
            f'style="overflow-x: auto">{image}</div>'
        )
    return (
        f'<figure class="cm-figure" style="margin: 1em 0; max-width: {width_em}em">'
        f"{image}"
        f'<figcaption style="font-size: 1em; margin-top: 0.4em"><strong>Figure.</strong> '
        f"{escape(caption)}"
        '<details style="margin-top: 0.4em"><summary style="cursor: pointer; '
        'color: #0b4f8a; text-decoration: underline">Text description of the figure</summary>'
        f'<div id="{desc_id}">{description}</div></details></figcaption></figure>'
    )
