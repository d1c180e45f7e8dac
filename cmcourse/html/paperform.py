"""A case study's form as its paper text reads, shown as the paper form: every question, every
option with its tick box, ticked or not, in HTML a screen reader reads out ("ticked").

The text is the form as printed and filled in (casestudies/nadia/paper/README.md has the format):
blocks of lines parted by a blank line; the first line is the form's title; `# ` starts a comment.
A line is a section heading (`2.A. CHILD`, `1. ELIGIBILITY … Ensure case meets …`: the capitals
are the heading, the rest its note), tick boxes (`[ X ] Yes`, `[] Food`, several to a line or
after a question), a table row (`| cell | cell |`, `<br>` parting lines within a cell; the first
row names the columns, and a column named `Tick` holds tick boxes), `Question: answer`, or text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup

BOX = re.compile(r"\[\s*([xX]?)\s*\]")
NUMBERED = re.compile(r"(\d+\.(?:[A-Z]\.)?)\s+(.+)")
FIELD = re.compile(r"([^:]+?)\s*:\s*(.*)")
CELL_BREAK = "<br>"
TICK_COLUMN = "Tick"


@dataclass(frozen=True)
class Option:
    label: str
    ticked: bool


@dataclass(frozen=True)
class Options:
    """Tick boxes answering one question (its text, or "" when the form gives none); `on_line`
    when the question is printed on the boxes' line ("Sex: [ ] Male [ X ] Female")."""

    question: str
    options: tuple[Option, ...]
    inline: bool = False
    on_line: bool = False


@dataclass(frozen=True)
class Heading:
    number: str
    title: str
    note: str

    @property
    def level(self) -> int:
        return 5 if self.number.count(".") > 1 else 4  # "2.A." sits under "2."


@dataclass(frozen=True)
class Field:
    """`Question: answer`; the answer may be empty (it follows on the next lines, or is blank)."""

    label: str
    value: str


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Part = Options | Heading | Field | Text | Table


@dataclass(frozen=True)
class PaperForm:
    title: str
    blocks: tuple[tuple[Part, ...], ...]

    def options(self) -> list[Options]:
        """Every list of tick boxes of the form, in order (tables' tick boxes aside)."""
        return [p for block in self.blocks for p in block if isinstance(p, Options)]


def tick_boxes(line: str) -> tuple[str, list[Option]]:
    """The text before a line's first tick box, and its tick boxes with their labels."""
    found = list(BOX.finditer(line))
    if not found:
        return line, []
    ends = [m.start() for m in found[1:]] + [len(line)]
    labels = [line[m.end() : end].strip() for m, end in zip(found, ends, strict=True)]
    ticks = [Option(label, bool(m.group(1))) for m, label in zip(found, labels, strict=True)]
    return line[: found[0].start()].strip(), ticks


def heading(line: str) -> Heading | None:
    """`1. ELIGIBILITY & CONSENT / ASSENT Ensure …`: the words in capitals, then the note.
    A numbered question ("11. I often felt …") has no word of two capitals or more."""
    match = NUMBERED.fullmatch(line)
    if not match:
        return None
    words = match.group(2).split(" ")
    caps = 0
    while caps < len(words) and not any(c.islower() for c in words[caps]):
        caps += 1
    while caps and not any(c.isalpha() for c in words[caps - 1]):
        caps -= 1  # a dash or slash after the capitals belongs to the note
    if not any(sum(c.isupper() for c in w) > 1 for w in words[:caps]):
        return None
    return Heading(match.group(1), " ".join(words[:caps]), " ".join(words[caps:]))


def question_of(part: Part) -> str:
    """The question a part asks, when tick boxes or a table follow it ("" for none)."""
    if isinstance(part, Field):
        return part.label
    if isinstance(part, Heading):
        return part.title
    if isinstance(part, Text):
        return part.text
    return ""


def _asks(block: tuple[Part, ...]) -> str:
    """The question of a block of one line left unanswered (a heading, a question, a title)."""
    if len(block) != 1 or (isinstance(block[0], Field) and block[0].value):
        return ""
    return question_of(block[0])


def parse(text: str) -> PaperForm:
    lines = [line.strip() for line in text.splitlines() if not line.startswith("# ")]
    while lines and not lines[0]:
        lines.pop(0)
    title, raw_blocks = lines[0], "\n".join(lines[1:]).split("\n\n")
    blocks: list[tuple[Part, ...]] = []
    for raw in raw_blocks:
        if not raw.strip():
            continue
        asked = _asks(blocks[-1]) if blocks else ""
        parts = _block(raw.strip().splitlines(), asked)
        first = parts[0]
        if isinstance(first, Table) and asked and not isinstance(blocks[-1][0], Heading):
            blocks.pop()  # the line naming the table is its caption
            parts[0] = Table(asked, first.header, first.rows)
        blocks.append(tuple(parts))
    return PaperForm(title, tuple(blocks))


