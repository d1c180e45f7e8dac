"""The supervision tools: specs faithful to the seeds, records saved and restored with the
trainee's progress, the group-record privacy check (the box marked, a choice for each detail
before saving or printing, the header's claim), the checklist filled by cmsim, and the HTML
and PDF downloads."""

from __future__ import annotations

import base64
import datetime as dt
import re
from html import unescape
from pathlib import Path

import ipywidgets as w
import pytest
from pdftext import pdf_text

from cmcourse.core.outline import load_outline
from cmcourse.core.paths import CASESTUDIES, nadia_case
from cmcourse.core.store import ProgressStore
from cmcourse.supervision import tools, toolspec
from cmcourse.supervision.tools import ActionsControl, ChecklistControl, TextControl, ToolView
from cmcourse.supervision.toolspec import (
    Guide,
    ToolSpec,
    load_tool,
    record_document,
    tool_ids,
)
from cmsim import FileProblem
from cmsim.checklist import evaluate
from cmsim.privacy import CodeRegister

SEEDS = Path(__file__).resolve().parents[2] / "seeds"  # the source documents, committed
SEED_OF = {
    "meeting_record": "000_0ffcb01dc23ab6a5.txt",
    "observation": "002_18fb87b236f0bd84.txt",
    "checklist": "003_33c7d3c07eb00ba2.txt",
    "individual_supervision": "003_33c7d3c07eb00ba2.txt",
    "case_discussion": "003_33c7d3c07eb00ba2.txt",
}


@pytest.fixture
def store(tmp_path, monkeypatch) -> ProgressStore:
    monkeypatch.setenv("CM101_DATA_DIR", str(tmp_path))
    store = ProgressStore("trainee-tools")
    store.set_name("Amina Yusuf")
    return store


def view(tool_id: str, store: ProgressStore | None) -> ToolView:
    return ToolView(tool_id, load_tool(tool_id), store)


# -- the specs ------------------------------------------------------------------------------
def test_every_tool_loads_and_has_its_page_in_the_tools_part():
    assert tool_ids() == sorted(SEED_OF)
    part = next(p for p in load_outline().parts if p.key == "tools")
    paths = [p.path for p in part.pages]
    for tool_id in tool_ids():
        assert isinstance(load_tool(tool_id), ToolSpec)
        assert f"supervision/tools/{tool_id}.ipynb" in paths


def test_the_meeting_record_follows_the_seeds_agenda_and_actions():
    spec = load_tool("meeting_record")
    titles = [s.title for s in spec.sections]
    agenda = [
        "Welcome, opening and check-in",
        "Administrative",
        "Development",
        "Supportive",
        "Closing and action points",
    ]
    assert titles[1:6] == agenda
    assert all(s.fields[0].label == "Notes from discussion" for s in spec.sections[1:6])
    labels = [f.label for f in spec.sections[-1].fields]
    assert labels == ["Actions to be taken by Supervisor", "Actions to be taken by Caseworkers"]
    check_in = spec.sections[2].guidance[0].points[2]
    assert [p.text for p in check_in.points[2].points] == [
        "Number of open cases",
        "High risk cases and some medium risk cases [stagnating cases, complex protection "
        "issues, etc.]",
    ]
    assert spec.privacy is not None and not spec.privacy.when


def test_the_observation_tool_has_the_roles_and_the_nine_areas_with_their_examples():
    spec = load_tool("observation")
    roles = {s.title: [g.heading for g in s.guidance if g.heading] for s in spec.sections[1:4]}
    assert roles == {
        moment: ["The Supervisor Should", "The Caseworker Should"]
        for moment in ("Before", "During", "After")
    }
    areas = [s for s in spec.sections if re.match(r"\d\. ", s.title)]
    assert [a.title for a in areas] == [
        "1. PREPARATION",
        "2. INTRODUCTION",
        "3. CONFIDENTIALITY",
        "4. COMMUNICATION",
        "5. TRUST",
        "6. SUPPORT SKILLS",
        "7. PARTICIPATION",
        "8. SAFETY",
        "9. CLOSING",
    ]
    assert [len(a.guidance[0].points) for a in areas] == [3, 3, 3, 8, 6, 8, 6, 2, 4]
    assert all(a.guidance[0].heading == "Examples (Did the caseworker…)" for a in areas)
    assert all(
        a.fields[0].label == "Examples observed and comments for the caseworker" for a in areas
    )
    assert spec.sections[-1].title == "ACTIONS TO BE TAKEN"


