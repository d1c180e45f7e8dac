"""Small HTML parts every page shares: accessible tables, download links.

Kept apart from the case views so a course page does not load the case simulator.
"""

from __future__ import annotations

import base64
from html import escape


def table_html(caption: str, headers: list[str], rows: list[list[str]], raw: bool = False) -> str:
    """An accessible table (caption, column headers); cells escaped unless `raw`."""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{c if raw else escape(c)}</td>" for c in row) + "</tr>"
        for row in rows
    )
    return (
        f'<table class="cm-table"><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def download_link(label: str, filename: str, mime: str, data: bytes) -> str:
    """A link that saves `data` as a file, with no server route (a data: address)."""
    encoded = base64.b64encode(data).decode()
    return (
        f'<a download="{escape(filename)}" href="data:{mime};base64,{encoded}">{escape(label)}</a>'
    )
