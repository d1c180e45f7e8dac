"""Which trainee a page's kernel serves: only the one whose live session the browser holds."""

from __future__ import annotations

import pytest
from builders import signed_in

from cmcourse.core import page
from cmcourse.core.accounts import Accounts
from cmcourse.core.store import MAX_REFLECTION, ProgressError, ProgressStore


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.setenv("CM101_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    return tmp_path


def test_a_live_session_names_the_trainee_and_nothing_else_does(data, monkeypatch):
    trainee, cookie = signed_in(data, "Amina Yusuf")
    monkeypatch.setenv("HTTP_COOKIE", cookie)
    assert page.trainee_store().trainee_id == trainee
    for cookie, query in (
        (f"cm101_trainee={trainee}", ""),  # the old cookie: the id itself
        ("", f"trainee={trainee}"),  # the address
        ("cm101_session=forged", ""),
        ("cm101_session=; cm101_trainee=x", "page=1.2"),
    ):
        monkeypatch.setenv("HTTP_COOKIE", cookie)
        monkeypatch.setenv("QUERY_STRING", query)
        assert page.trainee_store() is None, (cookie, query)


def test_a_request_that_did_not_sign_in_creates_nothing(data, monkeypatch):
    monkeypatch.setenv("HTTP_COOKIE", "cm101_trainee=someNewId123")
    monkeypatch.setenv("QUERY_STRING", "trainee=anotherNewId456")
    assert page.trainee_store() is None
    assert not list(data.glob("trainees/*.sqlite"))


def test_a_damaged_file_keeps_the_trainee_signed_in_and_says_so_on_every_page(data, monkeypatch):
    trainee, cookie = signed_in(data, "Amina Yusuf")
    monkeypatch.setenv("HTTP_COOKIE", cookie)
    (data / "trainees" / f"{trainee}.sqlite").write_bytes(b"not a database" * 100)
    first = page.trainee_store()
    assert first is not None and first.name == "Amina Yusuf"  # still signed in
    assert "kept aside for your trainer" in first.notice
    again = page.trainee_store()  # the next page of the visit, or tomorrow's
    assert again.name == "Amina Yusuf" and "kept aside" in again.notice
    header = page.header_html(page.map_page(), again)
    assert "kept aside" in header and "Signed in as <strong>Amina Yusuf" in header


def test_a_session_ended_elsewhere_signs_the_page_out(data, monkeypatch):
    trainee, cookie = signed_in(data, "Amina Yusuf")
    monkeypatch.setenv("HTTP_COOKIE", cookie)
    assert page.trainee_store() is not None
    Accounts(data).reset_secret(trainee)  # the trainer gave her a new code
    assert page.trainee_store() is None


def test_an_overlong_reflection_is_refused_plainly_and_what_was_saved_stays(data):
    store = ProgressStore("trainee-a", data)
    store.save_reflection("m1-r", "my first thoughts")
    with pytest.raises(ProgressError, match="too long to save") as info:
        store.save_reflection("m1-r", "x" * (MAX_REFLECTION + 1))
    assert "still in the box" in str(info.value)
    assert store.current().reflections["m1-r"] == "my first thoughts"
    with pytest.raises(ProgressError, match="answer is too long"):
        store.save_answer("q", "y" * 30_000, False, 0, 1)
    with pytest.raises(ProgressError, match="record is too long"):
        store.save_record("plan", {"text": "z" * 300_000})
