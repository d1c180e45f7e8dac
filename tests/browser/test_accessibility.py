"""An accessibility audit that can fail: axe-core (Deque's rules, through axe-playwright-python)
runs on every page a trainee or the trainer sees, in Chromium against one real course server.
Any serious or critical violation fails, naming the page, the rule and the elements; the count
of every violation (rule and impact, per page) is printed at the end of the run."""

from __future__ import annotations

from collections import Counter

import pytest
from axe_playwright_python.sync_playwright import Axe
from servers import answer, new_page, served, shown, sign_in, sign_in_as_trainer

from cmcourse.core.outline import load_outline

pytestmark = pytest.mark.browser

APP = "course/index.ipynb"
NAME = "Wanjiru Kamau"
FAILING = ("serious", "critical")
# Violations that come from Jupyter's or Voilà's own markup, not the course's: (rule, CSS
# selector of the element axe names), each with the reason it is left alone.
KNOWN: dict[tuple[str, str], str] = {}
AXE = Axe()


# Resolves once the page's elements have stopped changing for a while (widgets are drawn one
# by one after a page turn, figures after them), or after 20 s.
SETTLED = """() => new Promise((resolve) => {
  let last = -1, still = 0;
  const started = Date.now();
  const check = () => {
    const now = document.getElementsByTagName('*').length;
    still = now === last ? still + 1 : 0;
    last = now;
    if (still >= 3 || Date.now() - started > 20000) resolve(still >= 3);
    else setTimeout(check, 120);
  };
  check();
})"""


DRAWN = "() => new Promise((drawn) => requestAnimationFrame(() => requestAnimationFrame(drawn)))"
# axe-core's rules as it runs them by default (WCAG 2.0-2.2 A and AA, and best practices), and
# WCAG 2.2's target size (2.5.8), which it leaves off by default: the course is read on phones.
OPTIONS = {
    "resultTypes": ["violations", "incomplete"],
    "rules": {"target-size": {"enabled": True}},
}
# Voilà scrolls the page inside a box of the window's height (#rendered_cells), and axe checks
# the contrast of text in a scrolled box only where it is in view: the window is made as tall
# as the page while axe runs (the width, and so the layout, stay as they are).
PAGE_HEIGHT = """() => Math.max(document.documentElement.scrollHeight,
  document.getElementById('rendered_cells')?.scrollHeight ?? 0)"""


def audit(page, where: str) -> list[dict]:
    """axe-core's violations on the page as it is now, less the known ones above; a rule that
    axe could not run at all (it says so among its 'incomplete' results) counts as one."""
    page.wait_for_function("!document.body.classList.contains('cm-turning')")
    page.evaluate("document.fonts.ready.then(() => true)")
    assert page.evaluate(SETTLED), f"{where}: the page kept changing for 20 s"
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": page.evaluate(PAGE_HEIGHT)})
    try:
        page.evaluate(DRAWN)
        results = AXE.run(page, options=OPTIONS).response
    finally:
        page.set_viewport_size(size)
    broken = [
        v | {"id": f"{v['id']} (not run)", "help": f"axe failed: {v['error']['message'][:100]}"}
        for v in results["incomplete"]
        if v.get("error")
    ]
    kept = []
    for violation in results["violations"] + broken:
        nodes = [
            node
            for node in violation["nodes"]
            if (violation["id"], " ".join(map(str, node["target"]))) not in KNOWN
        ]
        if nodes:
            kept.append(violation | {"nodes": nodes, "page": where})
    return kept


class Audits:
    """The violations of every page a test audited, as a table and as a verdict."""

    def __init__(self, record_property) -> None:
        self.record = record_property
        self.found: list[dict] = []
        self.pages: list[str] = []

    def __call__(self, page, where: str) -> None:
        self.pages.append(where)
        self.found += audit(page, where)

    def table(self) -> list[str]:
        """Each page's violations (rule, impact, how many elements), then the totals."""
        width = max([len(p) for p in self.pages] + [14])
        lines = [f"{'page':<{width}}  {'rule':<30} {'impact':<9} elements"]
        for where in self.pages:
            rows = [v for v in self.found if v["page"] == where]
            if not rows:
                lines.append(f"{where:<{width}}  (none)")
            for v in rows:
                lines.append(f"{where:<{width}}  {v['id']:<30} {v['impact']:<9} {len(v['nodes'])}")
        totals = Counter()
        for v in self.found:
            totals[v["id"], v["impact"]] += len(v["nodes"])
        for (rule, impact), elements in sorted(totals.items()):
            lines.append(f"{'all pages':<{width}}  {rule:<30} {impact:<9} {elements}")
        return lines

    def verdict(self) -> None:
        self.record("axe", "\n".join(self.table()))
        failing = [v for v in self.found if v["impact"] in FAILING]
        lines = []
        for v in failing:
            targets = [" ".join(map(str, node["target"])) for node in v["nodes"]]
            shown_targets = "; ".join(targets[:6]) + (" …" if len(targets) > 6 else "")
            lines.append(
                f"{v['page']}: {v['id']} ({v['impact']}, {len(targets)} elements: {v['help']}) "
                f"at {shown_targets}"
            )
        assert not lines, "serious or critical accessibility violations:\n" + "\n".join(lines)


