"""What the course server serves, tried as someone poking at it would: only the course's own
pages; no folder listed, no other notebook run, no file of the folder handed out, no layout
chosen from the address (that hung the request forever)."""

from __future__ import annotations

import time

import pytest
from servers import ROOT, TRAINER_PASSPHRASE, Browser, kernels, start_voila

pytestmark = pytest.mark.server

APP = "course/index.ipynb"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("served")
    proc, base = start_voila(data)
    root = base.split("/voila/render/")[0]
    trainee = Browser(root)
    assert trainee.sign_in("Amina Yusuf")[0] == 303
    trainer = Browser(root)
    assert trainer.request("/cm101/trainer", {"passphrase": TRAINER_PASSPHRASE})[0] == 303
    yield proc, root, trainee, trainer
    proc.terminate()
    proc.wait(timeout=30)


def test_no_folder_is_listed_and_the_listing_leads_to_the_course(server):
    _proc, root, trainee, trainer = server
    for who in (Browser(root), trainee, trainer):
        for path in (
            "/",
            "/voila/tree",
            "/voila/tree/",
            "/voila/tree/workshop",
            "/voila/tree/bench",
        ):
            status, headers, body = who.request(path)
            assert status == 302, path
            assert headers["Location"].endswith(f"/voila/render/{APP}"), path
            assert "source" not in body and "bench" not in body


def test_the_listing_api_lists_nothing_to_anyone(server):
    _proc, root, trainee, trainer = server
    for who in (Browser(root), trainee, trainer):
        for path in (
            "/voila/api/contents",
            "/voila/api/contents/",
            "/voila/api/contents/workshop",
            "/voila/api/contents/workshop/source/module1",
            "/voila/api/contents/course/bank",
        ):
            status, _headers, body = who.request(path)
            assert status == 404, path
            assert "module1" not in body and "source" not in body and ".yaml" not in body, path


def test_only_the_courses_own_pages_render_and_nothing_else_starts_a_kernel(server):
    proc, _root, trainee, trainer = server
    before = len(kernels(proc.pid))
    for who, path in [
        (trainer, "workshop/source/module1/module1.ipynb"),  # nbgrader's source: the key
        (trainer, "workshop/nbgrader_config.py"),
        (trainee, "bench/pages/bare.ipynb"),
        (trainee, "course/../workshop/report.ipynb"),
        (trainee, "casestudies/nadia/nothing.ipynb"),
    ]:
        status, _headers, body = who.request(f"/voila/render/{path}")
        assert status == 404, path
        assert "The course has no page at this address" in body and "Go to the course" in body
    assert len(kernels(proc.pid)) == before
    # The course's pages still open: a lesson on its own, the trainer's report.
    assert (
        trainee.request("/voila/render/course/module1/1_1_what_is_case_management.ipynb")[0] == 200
    )
    assert trainer.request("/voila/render/workshop/report.ipynb")[0] == 200


def test_no_file_of_the_folder_is_served_as_it_is(server):
    _proc, _root, trainee, _trainer = server
    shot = ROOT / "artifacts" / "screenshots" / "served-tree-probe.png"
    shot.write_bytes(b"\x89PNG\r\n\x1a\n a screenshot showing a right answer")
    try:
        for path in (
            "artifacts/screenshots/served-tree-probe.png",
            "course/bank/module1.yaml",
            "workshop/source/module1/module1.ipynb",
            "README.md",
        ):
            status, _headers, body = trainee.request(f"/voila/files/{path}")
            assert status in (403, 404), path
            assert "right answer" not in body and "answer:" not in body
    finally:
        shot.unlink()


def test_a_template_or_theme_in_the_address_is_refused_at_once(server):
    _proc, _root, trainee, _trainer = server
    for query in ("template=base", "template=nosuchtemplate", "theme=dark", "voila-template=lab"):
        started = time.monotonic()
        status, _headers, body = trainee.request(f"/voila/render/{APP}?{query}")
        assert status == 400, query
        assert time.monotonic() - started < 10, query  # it used to hang forever
        assert "pages have one layout" in body
