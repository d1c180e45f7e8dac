"""Fixtures shared by the browser tests: Debian's Chromium driven by Playwright (no browser
download, only package registries)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cmcourse.core.serve import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="module")
def browser():
    from playwright import sync_api as playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is installed by `make setup`"
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