def test_individual_supervision_and_case_discussion_carry_the_seeds_sections():
    individual = load_tool("individual_supervision")
    assert [s.title for s in individual.sections[2:]] == [
        "Opening and check-in",
        "Administrative",
        "Development",
        "Supportive",
        "Discussion of supervision practices utilized in the past week/period",
        "Closing and action points",
        "Actions to be taken",
    ]
    assert all(
        [g.heading for g in s.guidance] == ["Agenda", "Sample discussion questions"]
        for s in individual.sections[2:8]
    )
    assert [f.label for f in individual.sections[1].fields] == [
        "# Shadowing Visits",
        "# Observation Visits",
        "# Case Files Reviewed",
    ]
    discussion = load_tool("case_discussion")
    assert [s.title for s in discussion.sections[1:]] == [
        "Background Child Information/Family Composition",
        "Current Situation/Protection Concerns",
        "Actions Taken/ Challenges",
        "Open Discussion",
        "Good Practices/Learning points",
        "Identify Next Steps",
        "Actions to be Taken",
    ]
    assert len(discussion.sections[2].guidance[0].points) == 9


def _norm(text: str) -> str:
    text = text.replace("’", "'").replace("“", '"').replace("”", '"').replace("·", " ")
    text = re.sub(r"\b(\d)\.(?=[A-Z])", r"\1. ", text)  # the seed's "1.PREPARATION"
    return re.sub(r"\s+", " ", text).strip().casefold()


def _guide_texts(guides: list[Guide]) -> list[str]:
    found = []

    def walk(points):
        for point in points:
            found.append(point.text)
            walk(point.points)

    for guide in guides:
        found += [t for t in (guide.heading, guide.text) if t]
        walk(guide.points)
    return found


@pytest.mark.parametrize("tool_id", sorted(SEED_OF))
def test_every_text_a_tool_quotes_is_in_its_seed(tool_id):
    """Definitions, guidance, agenda points, examples and questions are the seed's words."""
    seed = _norm((SEEDS / SEED_OF[tool_id]).read_text(encoding="utf-8"))
    spec = load_tool(tool_id)
    quoted = [spec.definition, spec.purpose, spec.frequency, *_guide_texts(spec.guidance)]
    for section in spec.sections:
        quoted += [section.description, *_guide_texts(section.guidance)]
        if section.guidance:  # a section of the seed's own table: its title is the seed's
            quoted.append(section.title)
    missing = [t for t in quoted if t and _norm(t) not in seed]
    assert missing == []


def _bad_tool(tmp_path, monkeypatch, text: str) -> str:
    monkeypatch.setattr(toolspec, "TOOLS_DIR", tmp_path)
    toolspec.load_tool.cache_clear()
    (tmp_path / "bad.yaml").write_text(text, encoding="utf-8")
    try:
        with pytest.raises(FileProblem) as caught:
            toolspec.load_tool("bad")
    finally:
        toolspec.load_tool.cache_clear()
    return str(caught.value)


GOOD_HEAD = """
title: T
definition: d
purpose: p
frequency: f
record_label: [details.date]
"""


def test_a_malformed_tool_file_gets_a_message_naming_the_file_the_section_and_the_field(
    tmp_path, monkeypatch
):
    message = _bad_tool(
        tmp_path,
        monkeypatch,
        GOOD_HEAD
        + """
sections:
  - key: details
    title: Details
    fields: [{key: date, label: Date, kind: date}]
  - key: notes
    title: Notes
    fields: [{key: text, label: Notes, kind: essay}]
""",
    )
    assert "bad.yaml" in message
    assert "sections[2] ('notes').fields[1].kind" in message


