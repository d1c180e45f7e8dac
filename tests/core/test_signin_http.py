"""The course server's sign-in, over real HTTP: who gets a page, what the browser is given,
and what a guesser, a forger or another site gets instead."""

from __future__ import annotations

import http.cookiejar
import os
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from servers import TRAINER_PASSPHRASE, Browser, kernels, start_voila

from cmcourse.core.accounts import Accounts
from cmcourse.core.serve import free_port, voila_command

pytestmark = pytest.mark.server

APP = "course/index.ipynb"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("signin")
    proc, base = start_voila(data)
    yield proc, base.split("/voila/render/")[0], data
    proc.terminate()
    proc.wait(timeout=30)


def test_nobody_signed_in_is_sent_to_the_sign_in_page_and_no_kernel_starts(server):
    proc, root, data = server
    before = len(kernels(proc.pid))
    visitor = Browser(root)
    status, headers, _ = visitor.request("/")
    assert status == 302 and headers["Location"].endswith(f"/voila/render/{APP}")
    status, headers, _ = visitor.request(f"/voila/render/{APP}?page=1.2&trainee=abcdefgh")
    assert status == 302
    assert headers["Location"].startswith("/cm101/sign-in?next=")
    assert "page%3D1.2" in headers["Location"]  # back to that page after signing in
    status, _, body = visitor.request("/cm101/sign-in")
    assert status == 200 and "Start here: new to the course" in body
    assert len(kernels(proc.pid)) == before
    assert not list((data / "trainees").glob("abcdefgh*"))  # ?trainee= made nothing


def test_signing_in_gives_an_httponly_strict_session_cookie_that_is_not_the_id(server):
    _proc, root, data = server
    browser = Browser(root)
    status, headers, _ = browser.sign_in("Amina Yusuf", next=f"/voila/render/{APP}?page=1.2")
    assert status == 303 and headers["Location"] == f"/voila/render/{APP}?page=1.2"
    cookie = headers["Set-Cookie"]
    assert cookie.startswith("cm101_session=") and "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie and "Path=/" in cookie
    token = browser.cookie("cm101_session")
    trainee = Accounts(data).named("Amina Yusuf")[0]
    assert trainee.id not in token and trainee.id not in cookie
    status, _, page = browser.request(f"/voila/render/{APP}?page=1.2")
    assert status == 200 and "Voil" in page  # the course app itself


def test_a_forged_or_ended_session_opens_nothing(server):
    _proc, root, _data = server
    forger = Browser(root)
    forger.jar.set_cookie(_cookie("cm101_session", "made-up-token"))
    status, headers, _ = forger.request(f"/voila/render/{APP}")
    assert status == 302 and "bye=ended" in headers["Location"]
    browser = Browser(root)
    browser.sign_in("Bilal Haddad")
    status, headers, _ = browser.request("/cm101/sign-out", {})
    assert status == 303 and "bye=out" in headers["Location"]
    assert '"cache", "storage"' in headers["Clear-Site-Data"]
    assert browser.cookie("cm101_session") is None  # the browser was told to drop it
    status, _, _ = browser.request(f"/voila/render/{APP}")
    assert status == 302


def test_the_same_name_and_pin_from_another_browser_is_the_same_trainee(server):
    _proc, root, data = server
    Browser(root).sign_in("Chidi Okafor", "7395")
    other = Browser(root)
    status, _, _ = other.sign_in("chidi okafor", "7395", new=False)
    assert status == 303
    assert len(Accounts(data).named("Chidi Okafor")) == 1


def test_a_second_trainee_of_the_same_name_confirms_and_gets_a_record_of_their_own(server):
    _proc, root, data = server
    Browser(root).sign_in("Dina Saleh", "2468")
    status, _, body = Browser(root).sign_in("Dina Saleh", "9753")
    assert status == 200 and "already taking this course" in body and "confirm" in body
    assert len(Accounts(data).named("Dina Saleh")) == 1  # nothing made before confirming
    status, _, _ = Browser(root).sign_in("Dina Saleh", "9753", confirm="yes")
    assert status == 303
    assert len(Accounts(data).named("Dina Saleh")) == 2


def test_an_arabic_name_with_harakat_signs_in(server):
    _proc, root, data = server
    status, _, _ = Browser(root).sign_in("مُحَمَّد عَلِي")
    assert status == 303
    assert Accounts(data).named("مُحَمَّد عَلِي")[0].name == "مُحَمَّد عَلِي"