def _block(lines: list[str], asked: str) -> list[Part]:
    """One block's parts; `asked` is the question of a one-line block just before it, which
    tick boxes opening this block answer."""
    parts: list[Part] = []
    rows: list[tuple[str, ...]] = []
    for line in [*lines, ""]:
        if line.startswith("|") and line.endswith("|") and len(line) > 1:
            rows.append(tuple(cell.strip() for cell in line[1:-1].split("|")))
            continue
        if rows:
            parts.append(Table("", rows[0], tuple(rows[1:])))
            rows = []
        if not line:
            continue
        prefix, boxes = tick_boxes(line)
        last = parts[-1] if parts else None
        if (
            boxes
            and isinstance(last, Options)
            and not last.inline
            and not prefix
            and len(boxes) == 1
        ):
            parts[-1] = Options(last.question, (*last.options, *boxes))
        elif boxes:
            question = prefix.rstrip(" :") or (question_of(parts[0]) if parts else asked)
            parts.append(Options(question, tuple(boxes), len(boxes) > 1, bool(prefix)))
        elif found := heading(line):
            parts.append(found)
        elif (field := FIELD.fullmatch(line)) and not line.startswith("·"):
            parts.append(Field(field.group(1), field.group(2)))
        else:
            parts.append(Text(line))
    return parts


# What a screen reader hears after each option; the box itself is hidden from it.
STATE = {True: " (ticked)", False: " (not ticked)"}
GLYPH = {True: "☒", False: "☐"}


def _box(ticked: bool) -> Markup:
    return Markup('<span class="cm-paper-box" aria-hidden="true">{}</span>').format(GLYPH[ticked])


def _options_html(part: Options) -> Markup:
    items = Markup("").join(
        Markup('<li class="{}">{}{}<span class="cm-sr-only">{}</span></li>').format(
            "cm-paper-opt cm-paper-ticked" if o.ticked else "cm-paper-opt",
            _box(o.ticked),
            o.label,
            STATE[o.ticked],
        )
        for o in part.options
    )
    kind = "cm-paper-options cm-paper-inline" if part.inline else "cm-paper-options"
    if not part.question:
        return Markup('<ul class="{}">{}</ul>').format(kind, items)
    html = Markup('<ul class="{}" aria-label="{}">{}</ul>').format(kind, part.question, items)
    if part.on_line:
        label = Markup('<span class="cm-paper-q">{}:</span> ').format(part.question)
        return Markup('<div class="cm-paper-line">{}{}</div>').format(label, html)
    return html


def _cell_html(cell: str, tick_column: bool) -> Markup:
    if tick_column:
        ticked = bool(cell.strip())
        state = STATE[ticked].strip(" ()")
        return _box(ticked) + Markup('<span class="cm-sr-only">{}</span>').format(state)
    lines = [line.strip() for line in cell.split(CELL_BREAK)]
    return Markup("").join(map(_part_html, _block(lines, "")))


def _header_html(cell: str) -> Markup:
    name, *note = cell.split(CELL_BREAK)
    html = Markup("<strong>{}</strong>").format(name.strip())
    for line in note:
        html += Markup('<br><span class="cm-paper-note">{}</span>').format(line.strip())
    return html


def _row_html(names: list[str], row: tuple[str, ...]) -> Markup:
    """A row of cells, each named by its column (a phone shows the name above it); a row whose
    Tick column is ticked is marked as a ticked option is."""
    ticked = any(name == TICK_COLUMN and cell for name, cell in zip(names, row, strict=True))
    cells = Markup("").join(
        Markup('<td role="cell" data-label="{}">{}</td>').format(
            name, _cell_html(cell, name == TICK_COLUMN)
        )
        for name, cell in zip(names, row, strict=True)
    )
    if ticked:
        return Markup('<tr role="row" class="cm-paper-ticked">{}</tr>').format(cells)
    return Markup('<tr role="row">{}</tr>').format(cells)


def _table_html(table: Table) -> Markup:
    # The roles keep the table a table for screen readers when a phone shows rows as cards.
    names = [cell.split(CELL_BREAK)[0].strip() for cell in table.header]
    caption = Markup("<caption>{}</caption>").format(table.caption) if table.caption else ""
    head = Markup("").join(
        Markup('<th scope="col" role="columnheader">{}</th>').format(_header_html(c))
        for c in table.header
    )
    body = Markup("").join(_row_html(names, row) for row in table.rows)
    return Markup(
        '<table class="cm-paper-table" role="table">{}<thead role="rowgroup"><tr role="row">{}'
        '</tr></thead><tbody role="rowgroup">{}</tbody></table>'
    ).format(caption, head, body)


def _part_html(part: Part) -> Markup:
    if isinstance(part, Options):
        return _options_html(part)
    if isinstance(part, Table):
        return _table_html(part)
    if isinstance(part, Heading):
        html = Markup('<h{0} class="cm-paper-section">{1} {2}</h{0}>').format(
            part.level, part.number, part.title
        )
        return html + (
            Markup('<p class="cm-paper-note">{}</p>').format(part.note) if part.note else ""
        )
    if isinstance(part, Field):
        return Markup('<p><span class="cm-paper-q">{}:</span> {}</p>').format(
            part.label, part.value
        )
    return Markup("<p>{}</p>").format(part.text)


def paper_html(form: PaperForm) -> Markup:
    """The form laid out as its paper: the title, then each block as one of its boxes."""
    blocks = Markup("").join(
        Markup('<div class="cm-paper-item">{}</div>').format(Markup("").join(map(_part_html, b)))
        for b in form.blocks
    )
    return Markup('<div class="cm-paper-sheet"><h3 class="cm-paper-title">{}</h3>{}</div>').format(
        form.title, blocks
    )


def folded_paper_html(text: str, title: str) -> Markup:
    """The paper form folded under its title until the trainee opens it."""
    return Markup(
        '<details class="cm-paper"><summary><strong>{}</strong> (open to read the form)</summary>'
        "{}</details>"
    ).format(title, paper_html(parse(text)))