def test_a_tool_file_naming_a_field_that_does_not_exist_is_refused_plainly(tmp_path, monkeypatch):
    message = _bad_tool(
        tmp_path,
        monkeypatch,
        GOOD_HEAD.replace("[details.date]", "[details.day]")
        + """
sections:
  - key: details
    title: Details
    fields: [{key: date, label: Date, kind: date}]
""",
    )
    assert "bad.yaml" in message and "'details.day' is not a field of this tool" in message


def test_a_misspelt_setting_in_a_tool_file_is_named(tmp_path, monkeypatch):
    message = _bad_tool(
        tmp_path,
        monkeypatch,
        GOOD_HEAD
        + """
sections:
  - key: details
    title: Details
    fields: [{key: date, label: Date, kind: date, lable: x}]
""",
    )
    assert "sections[1] ('details').fields[1].lable' is not a field this form knows" in message


def test_a_tool_page_shows_a_broken_tool_file_kindly(monkeypatch):

    shown = []

    def capture(obj):
        shown.append(getattr(obj, "data", obj))

    monkeypatch.setattr(tools, "display", capture)
    monkeypatch.setattr("IPython.display.display", capture)  # where friendly messages go
    tools.tool("no_such_tool")
    assert len(shown) == 1
    assert "a course file has a mistake" in shown[0] and "Traceback" not in shown[0]


# -- the form -------------------------------------------------------------------------------
def _inputs(widget: w.Widget) -> list[w.Widget]:
    found = [widget]
    for child in getattr(widget, "children", ()):
        found += _inputs(child)
    return found


@pytest.mark.parametrize("tool_id", sorted(SEED_OF))
def test_every_control_of_a_tool_has_a_label(tool_id, store):
    controls = [
        x
        for x in _inputs(view(tool_id, store).widget)
        if isinstance(x, w.Text | w.Textarea | w.Dropdown | w.DatePicker | w.BoundedIntText)
    ]
    assert controls
    assert [c for c in controls if not c.description.strip()] == []
    buttons = [x for x in _inputs(view(tool_id, store).widget) if isinstance(x, w.Button)]
    assert all(b.description and b.tooltip for b in buttons)


@pytest.mark.parametrize("tool_id", sorted(SEED_OF))
def test_no_two_fields_of_a_tool_share_a_label(tool_id):
    """Nine 'comments' boxes each say which area they are for; a heading stays as written."""
    spec = load_tool(tool_id)
    labels = [
        spec.label_of(s, f) for s, f in spec.fields() if f.kind not in {"actions", "case_checklist"}
    ]
    assert len(labels) == len(set(labels))
    if tool_id == "observation":
        assert "Examples observed and comments for the caseworker (5. TRUST)" in labels
        assert "Caseworker" in labels


def test_a_record_is_saved_with_the_trainees_progress_and_restored_on_reload(store):
    first = view("meeting_record", store)
    first.controls["meeting.date"].set("2024-06-12")
    first.controls["welcome.notes"].set("Agreements on sharing reviewed.")
    first.controls["actions.supervisor"].set(
        [{"what": "Send the referral pathway", "who": "Supervisor", "by_when": "19/06/2024"}]
    )
    first.changed()
    assert first.save()
    again = view("meeting_record", store)
    assert again.values() == first.values()
    assert again.values()["actions"]["supervisor"][0]["what"] == "Send the referral pathway"
    assert "12/06/2024" in again.where.value
    # Saved with the trainee's progress, not in the widget: a second trainee sees nothing.
    other = ProgressStore("trainee-other")
    other.set_name("Someone Else")
    assert view("meeting_record", other).values()["welcome"]["notes"] == ""


def test_several_records_are_kept_listed_latest_first_and_each_opens_again(store):
    tool = view("observation", store)
    tool.controls["observation.date"].set("2024-05-02")
    tool.controls["observation.caseworker"].set("Samera")
    tool.controls["trust.comments"].set("Greeted the child warmly.")
    tool.changed()
    first = tool.save()
    tool.new()
    assert tool.values()["trust"]["comments"] == ""
    tool.controls["observation.date"].set("2024-06-20")
    tool.controls["observation.caseworker"].set("Rami")
    tool.changed()
    second = tool.save()
    assert first != second
    assert [label for label, _id in tool.menu.options] == [
        "20/06/2024 – Rami",
        "02/05/2024 – Samera",
    ]
    tool.open(first)
    assert tool.values()["trust"]["comments"] == "Greeted the child warmly."
    assert tool.record_id == first


