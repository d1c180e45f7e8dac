"""Supervision tools as data, and a tool's filled-in record as plain data (no widgets).

Each tool (meeting record, observation, case file checklist, individual supervision, case
discussion) is one YAML file under `supervision/tools/`, validated by `ToolSpec`; a bad file
gets a message naming the file, the section and the field. A record is a dict
`{section key: {field key: value}}`; `record_document` prints it, `privacy_review` checks a
group record for case-identifying details (cmsim.privacy: what was found, what is kept and
why), `ToolRecords` keeps a trainee's records of a tool.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cmcourse.core.paths import ROOT
from cmcourse.html.printable import Block, Document
from cmsim.dates import fmt
from cmsim.errors import FileProblem
from cmsim.files import load_model
from cmsim.privacy import CodeRegister, Kept, Review, findings, review

TOOLS_DIR = ROOT / "supervision" / "tools"
KEY = r"^[a-z][a-z0-9_]*$"
YES_NO_NA = ["Yes", "No", "N/A"]
TEXT_KINDS = {"short_text", "long_text"}
HEADED_KINDS = {"actions", "case_checklist"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Point(_Strict):
    """A bullet point, with sub-points; in YAML a plain string is a point without any."""

    text: str
    points: list[Point] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        return {"text": data} if isinstance(data, str) else data


class Guide(_Strict):
    """Read-only guidance printed on the tool: a heading, a paragraph, bullet points."""

    heading: str = ""
    text: str = ""
    points: list[Point] = Field(default_factory=list)


class ToolField(_Strict):
    key: str = Field(pattern=KEY)
    label: str
    kind: Literal[
        "short_text", "long_text", "date", "choice", "number", "actions", "case_checklist"
    ]
    hint: str = Field("", description="Shown in an empty text box, e.g. an example")
    options: list[str] = Field(default_factory=list, description="choice: the answers offered")
    who: str = Field("", description="actions: who the actions are for, filled in each row")
    as_of: str = Field("", description="case_checklist: the date field the file is checked on")
    fills: dict[Literal["case_code", "caseworker"], str] = Field(
        default_factory=dict, description="case_checklist: fields filled in from the case file"
    )

    @model_validator(mode="after")
    def _settings_fit_the_kind(self) -> ToolField:
        misplaced = [
            name
            for name, kinds in (
                ("options", {"choice"}),
                ("who", {"actions"}),
                ("as_of", {"case_checklist"}),
                ("fills", {"case_checklist"}),
            )
            if getattr(self, name) and self.kind not in kinds
        ]
        if misplaced:
            raise ValueError(f"'{misplaced[0]}' does not apply to a {self.kind} field")
        if self.kind == "case_checklist" and not self.as_of:
            raise ValueError("a case_checklist field needs 'as_of': the date it is checked on")
        return self

    @property
    def choices(self) -> list[str]:
        return self.options or YES_NO_NA


class Section(_Strict):
    key: str = Field(pattern=KEY)
    title: str
    description: str = ""
    guidance: list[Guide] = Field(default_factory=list)
    fields: list[ToolField] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_fields(self) -> Section:
        keys = [f.key for f in self.fields]
        if len(keys) != len(set(keys)):
            raise ValueError("two fields of this section share a key")
        return self


class CaseChoice(_Strict):
    key: str = Field(pattern=KEY)
    label: str
    script: str = Field(description="A case script under casestudies/, replayed by cmsim")


class Privacy(_Strict):
    """Records that must not identify a case (group records): checked against a register."""

    code_register: str = Field(description="Code register file, next to the tool's file")
    when: str = Field("", description="Only when this choice field (section.field) ...")
    equals: str = Field("", description="... has this answer; always when 'when' is empty")


class ToolSpec(_Strict):
    title: str
    definition: str
    purpose: str
    frequency: str
    guidance: list[Guide] = Field(default_factory=list)
    privacy: Privacy | None = None
    record_label: list[str] = Field(
        min_length=1, description="Fields naming a record in the list (section.field), a date first"
    )
    cases: list[CaseChoice] = Field(default_factory=list)
    sections: list[Section] = Field(min_length=1)

    @model_validator(mode="after")
    def _references_hold(self) -> ToolSpec:
        keys = [s.key for s in self.sections]
        if len(keys) != len(set(keys)):
            raise ValueError("two sections share a key")
        if self.find(self.record_label[0]).kind != "date":
            raise ValueError("the first field of 'record_label' must be a date field")
        for path in self.record_label[1:]:
            self.find(path)
        for _section, field in self.fields():
            if field.kind == "case_checklist":
                if not self.cases:
                    raise ValueError("a case_checklist field needs the 'cases' to choose from")
                if self.find(field.as_of).kind != "date":
                    raise ValueError(f"'as_of' of field '{field.key}' must name a date field")
                for path in field.fills.values():
                    if self.find(path).kind not in TEXT_KINDS:
                        raise ValueError(f"'fills' of field '{field.key}' must name text fields")
        if self.privacy and self.privacy.when:
            when = self.find(self.privacy.when)
            if when.kind != "choice" or self.privacy.equals not in when.choices:
                raise ValueError("privacy 'equals' must be one of the answers of its 'when' field")
        return self

    def fields(self) -> list[tuple[Section, ToolField]]:
        return [(s, f) for s in self.sections for f in s.fields]

    def find(self, path: str) -> ToolField:
        """The field at 'section.field'; ValueError (a plain sentence) if there is none."""
        section_key, _, field_key = path.partition(".")
        for section, field in self.fields():
            if section.key == section_key and field.key == field_key:
                return field
        raise ValueError(f"'{path}' is not a field of this tool (write it as section.field)")

    def label_of(self, section: Section, field: ToolField) -> str:
        """The field's label, with its section's title when another field has the same label
        (nine 'comments' boxes must each say which area they are for)."""
        if field.kind in HEADED_KINDS:  # shown as a heading over its own labelled controls
            return field.label
        same = sum(
            1 for _s, f in self.fields() if f.label == field.label and f.kind not in HEADED_KINDS
        )
        return f"{field.label} ({section.title})" if same > 1 else field.label


def _locate(data: Any, problem: str) -> str:
    """Name the section by its key, not only by its position in the file."""

    def name(match: re.Match[str]) -> str:
        try:
            key = data["sections"][int(match.group(1)) - 1]["key"]
        except (KeyError, IndexError, TypeError, ValueError):
            return match.group(0)
        return f"{match.group(0)} ('{key}')"

    return re.sub(r"sections\[(\d+)\]", name, problem)


@cache
def load_tool(tool_id: str) -> ToolSpec:
    """The tool `supervision/tools/<tool_id>.yaml`, validated."""
    if not re.match(KEY, tool_id):
        raise FileProblem(TOOLS_DIR / tool_id, ["this is not the name of a supervision tool"])
    return load_model(TOOLS_DIR / f"{tool_id}.yaml", ToolSpec, "supervision tool", locate=_locate)


def tool_ids() -> list[str]:
    return sorted(p.stem for p in TOOLS_DIR.glob("*.yaml"))


# -- values -------------------------------------------------------------------------------
def value_at(values: dict[str, Any], path: str) -> Any:
    section, _, field = path.partition(".")
    return (values.get(section) or {}).get(field)


def _date_text(value: Any) -> str:
    try:
        return fmt(dt.date.fromisoformat(value)) if value else ""
    except (TypeError, ValueError):
        return str(value)


def record_label(spec: ToolSpec, values: dict[str, Any]) -> str:
    """How a record is named in the list: its date, then the other label fields."""
    day = _date_text(value_at(values, spec.record_label[0])) or "undated"
    rest = [str(value_at(values, p) or "").strip() for p in spec.record_label[1:]]
    return " – ".join([day, *[r for r in rest if r]])


def action_place(path: str, n: int, part: str) -> str:
    """The place of one part of an action row (counted from 1 over the rows written)."""
    return f"{path}#{n}.{part}"


def item_place(path: str, section: str, number: int) -> str:
    """The place of a checklist item's comment."""
    return f"{path}#{section} {number}"


