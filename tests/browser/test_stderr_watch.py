"""The watch every browser test keeps: stderr output on a page, at any step, is caught."""

from __future__ import annotations

import conftest
import pytest

pytestmark = pytest.mark.browser

LATE_STDERR = """<!DOCTYPE html><html><body><button onclick="
  const out = document.createElement('div');
  out.setAttribute('data-mime-type', 'application/vnd.jupyter.stderr');
  out.textContent = 'UserWarning: Consider using IPython.display.IFrame';
  document.body.appendChild(out);">Submit</button></body></html>"""


def test_stderr_shown_after_a_click_is_caught_by_the_watch(browser, tmp_path):
    page_file = tmp_path / "page.html"
    page_file.write_text(LATE_STDERR)
    context = browser.new_context()
    page = context.new_page()
    page.goto(page_file.as_uri())
    assert conftest.STDERR_SEEN == []
    page.get_by_role("button", name="Submit").click()
    page.wait_for_timeout(200)
    page.evaluate("1")  # let the page's report reach the test
    assert len(conftest.STDERR_SEEN) == 1 and "IFrame" in conftest.STDERR_SEEN[0]
    conftest.STDERR_SEEN.clear()  # this one was on purpose
    context.close()