def test_unsaved_changes_are_not_dropped_by_one_click_on_new_or_open(store):
    tool = view("individual_supervision", store)
    tool.controls["opening.notes"].set("Priorities: two high risk cases.")
    tool.changed()
    tool.new()
    assert tool.values()["opening"]["notes"] == "Priorities: two high risk cases."
    assert "not saved" in tool.status.value
    tool.new()  # pressed again: the trainee chose to leave the changes
    assert tool.values()["opening"]["notes"] == ""


def test_without_signing_in_the_tool_can_be_filled_and_downloaded_but_not_saved():
    tool = view("case_discussion", None)
    assert tool.save_button.disabled
    assert "Sign in" in tool.where.value
    assert tool.save() is None
    tool.controls["open_discussion.notes"].set("Option: a family meeting.")
    html, pdf = tool.export()
    assert b"Option: a family meeting." in html and pdf.startswith(b"%PDF")


# -- privacy in group records -----------------------------------------------------------------
def test_the_demo_register_names_the_course_cases_and_is_kept_apart_from_the_case_files():
    register = CodeRegister.load(toolspec.TOOLS_DIR / "demo_register.json")
    assert register.name_of("CM-2022-0417") == "Nadia Mohammed Salih"
    assert register.name_of("CM-2023-0088") == "Omar"
    assert nadia_case().file.code == "CM-2022-0417"
    assert CASESTUDIES.resolve() not in toolspec.TOOLS_DIR.resolve().parents


def _open(tool: ToolView) -> list[str]:
    """What still needs a choice, as 'where: what'."""
    assert tool.review is not None
    return [f"{f.where}: {f.mention.what}" for f in tool.review.open]


def _said_at(tool: ToolView, place: str) -> str:
    """The text shown in the space under a box."""
    _box, slot = tool.boxes()[place]
    return unescape(" ".join(x.value for x in _inputs(slot) if isinstance(x, w.HTML)))


def _button(tool: ToolView, place: str, name: str) -> w.Button:
    _box, slot = tool.boxes()[place]
    return next(x for x in _inputs(slot) if isinstance(x, w.Button) and x.description == name)


def _reason_box(tool: ToolView, place: str) -> w.Text:
    _box, slot = tool.boxes()[place]
    return next(x for x in _inputs(slot) if isinstance(x, w.Text))


ADMIN = "administrative.notes"


def test_a_name_from_the_register_is_marked_at_its_box_and_summed_up_at_the_top(store):
    tool = view("meeting_record", store)
    tool.controls[ADMIN].set("Nadia's case is stagnating; plan a home visit.")
    tool.changed()
    box, _slot = tool.boxes()[ADMIN]
    assert "cm-flagged" in box._dom_classes and "#c62828" in box.layout.border
    said = _said_at(tool, ADMIN)
    assert "This box has what looks like a child's name, “Nadia”" in said
    assert "CM-2022-0417" in said
    assert "Notes from discussion (Administrative)" in tool.warnings.value
    assert tool.widget.children.index(tool.warnings) < tool.widget.children.index(
        tool.controls[ADMIN].widget
    )  # at the top of the record, not under the long form
    other, _slot = tool.boxes()["development.notes"]
    assert "cm-flagged" not in other._dom_classes and not other.layout.border


def test_saving_and_printing_are_refused_until_every_detail_has_a_choice(store):
    tool = view("meeting_record", store)
    tool.controls[ADMIN].set("Call the mother on +256 772 123456; her ID 12345678 is lost.")
    tool.changed()
    assert _open(tool) == [
        "Notes from discussion (Administrative): a phone number",
        "Notes from discussion (Administrative): an ID number",
    ]
    assert tool.save() is None
    assert "Not saved" in tool.status.value and "2 identifying details" in tool.status.value
    assert "Not saved" in tool.warnings.value and 'role="alert"' in tool.warnings.value
    assert "Not saved" in _said_at(tool, ADMIN)
    assert tool.records.all() == []  # nothing was written
    assert tool.export() is None
    assert "No HTML or PDF made" in tool.status.value and tool.links.value == ""


