"""Removing an account or a trainer (issue 17, low): `hub/accounts.py remove` and a trainer
made a trainee end their hub sessions and group rights at once, while the hub runs: the
trainee's cookie stops opening her server, the former trainer loses the live view."""

from __future__ import annotations

import os
import secrets
import sys
import time
from pathlib import Path

import psutil
import pytest

HUB = Path(__file__).resolve().parents[2] / "hub"
sys.path.insert(0, str(HUB))

import accounts  # noqa: E402
from throwaway import ThrowawayHub  # noqa: E402

pytestmark = [
    pytest.mark.hub,
    pytest.mark.skipif(os.geteuid() != 0, reason="the hub runs as root"),
]


@pytest.fixture(scope="module")
def hub():
    tag = secrets.token_hex(3)
    with ThrowawayHub([f"sara-{tag}", f"omar-{tag}"], [f"amina-{tag}"]) as running:
        running.tag = tag
        yield running


def signed_in(browser, hub: ThrowawayHub, name: str):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", hub.passwords[name])
    page.click("#login_submit")
    page.wait_for_selector(".cm-map", timeout=90_000)  # on the course map
    return context, page


def status(context, url: str) -> int:
    """What the browser's cookies get at `url`, redirects not followed."""
    return context.request.get(url, max_redirects=0).status


def servers_of(hub: ThrowawayHub, name: str) -> list[psutil.Process]:
    uid = hub.uid(name)
    return [
        p for p in psutil.process_iter(["uids"]) if uid is not None and p.info["uids"].real == uid
    ]


COURSE = "/services/cm101-course/voila/render/course/index.ipynb"


def test_a_removed_trainee_is_signed_out_and_her_server_stopped_at_once(hub, browser, capsys):
    amina = f"amina-{hub.tag}"
    context, page = signed_in(browser, hub, amina)
    page.goto(f"{hub.url}/hub/spawn?next=/user/{amina}/lab")  # her own server, for assignments
    page.wait_for_url(lambda url: url.startswith(f"{hub.url}/user/{amina}/lab"), timeout=90_000)
    own = f"{hub.url}/user/{amina}/api/status"
    assert status(context, own) == 200 and status(context, f"{hub.url}/hub/home") == 200
    assert status(context, f"{hub.url}{COURSE}") == 200
    assert servers_of(hub, amina)
    runtime = hub.state / "run" / amina  # her kernels' connection files and sockets
    assert runtime.is_dir()

    assert accounts.main(["--state", str(hub.state), "remove", amina]) == 0
    said = capsys.readouterr().out
    assert "can no longer sign in" in said and "signed out of the hub" in said
    # The same cookies, straight after: her server is gone and the hub no longer knows them.
    assert status(context, own) != 200
    reply = context.request.get(f"{hub.url}/hub/home")
    assert reply.url.startswith(f"{hub.url}/hub/login")
    assert not [p for p in servers_of(hub, amina) if p.status() != psutil.STATUS_ZOMBIE]
    assert not runtime.exists()  # removed with her server, not left for the next one
    # The course asks the hub whose sign-in this is at most 5 s after it last did.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and status(context, f"{hub.url}{COURSE}") == 200:
        time.sleep(0.5)
    assert status(context, f"{hub.url}{COURSE}") != 200
    context.close()


def test_a_trainer_made_a_trainee_loses_the_live_view_at_once(hub, browser, tmp_path, capsys):
    sara, omar = f"sara-{hub.tag}", f"omar-{hub.tag}"
    live = f"{hub.url}/services/cm101-live/"
    context, page = signed_in(browser, hub, sara)
    assert page.goto(live).status == 200 and page.locator("#live").count() == 1

    workshop = tmp_path / "workshop.yaml"
    workshop.write_text(f"workshop: Throwaway\ntrainers: [{omar}]\ntrainees: [{sara}]\n")
    assert accounts.main(["--state", str(hub.state), "create", str(workshop)]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith(sara))
    assert "no longer a trainer" in line and "signed out of the hub" in line
    # The live view asks the hub whose sign-in this is at most 5 s after it last did.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and status(context, live) == 200:
        time.sleep(0.5)
    assert status(context, live) != 200
    page.goto(live)
    assert page.locator("#live").count() == 0 and "/hub/login" in page.url
    context.close()

    # Signed in again, now as a trainee: her course, and no live view.
    context, page = signed_in(browser, hub, sara)
    reply = page.goto(live)
    assert reply.status == 403 and page.locator("#live").count() == 0
    context.close()
