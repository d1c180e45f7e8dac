"""A certificate from end to end in the browser: the trainer names the organisation and sets
a pass mark; a trainee who completed the course submits and gets a certificate of achievement
with a verification code, kept on the results page; the trainer looks the code up."""

from __future__ import annotations

import base64

import pytest
from servers import PIN, SHOTS, new_page, served, sign_in, sign_in_as_trainer

from cmcourse.core.accounts import registered_session
from cmcourse.core.bank import load_bank
from cmcourse.core.outline import load_outline
from cmcourse.core.progress import FINISH, items_on
from cmcourse.core.store import ProgressStore

pytestmark = pytest.mark.browser

NAME = "Chandra Rai"
ORGANISATION = "Child Protection AoR, Cox's Bazar"


def completed(folder) -> None:
    """Chandra has opened every page and answered every check: 3 of them wrong at first."""
    banks, outline = load_bank(), load_outline()
    questions = {q.id: q for b in banks.values() for q in b.questions}
    trainee, _token = registered_session(folder, NAME, PIN)
    store = ProgressStore(trainee, folder)
    wrong_first = 3
    for page in outline.pages():
        if page.id == FINISH:
            continue
        store.visit(page.id)
        for item in items_on(page, banks):
            if item in questions:
                points = questions[item].points
                if wrong_first:
                    store.save_answer(item, "x", False, 0, points)
                    wrong_first -= 1
                store.save_answer(item, "y", True, points, points)
    store.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("certificate")
    completed(data)
    with served(data) as base:
        yield base


def wait_turned(page) -> None:
    page.wait_for_function("!document.body.classList.contains('cm-turning')")


def test_a_certificate_of_achievement_is_issued_kept_and_verified(server, browser):
    base = server
    trainer_context, trainer = new_page(browser)
    trainer.goto(base + "workshop/classlist.ipynb")
    sign_in_as_trainer(trainer)
    trainer.get_by_label("Issued by:").fill(ORGANISATION)
    trainer.get_by_label("Pass mark (%):").fill("seventy")
    trainer.get_by_role("button", name="Save the certificate settings").click()
    trainer.get_by_text("The pass mark is a whole percentage from 1 to 100").wait_for()
    trainer.get_by_label("Pass mark (%):").fill("70%")
    trainer.get_by_role("button", name="Save the certificate settings").click()
    trainer.get_by_text("Saved. Certificates from now on").wait_for()

    context, page = new_page(browser)
    page.goto(base + "course/index.ipynb?page=results")
    sign_in(page, NAME, new=False)
    wait_turned(page)
    page.get_by_text("You have completed the course").wait_for()
    page.get_by_role("button", name="Submit results…").click()
    assert "You get a certificate for it" in page.get_by_role("alertdialog").inner_text()
    page.get_by_role("button", name="Yes, submit my results").click()
    page.get_by_text("Your certificate of achievement is below").wait_for()
    certificate = page.frame_locator("iframe[title='Certificate of achievement']").locator("body")
    text = certificate.inner_text()
    assert NAME in text and ORGANISATION in text
    assert "63 of 66 points on first tries, 66 of 66 points in the end" in text
    assert "reaching the pass mark of 70% on first tries" in text
    code = certificate.locator(".code").inner_text()
    whole = "f => f.getBoundingClientRect().height >= f.contentDocument.body.scrollHeight"
    page.wait_for_function(  # shown whole, not in a box of its own that scrolls
        f"({whole})(document.querySelector('iframe.cm-certificate'))"
    )
    page.screenshot(path=str(SHOTS / "certificate_results.png"), full_page=True)

    # Reloaded (or another day): the submitted attempt and its certificate are still there.
    page.reload()
    wait_turned(page)
    kept = page.locator(".cm-submissions li").first
    kept.wait_for()
    assert "Attempt 1" in kept.inner_text() and code in kept.inner_text()
    pdf = kept.locator("a", has_text="Certificate of achievement (PDF)").get_attribute("href")
    assert base64.b64decode(pdf.split(",", 1)[1]).startswith(b"%PDF")
    context.close()

    # The trainer looks the code up, typed carelessly; a code never issued is said so.
    trainer.goto(base + "workshop/report.ipynb")
    box = trainer.get_by_label("Verification code:")
    box.fill(code.lower().replace("-", " "))
    trainer.get_by_role("button", name="Check the certificate").click()
    found = trainer.get_by_text(f"{code} is genuine")
    found.wait_for()
    assert NAME in trainer.locator(".cm-ok", has_text=code).inner_text()
    box.fill("CM-0000-0000")
    box.press("Enter")
    trainer.get_by_text("No certificate with the code CM-0000-0000").wait_for()
    trainer_context.close()