def test_remove_takes_the_detail_out_and_keep_needs_a_reason_of_real_words(store):
    tool = view("meeting_record", store)
    tool.controls["meeting.date"].set("2024-06-12")
    tool.controls[ADMIN].set("Call the mother on +256 772 123456; her ID 12345678 is lost.")
    tool.changed()
    _button(tool, ADMIN, "Remove it").click()  # the first detail: the phone number
    assert tool.values()["administrative"]["notes"] == (
        "Call the mother on [removed]; her ID 12345678 is lost."
    )
    assert "Removed a phone number" in _said_at(tool, ADMIN)
    assert _open(tool) == ["Notes from discussion (Administrative): an ID number"]
    _button(tool, ADMIN, "Keep anyway").click()
    for reason in ("", "ok", "asdf asdf asdf", "qwer tyui zxcv", "because 0772123456 works"):
        _reason_box(tool, ADMIN).value = reason
        _button(tool, ADMIN, "Keep with this reason").click()
        assert _open(tool), reason
        assert "in a few words" in _said_at(tool, ADMIN) or "reason itself" in _said_at(tool, ADMIN)
    reason = "The registration office needs it to issue a new card"
    _reason_box(tool, ADMIN).value = reason
    _button(tool, ADMIN, "Keep with this reason").click()
    assert _open(tool) == []
    box, _slot = tool.boxes()[ADMIN]
    assert "cm-kept" in box._dom_classes and "cm-flagged" not in box._dom_classes
    assert "Kept on purpose" in _said_at(tool, ADMIN) and reason in _said_at(tool, ADMIN)
    assert tool.save()
    saved = tool.records.get(tool.record_id)
    assert saved["values"]["administrative"]["notes"].endswith("her ID 12345678 is lost.")
    assert [(k["what"], k["text"], k["reason"]) for k in saved["kept"]] == [
        ("an ID number", "ID 12345678", reason)
    ]
    html, pdf = tool.export()
    assert "cases are named by their case code only" not in html.decode()
    text = " ".join(pdf_text(pdf).split())
    assert "Kept: an ID number in Notes from discussion (Administrative), because: " in text
    assert reason in text and "+256" not in text
    # Opened again, the choice holds: nothing to resolve, the reason still there.
    again = view("meeting_record", store)
    assert again.review is not None and again.review.ready
    assert reason in _said_at(again, ADMIN)


def test_a_name_removed_becomes_its_case_code_and_the_header_may_then_say_so(store):
    tool = view("meeting_record", store)
    tool.controls[ADMIN].set("Nadia's case is stagnating; Nadia needs a home visit.")
    tool.changed()
    assert len(tool.review.found) == 1 and tool.review.found[0].count == 2
    _button(tool, ADMIN, "Remove it").click()
    assert tool.values()["administrative"]["notes"] == (
        "CM-2022-0417's case is stagnating; CM-2022-0417 needs a home visit."
    )
    assert tool.review.found == [] and tool.warnings.value == ""
    box, _slot = tool.boxes()[ADMIN]
    assert not box.layout.border and "cm-flagged" not in box._dom_classes
    html, _pdf = tool.export()
    assert "A group record: cases are named by their case code only" in html.decode()


def test_changing_the_text_checks_again_and_a_kept_detail_stays_kept(store):
    tool = view("meeting_record", store)
    tool.controls[ADMIN].set("ID 12345678 is needed.")
    tool.changed()
    _button(tool, ADMIN, "Keep anyway").click()
    _reason_box(tool, ADMIN).value = "The office needs the number to replace the card"
    _button(tool, ADMIN, "Keep with this reason").click()
    assert _open(tool) == []
    tool.controls[ADMIN].set("ID 12345678 is needed. Her phone is 0772123456.")
    tool.changed()
    assert _open(tool) == ["Notes from discussion (Administrative): a phone number"]
    assert tool.save() is None
    tool.controls[ADMIN].set("Nothing identifying now.")
    tool.changed()
    assert tool.review.found == [] and tool.kept == {}
    assert tool.save()
    assert tool.records.get(tool.record_id)["kept"] == []


