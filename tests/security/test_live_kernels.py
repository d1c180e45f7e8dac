"""The live view's kernel ends when its tab is closed: its refreshing counted as activity, so a
closed tab's kernel refreshed (and grew) forever, and each reload added one."""

from __future__ import annotations

import time

import pytest
from servers import kernels, new_page, sign_in_as_trainer, start_voila

pytestmark = pytest.mark.browser


def test_a_closed_live_view_stops_refreshing_and_its_kernel_ends(tmp_path, browser):
    proc, base = start_voila(tmp_path, env={"CM101_LIVE_REFRESH": "1"}, cull_idle=4)
    try:
        context, page = new_page(browser)
        page.goto(base + "workshop/live.ipynb")
        sign_in_as_trainer(page)
        page.get_by_text("Live view open").wait_for()
        first = page.locator(".cm-summary").inner_text()
        page.wait_for_function(
            "t => document.querySelector('.cm-summary').innerText !== t", arg=first
        )  # it refreshes while watched, well past the idle time
        time.sleep(6)
        assert len(kernels(proc.pid)) == 1
        page.reload()  # a reload: a second kernel, the first one's tab gone
        page.get_by_text("Live view open").wait_for()
        context.close()
        deadline = time.monotonic() + 60
        while kernels(proc.pid) and time.monotonic() < deadline:
            time.sleep(1)
        assert kernels(proc.pid) == []
    finally:
        proc.terminate()
        proc.wait(timeout=30)
