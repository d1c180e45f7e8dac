"""Voilà servers for the tests that need a real one, and the kernels they start."""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psutil

from cmcourse.core.serve import free_port, voila_command, wait_until_up

ROOT = Path(__file__).resolve().parents[1]
# Screenshots the browser tests take, to look at: outside git (.gitignore) and outside what a
# course server serves to a browser.
SHOTS = ROOT / "artifacts" / "screenshots"
SHOTS.mkdir(parents=True, exist_ok=True)
TRAINER_PASSPHRASE = "kiro-tabe-muna-sefo-dali"  # what the test servers' trainer types
PIN = "4821"


def start_voila(
    folder: Path, env: dict[str, str] | None = None, extra: list[str] | None = None, **options
) -> tuple[subprocess.Popen, str]:
    """Voilà serving the course as `make serve` does, on a free port, with its progress and
    kernel files in `folder` (and `env` added, and `extra` of the course server's arguments):
    the process and the pages' base address."""
    port = free_port()
    full = os.environ | {
        "CM101_WORKSHOP_DIR": str(folder / "workshop"),
        "CM101_DATA_DIR": str(folder),
        "JUPYTER_RUNTIME_DIR": str(folder),
        "CM101_TRAINER_PASSPHRASE": TRAINER_PASSPHRASE,
        **(env or {}),
    }
    full.pop("JUPYTERHUB_USER", None)
    proc = subprocess.Popen(
        voila_command(port, **options) + (extra or []),
        cwd=ROOT,
        env=full,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/voila/render/"
    assert wait_until_up(base, 90, proc), "Voilà did not start"
    return proc, base


@contextlib.contextmanager
def served(folder: Path, env: dict[str, str] | None = None, **options) -> Iterator[str]:
    """`start_voila` for a `with` block (a fixture's): the pages' base address; the server
    stops when the block ends, however it ends."""
    proc, base = start_voila(folder, env, **options)
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


# -- over plain HTTP ---------------------------------------------------------------------------
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Just enough of a browser: a cookie jar, forms posted, redirects seen, not followed."""

    def __init__(self, root: str):
        self.root = root
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )

    def request(self, path: str, form: dict | None = None, headers: dict | None = None):
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        req = urllib.request.Request(self.root + path, data=data, headers=headers or {})
        try:
            reply = self.opener.open(req, timeout=90)
        except urllib.error.HTTPError as error:
            reply = error
        body = reply.read().decode("utf-8", "replace")
        return reply.status, reply.headers, body

    def sign_in(self, name: str, pin: str = PIN, *, new: bool = True, **more):
        form = {"how": "new", "name": name, "pin": pin, "pin2": pin} if new else {}
        if not new:
            form = {"how": "back", "name": name, "secret": pin}
        return self.request("/cm101/sign-in", form | more)

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)


def command(p: psutil.Process) -> str:
    """A process's command line, or '' for one that ended as we looked."""
    try:
        return " ".join(p.cmdline())
    except psutil.Error:
        return ""


def kernels(pid: int) -> list[psutil.Process]:
    """The kernels a server (or a launcher above it) has running now."""
    try:
        family = psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []
    return [p for p in family if "ipykernel" in command(p)]


# -- in the browser -------------------------------------------------------------------------
STDERR = '[data-mime-type="application/vnd.jupyter.stderr"]'


def shown(page, heading: str) -> None:
    """Wait until the course app's page turn has ended on the page with this heading; no
    stderr output or traceback is on the page."""
    page.wait_for_function("!document.body.classList.contains('cm-turning')")
    page.locator(".cm-app-content h1", has_text=heading).first.wait_for()
    assert page.locator(STDERR).count() == 0, page.locator(STDERR).first.inner_text()
    assert "Traceback" not in page.inner_text("body")


def new_page(browser, width: int = 1280):
    """A browser context of its own (a person's browser) at this width, and its page; every
    step may take a minute (a kernel starting on a busy 2-core machine)."""
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    return context, page


def answer(page, option: str) -> None:
    """Choose this option and press the check button of the question it belongs to (a page
    may have several questions, each with its own button)."""
    radio = page.get_by_role("radio", name=option).first
    radio.check()
    page.locator(".cm-question", has=radio).get_by_role("button", name="Check my answer").click()


def sign_in(page, name: str, pin: str = PIN, *, new: bool = True) -> None:
    """On the sign-in page (where the course sends a browser nobody signed in): start as a
    new trainee, or come back (`new=False`), then wait for the course page asked for."""
    if new:
        page.get_by_label("Your name").first.fill(name)
        page.locator("#new-pin").fill(pin)
        page.locator("#new-pin2").fill(pin)
        button = page.get_by_role("button", name="Start the course")
    else:
        page.locator("#back-name").fill(name)
        page.locator("#back-secret").fill(pin)
        button = page.get_by_role("button", name="Continue where I left off")
    with page.expect_navigation():
        button.click()


def sign_in_as_trainer(page, passphrase: str = TRAINER_PASSPHRASE) -> None:
    """On the trainer's sign-in page: type the passphrase and press Enter."""
    page.get_by_label("Trainer passphrase").fill(passphrase)
    with page.expect_navigation():
        page.get_by_label("Trainer passphrase").press("Enter")