def test_a_case_code_in_a_meeting_record_raises_no_warning(store):
    tool = view("meeting_record", store)
    tool.controls[ADMIN].set("CM-2022-0417 is stagnating; plan a home visit.")
    tool.controls["actions.caseworkers"].set([{"what": "Visit CM-2023-0088", "who": "Samera"}])
    tool.changed()
    assert tool.check_privacy().found == []
    assert tool.warnings.value == ""


def test_a_name_in_an_action_row_marks_that_rows_box(store):
    tool = view("meeting_record", store)
    tool.controls["actions.caseworkers"].set(
        [{"what": "Book the clinic", "who": "Samera"}, {"what": "Call Omar's mother"}]
    )
    tool.changed()
    assert _open(tool) == [
        "Actions to be taken by Caseworkers, action 2: what looks like a child's name"
    ]
    place = "actions.caseworkers#2.what"
    box, _slot = tool.boxes()[place]
    assert box.value == "Call Omar's mother" and "cm-flagged" in box._dom_classes
    _button(tool, place, "Remove it").click()
    assert tool.values()["actions"]["caseworkers"][1]["what"] == "Call CM-2023-0088's mother"


@pytest.mark.parametrize("tool_id", sorted(SEED_OF))
def test_every_box_of_free_text_a_record_has_is_a_box_on_the_form(tool_id, store):
    """The check's places (toolspec.texts) and the form's boxes name the same boxes."""
    tool = view(tool_id, store)
    for control in tool.controls.values():
        if isinstance(control, ActionsControl):
            control.set([{"what": "a", "who": "b", "by_when": "c"}] * 2)
        elif isinstance(control, ChecklistControl):
            for comment in control.comments.values():
                comment.value = "a comment"
        elif isinstance(control, TextControl):
            control.set("some text")
    places = {place for place, _where, _text in toolspec.texts(tool.spec, tool.values())}
    assert places and places <= set(tool.boxes())


def test_a_case_discussion_is_checked_only_when_held_in_group_supervision(store):
    tool = view("case_discussion", store)
    tool.controls["background.notes"].set("Nadia lives with her father.")
    tool.controls["details.setting"].set("Individual supervision")
    tool.changed()
    assert tool.check_privacy() is None  # identifying details may be discussed one to one
    assert tool.save()
    tool.controls["details.setting"].set("Group supervision")
    tool.changed()
    assert tool.check_privacy().found[0].mention.codes == ("CM-2022-0417",)
    assert tool.save() is None


def test_without_a_register_numbers_are_still_checked_and_the_header_says_names_were_not(
    store, monkeypatch
):
    def unreadable(spec):
        raise FileProblem("demo_register.json", ["this is not a code register file"])

    monkeypatch.setattr(tools, "load_register", unreadable)
    tool = view("meeting_record", store)
    tool.controls[ADMIN].set("Nadia's father: 0772123456.")
    tool.changed()
    assert _open(tool) == ["Notes from discussion (Administrative): a phone number"]
    assert "Names cannot be checked" in tool.warnings.value
    _button(tool, ADMIN, "Remove it").click()
    html, _pdf = tool.export()
    page = html.decode()
    assert "Names could not be checked against the code register" in page
    assert "cases are named by their case code only" not in page


def test_a_choice_menus_empty_answer_is_named_out_of_type_aheads_way():
    tool = view("case_discussion", None)
    menu = tool.controls["details.setting"].widget
    assert menu.options[0] == ("— choose one —", None)
    checklist = view("checklist", None).controls["review.items"]
    assert checklist.case.options[0] == ("— choose a case file —", None)


