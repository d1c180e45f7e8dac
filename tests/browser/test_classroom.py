"""A room on one laptop: `make classroom` started as a trainer starts it, the class list and its
cards made on the trainer's page, trainees signing in from their cards, and a full room."""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from servers import SHOTS, new_page, shown, sign_in_as_trainer

from cmcourse.core.accounts import Accounts
from cmcourse.core.serve import free_port
from cmcourse.trainer.classlist import add_names

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "lamu-tiva-rosi-keda-bumo"


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    data = tmp_path_factory.mktemp("classroom")
    port = free_port()
    env = os.environ | {
        "CM101_DATA_DIR": str(data),
        "JUPYTER_RUNTIME_DIR": str(data),
        "CM101_TRAINER_PASSPHRASE": PASSPHRASE,
    }
    env.pop("CM101_WORKSHOP_DIR", None)
    proc = subprocess.Popen(
        [
            "make",
            "--no-print-directory",
            "classroom",
            f"PORT={port}",
            "PREHEAT=0",
            "MAX_TRAINEES=2",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    printed = []
    deadline = time.monotonic() + 150
    while not any("Only trainees on the class list" in line for line in printed):
        line = proc.stdout.readline()
        assert line and time.monotonic() < deadline, "".join(printed)
        printed.append(line)
    try:
        yield f"http://127.0.0.1:{port}", data, "".join(printed)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def test_the_classroom_prints_its_address_and_a_qr_code(classroom):
    root, _data, printed = classroom
    assert "Trainees open:" in printed
    address = printed.split("Trainees open:", 1)[1].split()[0]
    assert address.startswith("http://") and address.endswith(f":{root.rsplit(':', 1)[1]}/")
    assert "▀" in printed or "█" in printed  # the QR code, drawn in the terminal
    assert "Traceback" not in printed


def test_the_trainer_makes_the_class_list_and_prints_cards(classroom, browser):
    root, _data, _printed = classroom
    context, page = new_page(browser)
    page.goto(root + "/voila/render/workshop/classlist.ipynb")
    sign_in_as_trainer(page, PASSPHRASE)
    page.get_by_placeholder("One name per line").wait_for()
    page.get_by_placeholder("One name per line").fill("Rehema Ally\n\nSaid Omar\n<b>x</b>\n")
    page.get_by_role("button", name="Add to the class list").click()
    link = page.locator("a[download$='.pdf']")
    link.wait_for()
    assert "Sign-in cards for 2 trainees" in link.inner_text()
    assert "Not added" in page.inner_text("body") and "cannot be part of a name" in page.inner_text(
        "body"
    )
    pdf = base64.b64decode(link.get_attribute("href").split(",", 1)[1])
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 1
    table = page.locator("table").last.inner_text()
    assert "Rehema Ally" in table and "Said Omar" in table and "a sign-in code (card)" in table
    page.screenshot(path=str(SHOTS / "classlist_laptop.png"), full_page=True)
    # A list saved from a spreadsheet, imported as a file.
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Import a list").click()
    csv = b"Name,Site\r\nYusuf Ali,Camp 3\r\nZawadi Njoki,Camp 1\r\n"
    chooser.value.set_files({"name": "class.csv", "mimeType": "text/csv", "buffer": csv})
    page.get_by_role("button", name="Add to the class list").click()
    page.get_by_text("Sign-in cards for 2 trainees").last.wait_for()
    page.locator("table", has_text="Zawadi Njoki").wait_for()
    assert "Trainees (4)" in page.locator("table").last.inner_text()  # no trainee "Name"
    # Rehema forgot her card: a new code, on a card of its own.
    page.get_by_label("Trainee:").select_option(index=1)
    page.get_by_role("button", name="Give a new sign-in code").click()
    page.get_by_text("now signs in with a new code").wait_for()
    assert "Sign-in cards for 1 trainee (PDF)" in page.inner_text("body")
    page.get_by_role("button", name="Sign out on every device").click()
    page.get_by_text("is signed out on every device").wait_for()
    page.get_by_label("Trainee:").select_option(index=0)
    page.get_by_role("button", name="Sign out on every device").click()
    page.get_by_text("Please choose a trainee").wait_for()
    context.close()


def test_trainees_sign_in_from_their_cards_and_the_room_has_a_cap(classroom, browser):
    root, data, _printed = classroom
    accounts = Accounts(data)
    cards = add_names(accounts, ["Tumaini Mrema", "Upendo Kweka", "Vumilia Sanga"]).cards
    accounts.close()
    app = root + "/voila/render/course/index.ipynb"
    contexts = []
    for card in cards[:2]:
        context, page = new_page(browser, 390)
        contexts.append(context)
        page.goto(app)
        assert page.get_by_role("heading", name="Sign in with your card").is_visible()
        assert page.get_by_text("Start here: new to the course").count() == 0  # roster only
        page.locator("#back-name").fill(card.name)
        page.locator("#back-secret").fill(card.code.lower())  # as typed on a phone
        with page.expect_navigation():
            page.get_by_role("button", name="Start").click()
        shown(page, "CM 101")
        assert f"Signed in as {card.name}" in page.inner_text(".cm-who")
    # Two trainees hold the two places; the third is told plainly.
    context, page = new_page(browser, 390)
    page.goto(app)
    page.locator("#back-name").fill(cards[2].name)
    page.locator("#back-secret").fill(cards[2].code)
    with page.expect_navigation():
        page.get_by_role("button", name="Start").click()
    assert "The course is full" in page.inner_text("body")
    assert "ask your trainer" in page.inner_text("body")
    page.screenshot(path=str(SHOTS / "classroom_full_phone.png"), full_page=True)
    # Someone new, not on the list, cannot sign in at all.
    context2, other = new_page(browser)
    other.goto(root + "/cm101/sign-in")
    other.locator("#back-name").fill("Walter Not-Listed")
    other.locator("#back-secret").fill("4821")
    with other.expect_navigation():
        other.get_by_role("button", name="Start").click()
    assert "do not match" in other.inner_text("body")
    for c in (*contexts, context, context2):
        c.close()