def texts(spec: ToolSpec, values: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(place, where, text) for every piece of free text in a record: `place` is the box's
    key (a field's path, or an action row's or checklist item's place in it), `where` names
    the box for the user."""
    found: list[tuple[str, str, str]] = []
    for section, field in spec.fields():
        path = f"{section.key}.{field.key}"
        value = (values.get(section.key) or {}).get(field.key)
        where = spec.label_of(section, field)
        if field.kind in HEADED_KINDS and section.title.casefold() not in field.label.casefold():
            where = f"{section.title}, {field.label}"
        if field.kind in TEXT_KINDS and value:
            found.append((path, where, str(value)))
        elif field.kind == "actions":
            for n, row in enumerate(value or [], start=1):
                for part in ("who", "what", "by_when"):
                    if row.get(part):
                        place = action_place(path, n, part)
                        found.append((place, f"{where}, action {n}", str(row[part])))
        elif field.kind == "case_checklist":
            for item in (value or {}).get("items", []):
                if item.get("comment"):
                    place = item_place(path, item["section"], item["number"])
                    where_item = f"{where}, {item['section']} {item['number']}"
                    found.append((place, where_item, str(item["comment"])))
    return found


def privacy_applies(spec: ToolSpec, values: dict[str, Any]) -> bool:
    rule = spec.privacy
    if rule is None:
        return False
    return not rule.when or value_at(values, rule.when) == rule.equals


def load_register(spec: ToolSpec) -> CodeRegister | None:
    if spec.privacy is None:
        return None
    return CodeRegister.load(TOOLS_DIR / spec.privacy.code_register)


def privacy_review(
    spec: ToolSpec,
    values: dict[str, Any],
    register: CodeRegister | None,
    kept: Iterable[Kept] = (),
) -> Review | None:
    """A group record's review (cmsim.privacy): its case-identifying details, box by box,
    and the ones kept on purpose; None when the record is not a group record. Without a
    register (it could not be read) the other details are still checked."""
    if not privacy_applies(spec, values):
        return None
    found = findings(texts(spec, values), register or CodeRegister())
    return review(found, kept, names_checked=register is not None)


# -- printing -----------------------------------------------------------------------------
def _points_text(points: list[Point], depth: int = 0) -> list[str]:
    lines = []
    for point in points:
        lines.append(f"{'    ' * depth}{'•' if depth == 0 else '–'} {point.text}")
        lines += _points_text(point.points, depth + 1)
    return lines


def guide_text(guides: list[Guide]) -> str:
    parts = []
    for guide in guides:
        lines = [guide.heading] if guide.heading else []
        lines += [guide.text] if guide.text else []
        lines += _points_text(guide.points)
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def _field_blocks(
    field: ToolField, label: str, value: Any
) -> tuple[list[tuple[str, str]], list[Block]]:
    """(rows, extra blocks) for one field's value."""
    if field.kind == "actions":
        rows = [r for r in value or [] if any(r.get(k) for k in ("who", "what", "by_when"))]
        table = [[r.get("who", ""), r.get("what", ""), r.get("by_when", "")] for r in rows]
        block = Block(heading=label, columns=["Who", "What", "By when"], table=table)
        if not table:
            block = Block(heading=label, text="No action recorded.")
        return [], [block]
    if field.kind == "case_checklist":
        return [], checklist_blocks(value or {})
    if field.kind == "date":
        return [(label, _date_text(value))], []
    return [(label, "" if value is None else str(value))], []


def checklist_blocks(value: dict[str, Any]) -> list[Block]:
    """The checklist as the paper tool lays it out: one table per section."""
    blocks: list[Block] = []
    if value.get("case_label"):
        blocks.append(
            Block(
                text=f"Answers first filled in by cmsim from {value['case_label']} as of "
                f"{_date_text(value.get('as_of'))}; the supervisor's changes are marked."
            )
        )
    by_section: dict[str, list[dict[str, Any]]] = {}
    for item in value.get("items", []):
        by_section.setdefault(item["section"], []).append(item)
    for section, items in by_section.items():
        table = []
        for item in items:
            answer = item.get("answer") or ""
            found = item.get("found")
            if found and answer != found:
                answer = f"{answer or '(none)'} (file: {found})"
            table.append([str(item["number"]), item["text"], answer, item.get("comment") or ""])
        blocks.append(
            Block(
                heading=section,
                columns=["#", "Item", "Y/N/NA", "Comments/Recommendations"],
                table=table,
            )
        )
    return blocks


def record_document(spec: ToolSpec, values: dict[str, Any], note: str = "") -> Document:
    """A record as a printable document: each section with its guidance and what was written.
    Sections with guidance only (the observation's before/during/after roles) are about how
    to use the tool, and are left out of the record."""
    blocks: list[Block] = []
    for section in spec.sections:
        if not section.fields:
            continue
        heading = section.title
        if section.description:
            heading = f"{section.title}: {section.description}"
        if section.guidance:
            blocks.append(Block(heading=heading, text=guide_text(section.guidance)))
            heading = ""
        rows: list[tuple[str, str]] = []
        extra: list[Block] = []
        for field in section.fields:
            value = (values.get(section.key) or {}).get(field.key)
            more_rows, more_blocks = _field_blocks(field, field.label, value)
            rows += more_rows
            extra += more_blocks
        if rows:
            blocks.append(Block(heading=heading, rows=rows))
        elif heading:
            blocks.append(Block(heading=heading))
        blocks += extra
    return Document(title=spec.title, blocks=blocks, note=note)


# -- a trainee's records of a tool ---------------------------------------------------------
class ToolRecords:
    """The records a trainee keeps with one tool (one per meeting, per observation...), saved
    with their progress under one key; each save replaces that record only."""

    def __init__(self, store: Any, tool_id: str, spec: ToolSpec):
        self.store = store
        self.key = f"tool:{tool_id}"
        self.spec = spec

    def all(self) -> list[dict[str, Any]]:
        """Saved records, the latest date first."""
        records = list((self.store.record(self.key, lasting=True) or {}).get("records", []))
        date_path = self.spec.record_label[0]
        return sorted(
            records,
            key=lambda r: (str(value_at(r["values"], date_path) or ""), r["saved_at"]),
            reverse=True,
        )

    def get(self, record_id: str) -> dict[str, Any]:
        for record in self.all():
            if record["id"] == record_id:
                return record
        raise KeyError(record_id)

    def save(
        self, values: dict[str, Any], record_id: str | None = None, kept: Iterable[Kept] = ()
    ) -> str:
        """Save a record (a new one when `record_id` is None), with the identifying details
        it keeps on purpose and why (a group record); returns its id."""
        records = [r for r in self.all() if r["id"] != record_id]
        record_id = record_id or secrets.token_hex(4)
        saved_at = dt.datetime.now().isoformat(timespec="seconds")
        record: dict[str, Any] = {"id": record_id, "saved_at": saved_at, "values": values}
        record["kept"] = [k.model_dump() for k in kept]
        records.append(record)
        self.store.save_record(self.key, {"records": records}, lasting=True)
        return record_id

    @staticmethod
    def kept(record: dict[str, Any]) -> list[Kept]:
        """The details a saved record keeps on purpose (none in a record saved before)."""
        found = []
        for item in record.get("kept") or []:
            try:
                found.append(Kept.model_validate(item))
            except ValueError:  # a damaged entry: the detail is asked about again
                continue
        return found

    def options(self) -> list[tuple[str, str]]:
        """(label, id) for a menu of the saved records."""
        return [(record_label(self.spec, r["values"]), r["id"]) for r in self.all()]
