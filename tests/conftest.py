"""Fixtures shared by the browser tests: Debian's Chromium driven by Playwright (no browser
download, only package registries), watching every page for stderr output at every step."""

from __future__ import annotations

from pathlib import Path

import pytest

from cmcourse.core.serve import CHROMIUM, CHROMIUM_ARGS

# What any page of any test showed as stderr output (a warning, a traceback), whenever it
# appeared: after a click, in a callback, on a page no assertion looked at.
STDERR_SEEN: list[str] = []
WATCH_FOR_STDERR = """
(() => {
  const stderr = '[data-mime-type="application/vnd.jupyter.stderr"]';
  const report = (node) =>
    window.cmStderrSeen(`${location.pathname}${location.search}: ${node.innerText.slice(0, 400)}`);
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.nodeType !== 1) continue;
        if (node.matches(stderr)) report(node);
        node.querySelectorAll(stderr).forEach(report);
      }
    }
  }).observe(document, { childList: true, subtree: true });
})();
"""


@pytest.fixture(scope="module")
def browser():
    from playwright import sync_api as playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is installed by `make setup`"
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        new_context = b.new_context

        def watched_context(*args, **kwargs):
            context = new_context(*args, **kwargs)
            context.expose_binding("cmStderrSeen", lambda _source, text: STDERR_SEEN.append(text))
            context.add_init_script(WATCH_FOR_STDERR)
            return context

        b.new_context = watched_context
        yield b
        b.close()


@pytest.fixture(autouse=True)
def no_stderr_on_any_page():
    """Every browser test fails if any page showed stderr output at any step."""
    STDERR_SEEN.clear()
    yield
    assert not STDERR_SEEN, f"stderr output reached a trainee's page: {STDERR_SEEN}"


def pytest_terminal_summary(terminalreporter) -> None:
    """The accessibility audit's table (a test's `record_property("axe", table)`), printed
    whether the test passed or failed and without -s."""
    tables = [
        (report.nodeid, value)
        for reports in terminalreporter.stats.values()
        for report in reports
        if getattr(report, "when", None) == "call"
        for name, value in getattr(report, "user_properties", ())
        if name == "axe"
    ]
    if tables:
        terminalreporter.section("accessibility: axe-core violations per page")
    for nodeid, table in tables:
        terminalreporter.write_line(nodeid.split("::")[-1])
        terminalreporter.write_line(table)
