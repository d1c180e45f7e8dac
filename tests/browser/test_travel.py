"""A field laptop's work carried to head office in Chromium: the trainer exports on one server,
imports twice on another; the trainee signs in there with the same PIN and finds their work."""

from __future__ import annotations

import base64

import pytest
from servers import answer, new_page, shown, sign_in, sign_in_as_trainer, start_voila

pytestmark = pytest.mark.browser

APP = "course/index.ipynb"
CLASSLIST = "workshop/classlist.ipynb"


def import_file(page, data: bytes) -> str:
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Import progress").click()
    chooser.value.set_files(
        {"name": "room.cm101.json", "mimeType": "application/json", "buffer": data}
    )
    status = page.locator("p[role=status]", has_text="Imported:")
    status.wait_for()
    text = status.inner_text()
    page.evaluate("document.querySelectorAll('p[role=status]').forEach(p => p.remove())")
    return text


def test_progress_exported_on_a_laptop_is_imported_at_head_office_once(tmp_path, browser):
    laptop, laptop_url = start_voila(tmp_path / "laptop")
    office, office_url = start_voila(tmp_path / "office")
    try:
        context, page = new_page(browser)
        page.goto(laptop_url + APP + "?page=1.2")
        sign_in(page, "Xavier Mwangi", "3817")
        shown(page, "1.2 Core steps")
        answer(page, "c. Identification - Registration")
        page.locator(".cm-wrong").wait_for()
        page.goto(laptop_url + CLASSLIST)
        sign_in_as_trainer(page)
        page.get_by_role("button", name="Export everyone's progress").click()
        link = page.locator("a[download$='.cm101.json']")
        link.wait_for()
        data = base64.b64decode(link.get_attribute("href").split(",", 1)[1])
        context.close()

        context, page = new_page(browser)
        page.goto(office_url + CLASSLIST)
        sign_in_as_trainer(page)
        page.get_by_role("button", name="Export everyone's progress").wait_for()
        first = import_file(page, data)
        assert "1 trainee in the file (1 new here)" in first and "0 saved items" not in first
        again = import_file(page, data)
        assert "Everything in the file was already here" in again
        assert "Xavier Mwangi" in page.locator("table").last.inner_text()
        context.close()

        context, page = new_page(browser)
        page.goto(office_url + APP + "?page=1.2")
        sign_in(page, "Xavier Mwangi", "3817", new=False)
        shown(page, "1.2 Core steps")
        page.locator(".cm-wrong").wait_for()
        assert page.get_by_role("radio", name="c. Identification - Registration").is_checked()
        context.close()
    finally:
        for proc in (laptop, office):
            proc.terminate()
            proc.wait(timeout=30)
