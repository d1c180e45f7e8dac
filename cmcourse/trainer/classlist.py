"""The class list: the trainer types or imports the trainees' names, and prints sign-in cards.

    classlist_page()      # workshop/classlist.ipynb, for the signed-in trainer

Each name on the list gets a sign-in code (printed once, on its card: only its hash is kept)
and a label. A trainee who forgot a PIN or lost a card gets a new code here; their old secret
stops working and their sessions end. On a classroom server (`make classroom`) only trainees
on this list may sign in. The page also exports and imports progress (`transfer`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from dataclasses import dataclass, field
from html import escape
from typing import Any

from cmcourse.core.accounts import CODE, PIN, UNCLAIMED, Accounts, Trainee
from cmcourse.core.names import BadName, check_name
from cmcourse.core.outline import load_outline
from cmcourse.core.safety import kindly, safe, setup_logging, shown
from cmcourse.html.parts import download_link, table_html
from cmcourse.html.theme import STYLE
from cmcourse.trainer.cards import Card, cards_pdf
from cmcourse.trainer.certificates import settings_box
from cmcourse.trainer.gate import trainer_gate
from cmcourse.trainer.transfer import export_progress, import_progress, summary

HOW = {PIN: "their own PIN", CODE: "a sign-in code (card)", UNCLAIMED: "not yet: from before"}
MAX_NAMES = 500  # more than a class: a pasted file that is not a class list


@dataclass
class Added:
    cards: list[Card] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (line, why)
    again: list[str] = field(default_factory=list)  # a name already on the list: added again


def parse_class_list(text: str) -> list[str]:
    """The names in a typed or pasted class list, or a CSV exported from a spreadsheet (the
    first column; a header row 'name' is skipped). Blank lines are skipped."""
    rows = csv.reader(io.StringIO(text.replace("\t", ",").replace(";", ",")))
    names = [row[0].strip() for row in rows if row and row[0].strip()]
    if names and names[0].casefold() in {"name", "names", "trainee", "full name"}:
        names = names[1:]
    return names


def add_names(accounts: Accounts, names: list[str]) -> Added:
    """Put every name on the class list with a new code; refuse what is not a name, saying
    why, and say which names were already there (they are two people, or a list imported
    twice: the trainer sees it)."""
    added = Added()
    if len(names) > MAX_NAMES:
        added.refused.append((f"{len(names)} lines", f"more than {MAX_NAMES} names at once"))
        return added
    for raw in names:
        try:
            name = check_name(raw).text
        except BadName as exc:
            added.refused.append((raw[:60], str(exc)))
            continue
        if accounts.named(name):
            added.again.append(name)
        trainee, code = accounts.add_to_roster(name)
        added.cards.append(Card(trainee.name, trainee.label, code))
    return added


def course_address() -> str:
    """The address trainees open, for the cards: the classroom server's (it knows the room's
    network address), else the one this page was opened at."""
    configured = os.environ.get("CM101_COURSE_ADDRESS")
    if configured:
        return configured
    host = os.environ.get("SERVER_NAME", "127.0.0.1")
    port = os.environ.get("SERVER_PORT", "")
    base = os.environ.get("VOILA_BASE_URL", "/")
    return f"http://{host}{':' + port if port else ''}{base}"


def cards_link(cards: list[Card]) -> str:
    pdf = cards_pdf(cards, course_address(), load_outline().title)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
    label = f"Sign-in cards for {len(cards)} trainee{'s' if len(cards) != 1 else ''} (PDF)"
    return download_link(label, f"cm101-cards-{stamp}.pdf", "application/pdf", pdf)


def trainees_table(trainees: list[Trainee]) -> str:
    rows = [
        [t.name, t.label, HOW.get(t.kind, t.kind), "yes" if t.roster else "no"] for t in trainees
    ]
    return table_html(
        f"Trainees ({len(trainees)})",
        ["Name", "Label", "Signs in with", "On the class list"],
        rows,
    )


def added_html(added: Added) -> str:
    parts = []
    if added.cards:
        parts.append(
            f'<p role="status">{len(added.cards)} added to the class list. Print the cards '
            "now: each code is shown only on its card. "
            f"{cards_link(added.cards)}</p>"
        )
    if added.again:
        parts.append(
            '<p class="cm-notice">Already on the list, added again as another person of the '
            f"same name (each has a label of their own): {escape(', '.join(added.again))}. "
            "If the list was imported twice, ignore the extra cards.</p>"
        )
    if added.refused:
        items = "".join(f"<li>{escape(line)}: {escape(why)}</li>" for line, why in added.refused)
        parts.append(f'<div class="cm-error" role="alert"><p>Not added:</p><ul>{items}</ul></div>')
    if not parts:
        parts.append(
            '<p class="cm-error" role="alert">Please type or import at least one name.</p>'
        )
    return "".join(parts)


@kindly
def classlist_page() -> None:
    """The class list page: add names (typed or imported), print cards, give a new code."""
    setup_logging()
    shown(STYLE)
    trainer_gate(title="CM 101: class list and sign-in cards", what="class list", on_open=_open)


def _open(content: Any) -> str:
    import ipywidgets as w
    from IPython.display import display

    accounts = Accounts()
    names = w.Textarea(
        placeholder="One name per line, e.g.\nAmina Yusuf\nBilal Haddad",
        layout=w.Layout(width="30em", max_width="100%", height="10em"),
    )
    upload = w.FileUpload(accept=".csv,.txt", multiple=False, description="Import a list")
    add = w.Button(
        description="Add to the class list", button_style="primary", layout=w.Layout(width="auto")
    )
    who = w.Dropdown(description="Trainee:", layout=w.Layout(width="30em", max_width="100%"))
    reset = w.Button(description="Give a new sign-in code", layout=w.Layout(width="auto"))
    revoke = w.Button(description="Sign out on every device", layout=w.Layout(width="auto"))
    added_out, reset_out = w.HTML(), w.HTML()
    export = w.Button(description="Export everyone's progress", layout=w.Layout(width="auto"))
    incoming = w.FileUpload(accept=".json", multiple=False, description="Import progress")
    moved_out = w.HTML()

    def refresh() -> None:
        everyone = accounts.trainees()
        content.value = trainees_table(everyone)
        chosen_before = who.value
        who.options = [("choose a trainee", "")] + [(t.shown, t.id) for t in everyone]
        who.value = chosen_before if any(t.id == chosen_before for t in everyone) else ""

    @safe(lambda html: setattr(added_out, "value", html))
    def on_add(_: Any = None) -> None:
        text = names.value
        for item in upload.value:
            text += "\n" + bytes(item["content"]).decode("utf-8-sig", errors="replace")
        added = add_names(accounts, parse_class_list(text))
        added_out.value = added_html(added)
        if added.cards:
            names.value = ""
            upload.value = ()
        refresh()

    def chosen() -> Trainee | None:
        trainee = accounts.find(who.value) if who.value else None
        if trainee is None:
            reset_out.value = '<p class="cm-error" role="alert">Please choose a trainee.</p>'
        return trainee

    @safe(lambda html: setattr(reset_out, "value", html))
    def on_reset(_: Any = None) -> None:
        trainee = chosen()
        if trainee is None:
            return
        code = accounts.reset_secret(trainee.id)
        reset_out.value = (
            f'<p role="status">{escape(trainee.shown)} now signs in with a new code; their old '
            f"PIN or code no longer works and they were signed out. "
            f"{cards_link([Card(trainee.name, trainee.label, code)])}</p>"
        )
        refresh()

    @safe(lambda html: setattr(moved_out, "value", html))
    def on_export(_: Any = None) -> None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
        link = download_link(
            "Progress file (all trainees)",
            f"cm101-progress-{stamp}.cm101.json",
            "application/json",
            export_progress(),
        )
        moved_out.value = (
            f'<p role="status">{link}: it holds names and answers; carry it as you would '
            "the trainees' paper files.</p>"
        )

    @safe(lambda html: setattr(moved_out, "value", html))
    def on_import(_: Any = None) -> None:
        if not incoming.value:
            return
        data = bytes(incoming.value[0]["content"])
        incoming.value = ()
        report = import_progress(data)
        notes = "".join(f"<li>{escape(n)}</li>" for n in report.notes)
        moved_out.value = f'<p role="status">Imported: {escape(summary(report))}</p>' + (
            f"<ul>{notes}</ul>" if notes else ""
        )
        refresh()

    @safe(lambda html: setattr(reset_out, "value", html))
    def on_revoke(_: Any = None) -> None:
        trainee = chosen()
        if trainee is None:
            return
        accounts.end_sessions(trainee.id)
        reset_out.value = (
            f'<p role="status">{escape(trainee.shown)} is signed out on every device (a laptop '
            "left signed in, for example); they sign in again with the same PIN or code.</p>"
        )

    add.on_click(on_add)
    reset.on_click(on_reset)
    revoke.on_click(on_revoke)
    export.on_click(on_export)
    incoming.observe(on_import, names="value")
    refresh()
    display(
        w.VBox(
            [
                w.HTML(
                    "<h2>Add trainees</h2><p>Type or paste the names, one per line, or import "
                    "a list (a text file, or a spreadsheet saved as CSV: the first column).</p>"
                ),
                names,
                upload,
                add,
                added_out,
                w.HTML(
                    "<h2>A forgotten PIN, a lost card, a laptop left signed in</h2><p>Choose "
                    "the trainee (the label tells people of one name apart): give a new code, "
                    "or sign them out everywhere. Their work is kept.</p>"
                ),
                who,
                w.HBox([reset, revoke], layout=w.Layout(flex_flow="row wrap", grid_gap="0.4em")),
                reset_out,
                w.HTML(
                    "<h2>Progress that travels</h2><p>From a laptop used offline: export its "
                    "trainees' progress as one file and import it on the head office's server. "
                    "Importing the same file twice adds nothing.</p>"
                ),
                export,
                incoming,
                moved_out,
                settings_box(),
            ]
        )
    )
    return "<h2>Everyone on this course</h2>"
