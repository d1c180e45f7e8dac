"""The meeting record's privacy check in Chromium: a phone number and an ID number typed in a
box mark that box and say there what they are; Save and Download are refused until each has
a choice; one is removed, the other kept with a reason; the saved record and the PDF say so.
At 1280 and 390 px wide."""

from __future__ import annotations

import base64
import re

import pytest
from pdftext import pdf_text
from playwright.sync_api import expect
from servers import SHOTS, new_page, served, shown, sign_in

from cmcourse.core.store import ProgressReader

pytestmark = pytest.mark.browser

TITLE = "Case Management Meeting Record"
BOX = "Notes from discussion (Administrative)"
TYPED = "Called the mother on +256 772 123456 about the girl's ID 12345678 before the visit."
REASON = "The registration office needs the number to replace her lost card"
RED, AMBER = "rgb(198, 40, 40)", "rgb(249, 168, 37)"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("meeting")
    with served(data) as base:
        yield base, data


def open_tool(page, base, name, *, new=True):
    page.goto(base + "course/index.ipynb?page=tool-meeting")
    sign_in(page, name, new=new)
    shown(page, TITLE)
    page.get_by_label(BOX).wait_for()


def border(locator) -> str:
    return locator.evaluate("e => getComputedStyle(e).borderTopColor")


def test_identifying_details_are_marked_refused_then_removed_or_kept_with_a_reason(server, browser):
    base, data = server
    context, page = new_page(browser, 1280)
    open_tool(page, base, "Grace Achieng")
    menu = page.get_by_label("Type of meeting")
    chosen = "m => m.options[m.selectedIndex].text.replaceAll('\\u00a0', ' ')"
    assert menu.evaluate(chosen) == "— choose one —"  # named, where a blank menu was

    box = page.get_by_label(BOX)
    box.fill(TYPED)
    box.press("Tab")  # the box is sent to the kernel when it is left
    field = page.locator(".cm-field", has=box)
    marked = field.locator(".cm-flagged")
    marked.wait_for()
    assert border(marked) == RED
    phone = field.get_by_text("This box has a phone number, “+256 772 123456”")
    id_number = field.get_by_text("This box has an ID number, “ID 12345678”")
    expect(phone).to_be_visible()
    expect(id_number).to_be_visible()
    assert "phone number, “+256 772 123456”" not in id_number.inner_text()  # told apart
    # The message is right under the box, not at the bottom of the long form.
    under = phone.bounding_box()["y"] - box.bounding_box()["y"] - box.bounding_box()["height"]
    assert 0 <= under < 80
    top = page.locator(".cm-tool .cm-warning").first
    expect(top).to_contain_text(f"{BOX}: a phone number, an ID number")
    assert top.bounding_box()["y"] < box.bounding_box()["y"]
    field.screenshot(path=str(SHOTS / "meeting_record_marked_1280.png"))

    # Save and Download are refused: at the top, at the box and by the buttons.
    page.get_by_role("button", name="Save", exact=True).click()
    summary = page.locator(".cm-tool .cm-error").first
    expect(summary).to_contain_text("Not saved:")
    assert summary.bounding_box()["y"] < box.bounding_box()["y"]  # at the top of the record
    summary.screenshot(path=str(SHOTS / "meeting_record_refused_top_1280.png"))
    expect(field).to_contain_text("Not saved: choose Remove it or Keep anyway for this first.")
    expect(page.get_by_text("2 identifying details in this group record")).to_be_visible()
    page.get_by_role("button", name="Download as HTML and PDF").click()
    expect(page.locator(".cm-tool .cm-error").first).to_contain_text("No HTML or PDF made:")
    expect(field).to_contain_text("No HTML or PDF made: choose Remove it")
    assert page.locator("a[download]").count() == 0
    page.screenshot(path=str(SHOTS / "meeting_record_refused_1280.png"), full_page=True)

    # Remove the phone number.
    field.locator("button[title*='+256 772 123456']", has_text="Remove it").click()
    expect(box).to_have_value(
        "Called the mother on [removed] about the girl's ID 12345678 before the visit."
    )
    expect(field).to_contain_text("Removed a phone number")
    expect(phone).to_have_count(0)

    # Keep the ID number: a reason that is not words is refused, a real one accepted.
    field.locator("button[title*='ID 12345678']", has_text="Keep anyway").click()
    reason = field.get_by_label("Why keep it:")
    reason.fill("asdf asdf")
    field.get_by_role("button", name="Keep with this reason").click()
    expect(field).to_contain_text("Write why you keep it, in a few words")
    reason.fill(REASON)
    field.get_by_role("button", name="Keep with this reason").click()
    expect(field).to_contain_text(
        f"Kept on purpose: an ID number, “ID 12345678”, because: “{REASON}”"
    )
    expect(field.locator(".cm-flagged")).to_have_count(0)
    assert border(field.locator(".cm-kept")) == AMBER
    field.screenshot(path=str(SHOTS / "meeting_record_kept_1280.png"))

    page.get_by_role("button", name="Save", exact=True).click()
    expect(
        page.get_by_text("Saved with your progress. It keeps 1 identifying detail")
    ).to_be_visible()
    page.get_by_role("button", name="Download as HTML and PDF").click()
    link = page.locator("a[download$='.pdf']")
    link.wait_for()
    pdf = base64.b64decode(link.get_attribute("href").split(",", 1)[1])
    text = " ".join(pdf_text(pdf).split())
    assert (
        "A group record that keeps identifying details on purpose, so its cases are not named "
        "by their case code only. Kept: an ID number in Notes from discussion (Administrative), "
        f"because: {REASON}." in text
    )
    assert "named by their case code only (checked" not in text
    assert "about the girl's ID 12345678" in text and "[removed]" in text and "+256" not in text
    page.screenshot(path=str(SHOTS / "meeting_record_saved_1280.png"), full_page=True)
    context.close()

    # What was saved: the text as left, and the kept detail with its reason.
    (path,) = (data / "trainees").glob("*.sqlite")
    reader = ProgressReader(path)
    (record,) = reader.record("tool:meeting_record", lasting=True)["records"]
    reader.close()
    assert record["values"]["administrative"]["notes"] == (
        "Called the mother on [removed] about the girl's ID 12345678 before the visit."
    )
    assert [(k["what"], k["text"], k["reason"]) for k in record["kept"]] == [
        ("an ID number", "ID 12345678", REASON)
    ]


def test_on_a_phone_the_marked_box_and_its_choice_fit_the_screen(server, browser):
    base, _data = server
    context, page = new_page(browser, 390)
    open_tool(page, base, "Grace Achieng", new=False)
    kept = page.locator(".cm-field", has=page.get_by_label(BOX))
    expect(kept).to_contain_text(f"because: “{REASON}”")  # the saved choice holds
    box = page.get_by_label("Notes from discussion (Development)")
    box.fill("Omar's caseworker: reach the family on 0772123456.")
    box.press("Tab")
    field = page.locator(".cm-field", has=box)
    field.locator(".cm-flagged").wait_for()
    expect(field).to_contain_text("This box has a phone number, “0772123456”")
    expect(field).to_contain_text("This box has what looks like a child's name, “Omar”")
    expect(field).to_contain_text("writes the case code CM-2023-0088 instead")
    for part in [field, *field.get_by_role("button").all()]:
        right = part.bounding_box()["x"] + part.bounding_box()["width"]
        assert right <= 390, part
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    field.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "meeting_record_marked_390.png"))
    field.screenshot(path=str(SHOTS / "meeting_record_field_390.png"))
    assert re.search(r"Remove it", field.inner_text())
    context.close()