# -- the case file checklist ------------------------------------------------------------------
def test_the_checklist_is_filled_in_by_cmsim_from_the_chosen_case_file(store):
    tool = view("checklist", store)
    tool.controls["details.date"].set("2023-03-31")
    checklist = tool.controls["review.items"]
    checklist.case.value = "nadia"
    case = nadia_case()
    expected = evaluate(case.file, case.sop, dt.date(2023, 3, 31))
    items = tool.values()["review"]["items"]["items"]
    assert len(items) == 24
    assert [(i["answer"], i["comment"]) for i in items] == [(e.answer, e.reason) for e in expected]
    assert tool.values()["details"]["case_number"] == "CM-2022-0417"
    assert tool.values()["details"]["caseworker"] == "Samera Hassan"
    assert "10 N" in checklist.status.value


def test_the_supervisors_changes_to_the_checklist_are_kept_and_marked(store):
    tool = view("checklist", store)
    tool.controls["details.date"].set("2023-03-31")
    checklist = tool.controls["review.items"]
    checklist.case.value = "nadia"
    key = ("Identification and Registration", 1)
    checklist.answers[key].value = "Y"
    checklist.comments[key].value = "The address is in the narrative: record it on the form."
    checklist.case.value = "omar"  # choosing another file does not overwrite the edits
    assert checklist.answers[key].value == "Y"
    tool.save()
    again = view("checklist", store)
    item = next(
        i for i in again.values()["review"]["items"]["items"] if (i["section"], i["number"]) == key
    )
    assert item["answer"] == "Y" and item["found"] == "N"
    assert item["comment"] == "The address is in the narrative: record it on the form."
    html, _pdf = again.export()
    assert "Y (file: N)" in html.decode()
    again.controls["review.items"].case.value = "omar"
    assert again.values()["details"]["case_number"] == "CM-2022-0417"  # edits kept
    again.controls["review.items"].fill_from_file()  # now on purpose: Omar's file
    assert again.values()["details"]["case_number"] == "CM-2023-0088"


def test_the_checklist_can_be_filled_in_by_hand_without_a_case_file(store):
    tool = view("checklist", store)
    checklist = tool.controls["review.items"]
    checklist.answers[("Case Closure", 1)].value = "NA"
    tool.changed()
    tool.save()
    items = view("checklist", store).values()["review"]["items"]
    assert items["case"] is None
    assert [i["answer"] for i in items["items"] if i["answer"]] == ["NA"]


# -- downloads --------------------------------------------------------------------------------
def test_the_downloads_hold_what_was_typed_as_html_and_pdf(store):
    tool = view("meeting_record", store)
    tool.controls["meeting.date"].set("2024-06-12")
    tool.controls["development.notes"].set("Teach-back on <safe> referrals next week.")
    tool.controls["actions.caseworkers"].set(
        [{"what": "Prepare the teach-back", "who": "Rami", "by_when": "19/06/2024"}]
    )
    html, pdf = tool.export()
    page = html.decode()
    assert "Teach-back on &lt;safe&gt; referrals next week." in page
    assert "Prepare the teach-back" in page and "Rami" in page and "19/06/2024" in page
    assert "Filled in by Amina Yusuf" in page and "12/06/2024" in page
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "Prepare the teach-back" in text and "Case Management Meeting Record" in text
    assert "Teach-back" in text
    links = tool.links.value
    assert 'download="meeting_record-2024-06-12.pdf"' in links
    assert 'download="meeting_record-2024-06-12.html"' in links
    data = re.search(r'href="data:application/pdf;base64,([^"]+)"', links)[1]
    assert base64.b64decode(data) == pdf


def test_the_printed_record_has_the_guidance_and_leaves_out_the_roles(store):
    spec = load_tool("observation")
    document = record_document(spec, {"trust": {"comments": "Listened before asking."}})
    headings = [b.heading for b in document.blocks]
    assert "5. TRUST: Seek to establish/maintain trust" in headings
    assert not any(h in {"Before", "During", "After"} for h in headings)
    trust = next(b for b in document.blocks if b.heading.startswith("5. TRUST"))
    assert "• Greet the child warmly" in trust.text
    rows = [r for b in document.blocks for r in b.rows]
    assert ("Examples observed and comments for the caseworker", "Listened before asking.") in rows