def test_wrong_pins_are_slowed_for_the_whole_server_and_logged(server):
    _proc, root, _data = server
    Browser(root).sign_in("Esther Wanjiru", "1357")
    started = time.monotonic()
    status, _, body = Browser(root).sign_in("Esther Wanjiru", "0000", new=False)
    assert status == 401 and "do not match" in body
    assert time.monotonic() - started >= 1.0  # answered only after a pause
    # Straight away, from another browser (another kernel, another address would do the
    # same): even the right PIN must wait.
    status, _, body = Browser(root).sign_in("Esther Wanjiru", "1357", new=False)
    assert status == 429 and "Too many wrong tries: please wait" in body
    time.sleep(1.5)
    status, _, _ = Browser(root).sign_in("Esther Wanjiru", "1357", new=False)
    assert status == 303


def test_a_form_posted_from_another_site_is_refused(server):
    _proc, root, _data = server
    status, _, _ = Browser(root).request(
        "/cm101/sign-in",
        {"how": "new", "name": "Mallory", "pin": "8642", "pin2": "8642"},
        {"Origin": "https://evil.example"},
    )
    assert status == 403


def test_only_course_pages_are_where_a_sign_in_may_lead(server):
    _proc, root, _data = server
    for elsewhere in ("https://evil.example/", "//evil.example/x", "/cm101/sign-out"):
        status, headers, _ = Browser(root).sign_in(f"Faith Njeri {len(elsewhere)}", next=elsewhere)
        assert status == 303 and headers["Location"] == f"/voila/render/{APP}"


def test_the_trainer_pages_open_for_the_trainer_passphrase_only(server):
    _proc, root, _data = server
    trainee = Browser(root)
    trainee.sign_in("Grace Achieng")
    status, headers, _ = trainee.request("/voila/render/workshop/report.ipynb")
    assert status == 302 and headers["Location"].startswith("/cm101/trainer?next=")
    status, _, body = trainee.request("/cm101/trainer", {"passphrase": "not it"})
    assert status == 401 and "not right" in body
    trainer = Browser(root)
    time.sleep(1.5)  # the wait the wrong try earned
    status, headers, _ = trainer.request(
        "/cm101/trainer",
        {"passphrase": TRAINER_PASSPHRASE, "next": "/voila/render/workshop/live.ipynb"},
    )
    assert status == 303 and headers["Location"] == "/voila/render/workshop/live.ipynb"
    assert "HttpOnly" in headers["Set-Cookie"] and "SameSite=Strict" in headers["Set-Cookie"]
    status, _, _ = trainer.request("/voila/render/workshop/report.ipynb")
    assert status == 200


def test_a_weak_trainer_passphrase_stops_the_server_with_a_plain_message(tmp_path):
    env = os.environ | {
        "CM101_DATA_DIR": str(tmp_path),
        "CM101_TRAINER_PASSPHRASE": "trainer123",
    }
    done = subprocess.run(
        voila_command(free_port()), env=env, capture_output=True, text=True, timeout=90
    )
    assert done.returncode != 0
    assert "too weak" in done.stderr and "Traceback" not in done.stderr


def test_without_a_passphrase_the_server_makes_one_and_prints_it(tmp_path):
    env = os.environ | {"CM101_DATA_DIR": str(tmp_path), "JUPYTER_RUNTIME_DIR": str(tmp_path)}
    env.pop("CM101_TRAINER_PASSPHRASE", None)
    port = free_port()
    proc = subprocess.Popen(
        voila_command(port), env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        line = ""
        while "Trainer passphrase" not in line:
            line = proc.stdout.readline()
            assert line, "the server ended without printing a passphrase"
        made = line.rsplit(": ", 1)[1].strip()
        root = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _, _ = Browser(root).request("/cm101/trainer", {"passphrase": made})
                break
            except urllib.error.URLError:
                time.sleep(0.3)
        assert status == 303
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _cookie(name: str, value: str) -> http.cookiejar.Cookie:
    return http.cookiejar.Cookie(
        0,
        name,
        value,
        None,
        False,
        "127.0.0.1",
        False,
        False,
        "/",
        True,
        False,
        None,
        False,
        None,
        None,
        {},
    )


def test_a_classroom_refuses_to_keep_hand_ins_inside_the_folder_it_serves(tmp_path):
    env = os.environ | {"CM101_DATA_DIR": str(tmp_path)}
    env.pop("CM101_WORKSHOP_DIR", None)  # the default: workshop/ in the repository
    command = [*voila_command(free_port()), "--CourseVoila.roster_only=True"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=90)
    assert done.returncode != 0
    assert "inside the folder the course serves" in done.stderr
