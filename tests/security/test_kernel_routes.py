"""A page's kernel is its browser's alone (issue 17, found probing the hub's course service like
an attacker): Voilà's routes to a kernel (the page's websocket, the kernel's API, its shutdown)
asked for nothing but the kernel's id, which every account of a shared machine reads in the
kernel's command line. With it, Bilal could read Amina's page and answer in her name, read the
trainer's report, or end anyone's kernel."""

from __future__ import annotations

import json
import re
import time
import uuid

import pytest
from servers import TRAINER_PASSPHRASE, Browser, command, kernels, start_voila
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

pytestmark = pytest.mark.server

APP = "course/index.ipynb"
REPORT = "workshop/report.ipynb"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    proc, base = start_voila(tmp_path_factory.mktemp("kernel-routes"))
    yield proc, base.split("/voila/render/")[0]
    proc.terminate()
    proc.wait(timeout=30)


def open_page(proc, browser: Browser, page: str) -> str:
    """Open a page as `browser`, and find its kernel's id as anyone on the machine can: in
    the new kernel's command line."""
    before = {p.pid for p in kernels(proc.pid)}
    status, _, _ = browser.request(f"/voila/render/{page}")
    assert status == 200
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for kernel in kernels(proc.pid):
            found = re.search(r"kernel-([0-9a-f-]{36})\.json", command(kernel))
            if kernel.pid not in before and found:
                return found.group(1)
        time.sleep(0.2)
    raise AssertionError("no new kernel")


def talk(root: str, kernel_id: str, cookie: str | None) -> dict:
    """Connect to a kernel's websocket as a browser with `cookie` would, and ask the kernel who
    it is; its reply."""
    url = root.replace("http", "ws", 1) + f"/api/kernels/{kernel_id}/channels"
    headers = {"Cookie": cookie} if cookie else {}
    with connect(url, additional_headers=headers, open_timeout=30) as kernel:
        msg_id = uuid.uuid4().hex
        kernel.send(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "msg_type": "kernel_info_request",
                        "username": "",
                        "session": uuid.uuid4().hex,
                        "version": "5.3",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "content": {},
                    "channel": "shell",
                }
            )
        )
        while True:
            reply = json.loads(kernel.recv(timeout=30))
            if (
                reply.get("parent_header", {}).get("msg_id") == msg_id
                and reply["channel"] == "shell"
            ):
                return reply


def cookies(browser: Browser) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in browser.jar)


def test_only_the_browser_whose_page_it_is_reaches_its_kernel(server):
    proc, root = server
    amina, bilal = Browser(root), Browser(root)
    assert amina.sign_in("Amina Yusuf")[0] == 303
    assert bilal.sign_in("Bilal Haddad")[0] == 303
    hers = open_page(proc, amina, APP)

    assert talk(root, hers, cookies(amina))["msg_type"] == "kernel_info_reply"
    for cookie in (cookies(bilal), None, "cm101_session=made-up"):
        with pytest.raises(InvalidStatus) as refused:
            talk(root, hers, cookie)
        assert refused.value.response.status_code == 403
    assert bilal.request(f"/api/kernels/{hers}")[0] == 403
    assert bilal.request(f"/voila/api/shutdown/{hers}", {})[0] == 403
    status, _, _ = amina.request(f"/api/kernels/{hers}")
    assert status == 200
    assert hers in " ".join(command(k) for k in kernels(proc.pid))  # still running


def test_a_trainee_cannot_reach_the_trainers_report_kernel(server):
    proc, root = server
    trainer, amina = Browser(root), Browser(root)
    assert trainer.request("/cm101/trainer", {"passphrase": TRAINER_PASSPHRASE})[0] == 303
    assert amina.sign_in("Amina Yusuf", new=False)[0] == 303
    report = open_page(proc, trainer, REPORT)

    assert talk(root, report, cookies(trainer))["msg_type"] == "kernel_info_reply"
    with pytest.raises(InvalidStatus):
        talk(root, report, cookies(amina))
    assert amina.request(f"/voila/api/shutdown/{report}", {})[0] == 403


def test_one_person_asking_for_page_after_page_keeps_a_few_kernels_not_hundreds(server):
    """Each page load starts a kernel (some 85 MB): a trainee's script asking again and again
    would fill the server's memory for everyone."""
    from cmcourse.server.app import KERNELS_EACH

    proc, root = server
    chidi, dana = Browser(root), Browser(root)
    assert chidi.sign_in("Chidi Okafor")[0] == 303
    assert dana.sign_in("Dana Lee")[0] == 303
    danas = open_page(proc, dana, APP)
    opened = [open_page(proc, chidi, APP) for _ in range(KERNELS_EACH + 3)]

    running = " ".join(command(k) for k in kernels(proc.pid))
    assert [k for k in opened if k in running] == opened[-KERNELS_EACH:]  # his newest
    assert danas in running  # another trainee's kernel is not his to end
    assert talk(root, opened[-1], cookies(chidi))["msg_type"] == "kernel_info_reply"
