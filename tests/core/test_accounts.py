"""Accounts: the same name and secret open the same record anywhere; sessions end; guessing
waits longer and longer; progress from before sign-in can be claimed."""

import pytest

from cmcourse.core import accounts as acc
from cmcourse.core.accounts import Accounts, SignInError, check_pin, normal_secret
from cmcourse.core.store import ProgressStore


@pytest.fixture
def accounts(tmp_path):
    a = Accounts(tmp_path)
    yield a
    a.close()


def test_the_same_name_and_pin_on_another_device_open_the_same_record(tmp_path, accounts):
    amina = accounts.register("Amina Yusuf", "4821")
    ProgressStore(amina.id, tmp_path).save_reflection("m1-r", "my thoughts")
    elsewhere = Accounts(tmp_path)  # another browser, another kernel: the same file
    again = elsewhere.check("amina  YUSUF", "4821")
    assert again is not None and again.id == amina.id
    assert ProgressStore(again.id, tmp_path).current().reflections == {"m1-r": "my thoughts"}
    assert elsewhere.check("Amina Yusuf", "4822") is None


def test_two_trainees_of_the_same_name_are_told_apart(accounts):
    first = accounts.register("Amina Yusuf", "4821")
    second = accounts.register("Amina Yusuf", "7395")
    assert first.id != second.id and first.label != second.label
    assert accounts.check("Amina Yusuf", "7395").id == second.id
    assert accounts.check("Amina Yusuf", "4821").id == first.id
    with pytest.raises(SignInError, match="already signs in with that PIN"):
        accounts.register("Amina Yusuf", "4821")
    assert first.shown == f"Amina Yusuf ({first.label})"


@pytest.mark.parametrize(
    ("pin", "again", "says"),
    [
        ("12a4", "12a4", "4 to 8 digits"),
        ("123", "123", "4 to 8 digits"),
        ("4821", "4812", "not the same"),
        ("1111", "1111", "too easy"),
        ("3456", "3456", "too easy"),
    ],
)
def test_a_pin_that_will_not_do_is_refused_saying_why(pin, again, says):
    with pytest.raises(SignInError, match=says):
        check_pin(pin, again)


def test_digits_of_any_keyboard_and_a_code_typed_loosely_are_read(accounts):
    assert check_pin("٤٨٢١", "۴۸۲۱") == "4821"  # Arabic-Indic and Persian digits
    assert normal_secret(" k7qf m2xp ") == normal_secret("K7QF-M2XP") == "K7QFM2XP"
    trainee, code = accounts.add_to_roster("Grace Achieng")
    assert accounts.check("Grace Achieng", code.lower().replace("-", " ")).id == trainee.id


def test_a_session_names_its_trainee_until_it_ends(accounts):
    amina = accounts.register("Amina Yusuf", "4821")
    token = accounts.open_session(acc.TRAINEE, amina.id)
    assert token != amina.id and amina.id not in token
    assert accounts.session(token).trainee.id == amina.id
    assert accounts.session("forged-" + token) is None
    accounts.end_session(token)
    assert accounts.session(token) is None


def test_an_idle_session_ends(accounts, monkeypatch):
    amina = accounts.register("Amina Yusuf", "4821")
    token = accounts.open_session(acc.TRAINEE, amina.id)
    now = acc._now()
    monkeypatch.setattr(acc, "_now", lambda: now + 11 * 60)
    assert accounts.session(token, idle_seconds=10 * 60) is None
    assert accounts.session(token) is None  # ended for good, not only for that caller


def test_a_reset_ends_the_old_pin_and_every_session(accounts):
    amina = accounts.register("Amina Yusuf", "4821")
    token = accounts.open_session(acc.TRAINEE, amina.id)
    code = accounts.reset_secret(amina.id)
    assert accounts.session(token) is None
    assert accounts.check("Amina Yusuf", "4821") is None
    assert accounts.check("Amina Yusuf", code).id == amina.id


def test_each_wrong_try_doubles_the_wait_for_that_name_on_the_whole_server(
    tmp_path, accounts, monkeypatch
):
    clock = [1000.0]
    monkeypatch.setattr(acc, "_now", lambda: clock[0])
    waits = []
    for _ in range(4):
        accounts.failed("name:amina yusuf", "10.0.0.7")
        waits.append(Accounts(tmp_path).wait("name:amina yusuf"))  # any kernel sees it
    assert waits == [2, 4, 8, 16]
    clock[0] += 16
    assert accounts.wait("name:amina yusuf") == 0
    assert accounts.wait("name:someone else") == 0
    accounts.forgive("name:amina yusuf")
    assert accounts.wait("name:amina yusuf") == 0


def test_a_client_gets_some_free_tries_before_it_waits(accounts, monkeypatch):
    monkeypatch.setattr(acc, "_now", lambda: 1000.0)
    for _ in range(5):
        accounts.failed("client:10.0.0.7", "10.0.0.7")
    assert accounts.wait("client:10.0.0.7", free=5) == 0
    accounts.failed("client:10.0.0.7", "10.0.0.7")
    assert accounts.wait("client:10.0.0.7", free=5) == 2


def test_progress_from_before_sign_in_is_kept_for_its_owner_to_claim(tmp_path, accounts):
    old = ProgressStore("oldTraineeId123", tmp_path)
    old.set_name("Amina Yusuf")
    old.save_reflection("m1-r", "written before sign-in existed")
    ProgressStore("nobodysFile99", tmp_path)  # a visit that never signed in: no name
    assert accounts.migrate() == 1
    assert accounts.migrate() == 0  # once only
    waiting = accounts.find("oldTraineeId123")
    assert waiting.kind == acc.UNCLAIMED and waiting.name == "Amina Yusuf"
    assert accounts.find("nobodysFile99") is None
    assert accounts.check("Amina Yusuf", "") is None  # the name alone opens nothing
    accounts.claim("oldTraineeId123", "4821")
    assert accounts.check("Amina Yusuf", "4821").id == "oldTraineeId123"
    with pytest.raises(SignInError, match="claimed already"):
        accounts.claim("oldTraineeId123", "9999")
