"""Small HTML parts every page shares: the table style, accessible tables, download links.

Kept apart from the case views so a course page does not load the case simulator.
"""

from __future__ import annotations

import base64
from html import escape

STYLE = """
<style>
.cm-table {border-collapse: collapse; margin: 0.5em 0 1.5em; max-width: 60em; width: 100%}
.cm-table caption {text-align: left; font-weight: bold; font-size: 1.1em; padding: 0.3em 0}
.cm-table th, .cm-table td {border: 1px solid #999; padding: 0.35em 0.6em;
  text-align: left !important; vertical-align: top}
.cm-table th {background: #eef2f7}
.cm-Y {color: #1b5e20; font-weight: bold} .cm-N {color: #b71c1c; font-weight: bold}
.cm-NA {color: #555}
.cm-late, .cm-overdue {color: #b71c1c} .cm-met {color: #1b5e20}
</style>
"""


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