@pytest.fixture
def audits(record_property):
    return Audits(record_property)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("accessibility")
    with served(data) as base:
        yield base


@pytest.fixture(scope="module")
def trainee(server, browser):
    """One trainee's browser, signed in (the sign-in page audited on the way), on the map."""
    context, page = new_page(browser)
    page.goto(server + APP)
    page.locator("#new-pin").wait_for()
    signin = audit(page, "sign-in")
    sign_in(page, NAME)
    shown(page, "CM 101")
    yield page, signin
    context.close()


def turn(page, page_id: str) -> None:
    """Open a page of the course within the app, as a click on a link to it does."""
    page.evaluate(
        """id => {
          const link = document.createElement('a');
          link.href = '?page=' + encodeURIComponent(id);
          document.body.appendChild(link);
          link.click();
          link.remove();
        }""",
        page_id,
    )
    page.wait_for_function("!document.body.classList.contains('cm-turning')")
    page.wait_for_url(lambda url: url.endswith(f"?page={page_id}") or page_id == "map")
    page.locator(".cm-app-content h1").first.wait_for()


@pytest.mark.parametrize("width", [1280, 390])
def test_every_page_of_the_course_has_no_serious_violation(trainee, audits, width):
    """The course map and every page of the outline, in order, on a laptop and on a phone (the
    same trainee's window made narrower); on the laptop the sign-in page on the way in too."""
    page, signin = trainee
    where = "" if width == 1280 else f" @{width}"
    if not where:
        audits.pages.append("sign-in")
        audits.found += signin
    page.set_viewport_size({"width": width, "height": 900})
    try:
        turn(page, "map")
        audits(page, "map" + where)
        for item in load_outline().pages():
            turn(page, item.id)
            audits(page, item.id + where)
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})
    audits.verdict()


def test_the_audit_sees_the_whole_page_and_fails_on_what_it_is_for(trainee):
    """Faint text and a box without a label, put at the foot of a long page (out of the
    window's view), are both found: the audit is not blind below the fold."""
    page, _ = trainee
    turn(page, "2.2")
    page.evaluate(
        """() => {
          const foot = document.createElement('div');
          foot.id = 'cm-planted';
          foot.innerHTML =
            '<p style="color: #bbb">Faint text</p><input type="text" name="planted">';
          document.querySelector('.cm-app-content').appendChild(foot);
        }"""
    )
    assert page.evaluate("document.getElementById('cm-planted').getBoundingClientRect().top") > 900
    found = {(v["id"], node["html"]) for v in audit(page, "planted") for node in v["nodes"]}
    page.evaluate("document.getElementById('cm-planted').remove()")
    assert ("color-contrast", '<p style="color: #bbb">Faint text</p>') in found
    assert ("label", '<input type="text" name="planted">') in found


def test_a_page_with_feedback_shown_has_no_serious_violation(trainee, audits):
    page, _ = trainee
    turn(page, "1.2")
    shown(page, "1.2 Core steps")
    answer(page, "c. Identification - Registration")
    page.locator(".cm-wrong").wait_for()
    audits(page, "1.2 wrong answer")
    turn(page, "1.1")
    answer(page, "g. All of the above")
    page.locator(".cm-right").wait_for()
    audits(page, "1.1 right answer")
    audits.verdict()


def test_signing_in_and_feedback_on_a_phone_have_no_serious_violation(server, browser, audits):
    """A shared link opened on a phone: the sign-in page, then the lesson it named, answered."""
    context, page = new_page(browser, 390)
    page.goto(server + APP + "?page=1.2")
    page.locator("#new-pin").wait_for()
    audits(page, "sign-in @390")
    sign_in(page, "Baraka Otieno")
    shown(page, "1.2 Core steps")
    answer(page, "c. Identification - Registration")
    page.locator(".cm-wrong").wait_for()
    audits(page, "1.2 wrong answer @390")
    context.close()
    audits.verdict()


def test_the_trainers_pages_have_no_serious_violation(server, browser, audits):
    context, page = new_page(browser)
    page.goto(server + "workshop/classlist.ipynb")
    page.get_by_label("Trainer passphrase").wait_for()
    audits(page, "trainer sign-in")
    sign_in_as_trainer(page)
    page.get_by_role("button", name="Export everyone's progress").wait_for()
    audits(page, "class list")
    page.goto(server + "workshop/report.ipynb")
    page.get_by_label("Verification code:").wait_for()
    audits(page, "report")
    page.goto(server + "workshop/live.ipynb")
    page.get_by_text("Live view open").wait_for()
    audits(page, "live view")
    context.close()
    audits.verdict()
