"""Collecting hand-ins from the shared exchange (issue 17, assessment integrity): the trainer's
`nbgrader collect`, run as root, takes a hand-in only from the trainee whose name it bears and
follows no link in it (cmcourse/assignments/collect.py). Real nbgrader commands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from gradebook import ENV, workshop_copy

from cmcourse.assignments import collect

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "hub"))

import workshophub

pytestmark = [
    pytest.mark.nbgrader,
    pytest.mark.skipif(os.geteuid() != 0, reason="collecting runs as root, over others' files"),
]
BIN = Path(sys.executable).parent
AMINA, EVE, SAM = 20001, 20002, 20003  # the user ids of their servers


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    return workshop_copy(tmp_path_factory.mktemp("collect"))


@pytest.fixture
def exchange(tmp_path) -> Path:
    exchange = tmp_path / "exchange"
    workshophub.prepare_exchange(exchange)
    collect.write_owner(exchange / "cm101", "amina", AMINA)
    collect.write_owner(exchange / "cm101", "eve", EVE)
    return exchange


def hand_in(exchange: Path, name: str, hour: int, uid: int, text: str | None) -> Path:
    """A hand-in as `nbgrader submit` makes it, by the account `uid`; `text=None` makes its
    notebook a link to Amina's first hand-in instead."""
    folder = exchange / "cm101" / "inbound" / f"{name}+module1+2026-12-03 {hour}:00:00 UTC+{uid}"
    folder.mkdir()
    (folder / "timestamp.txt").write_text(f"2026-12-03 {hour}:00:00 UTC")
    notebook = folder / "module1.ipynb"
    if text is None:
        first = next((exchange / "cm101" / "inbound").glob("amina+*"))
        notebook.symlink_to(first / "module1.ipynb")
    else:
        notebook.write_text(text)
    for path in (folder, folder / "timestamp.txt", notebook):
        os.lchown(path, uid, uid)
    return folder


def nbgrader_collect(course: Path, exchange: Path, *more: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [str(BIN / "nbgrader"), "collect", "module1", f"--Exchange.root={exchange}", *more],
        cwd=course,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def submitted(course: Path, name: str) -> Path:
    return course / "submitted" / name / "module1" / "module1.ipynb"


def test_a_hand_in_is_collected_only_from_the_trainee_it_names(course, exchange):
    hand_in(exchange, "amina", 10, AMINA, "Amina's answers")
    hand_in(exchange, "amina", 11, EVE, "Eve's answers, handed in as Amina, later")
    hand_in(exchange, "eve", 12, EVE, None)  # Eve's own: a link to Amina's notebook
    hand_in(exchange, "sam", 13, SAM, "Sam's answers, Sam unknown to the exchange")
    done = nbgrader_collect(course, exchange)
    log = done.stdout + done.stderr

    assert submitted(course, "amina").read_text() == "Amina's answers"
    assert not submitted(course, "eve").parent.exists()
    assert not submitted(course, "sam").parent.exists()
    assert "handed in as amina: the folder belongs to someone else (user id 20002)" in log
    assert "handed in as eve: module1.ipynb is a link" in log
    assert "handed in as sam: the exchange has no record of who sam is" in log
    # nothing refused is lost: it stays in the exchange for the trainer to look at
    assert len(list((exchange / "cm101" / "inbound").iterdir())) == 4


def test_a_later_hand_in_of_her_own_replaces_the_earlier(course, exchange):
    hand_in(exchange, "amina", 10, AMINA, "first")
    nbgrader_collect(course, exchange)
    hand_in(exchange, "amina", 14, AMINA, "second")
    nbgrader_collect(course, exchange, "--update")  # as a trainer collects again, later
    assert submitted(course, "amina").read_text() == "second"


def test_a_record_of_who_is_who_counts_only_if_root_wrote_it(exchange):
    course = exchange / "cm101"
    assert collect.owner(course, "amina") == AMINA
    record = course / "owners" / "amina"
    os.chown(record, EVE, EVE)  # a record someone else could have written
    assert collect.owner(course, "amina") is None
    os.chown(record, 0, 0)
    record.chmod(0o666)
    assert collect.owner(course, "amina") is None
    record.unlink()
    record.symlink_to(course / "owners" / "eve")
    assert collect.owner(course, "amina") is None
    assert collect.owner(course, "../owners/eve") is None  # only a hub name names a record
    with pytest.raises(ValueError):
        collect.write_owner(course, "../inbound/x", EVE)


def test_a_hand_in_whose_name_is_no_time_is_named_and_the_others_still_collected(
    tmp_path, exchange
):
    course = workshop_copy(tmp_path)
    hand_in(exchange, "amina", 10, AMINA, "Amina's answers")
    bad = exchange / "cm101" / "inbound" / "eve+module1+not a time"  # nbgrader stopped at it
    bad.mkdir()
    os.chown(bad, EVE, EVE)
    done = nbgrader_collect(course, exchange)

    assert submitted(course, "amina").read_text() == "Amina's answers"
    assert "Not collected: " in done.stdout + done.stderr
    assert "its name gives no time of handing in" in done.stdout + done.stderr
    assert bad.is_dir()


def test_a_hand_in_made_to_trip_the_walk_refuses_itself_not_everyones(tmp_path, exchange):
    course = workshop_copy(tmp_path)
    collect.write_owner(exchange / "cm101", "bilal", SAM)
    hand_in(exchange, "amina", 10, AMINA, "Amina's answers")
    deep = hand_in(exchange, "eve", 11, EVE, "Eve's answers")
    folder = deep
    for _ in range(1000):  # deeper than Python's recursion, as a trainee can make it
        folder = folder / "a"
        folder.mkdir()
        os.lchown(folder, EVE, EVE)
    # Bilal's hand-in: a link to Eve's, which root walked before refusing it
    linked = exchange / "cm101" / "inbound" / "bilal+module1+2026-12-03 12:00:00 UTC+x"
    linked.symlink_to(deep)
    os.lchown(linked, SAM, SAM)
    try:
        done = nbgrader_collect(course, exchange)
    finally:  # pytest's own clean-up of tmp_path would trip over it the same way
        subprocess.run(["rm", "-rf", str(deep)], check=True)
    log = done.stdout + done.stderr

    assert submitted(course, "amina").read_text() == "Amina's answers"
    assert "handed in as eve: it has folders more than 16 deep" in log
    assert "handed in as bilal: it is not a folder" in log
    assert not submitted(course, "eve").parent.exists()
    assert not submitted(course, "bilal").parent.exists()


def test_a_user_id_given_again_counts_for_its_new_trainee_only(exchange):
    # a removed trainee's user id, given to a new account (useradd, or the hub's numbering)
    course = exchange / "cm101"
    collect.write_owner(course, "nour", AMINA)
    assert collect.owner(course, "nour") == AMINA
    assert collect.owner(course, "amina") is None  # her hand-ins are no longer taken as hers
    assert collect.owner(course, "eve") == EVE


def test_a_file_grown_after_the_check_is_not_copied_past_the_limit(tmp_path, exchange):
    folder = hand_in(exchange, "eve", 11, EVE, "Eve's answers")
    walk = collect.HandIn(EVE, max_bytes=1000)  # nbgrader's max_dir_size, in bytes
    walk.walk(str(folder))  # the check collecting makes first
    os.truncate(folder / "module1.ipynb", 10**9)  # then a trainee's file grows
    with pytest.raises(collect.Refused, match="larger than"):
        collect.HandIn(EVE, max_bytes=1000).walk(str(folder), str(tmp_path / "copy"))
    copied = tmp_path / "copy" / "module1.ipynb"
    assert not copied.exists() or copied.stat().st_size <= 1000


def test_a_hand_in_with_a_name_that_would_drive_the_trainers_terminal_is_refused(exchange):
    folder = hand_in(exchange, "eve", 11, EVE, "Eve's answers")
    odd = folder / "\x1b]0;owned\x07.ipynb"  # a terminal's escape sequence, in a file name
    odd.write_text("{}")
    os.lchown(odd, EVE, EVE)
    with pytest.raises(collect.Refused, match="not printable"):
        collect.HandIn(EVE, max_bytes=10**6).walk(str(folder))


def test_a_hand_in_of_more_files_than_any_assignment_is_refused_unread(exchange):
    folder = hand_in(exchange, "eve", 11, EVE, "Eve's answers")
    many = folder / "many"
    many.mkdir()
    os.chown(many, EVE, EVE)
    for n in range(collect.MAX_ENTRIES):
        (many / str(n)).touch()
    with pytest.raises(collect.Refused, match=f"more than {collect.MAX_ENTRIES} files"):
        collect.HandIn(EVE, max_bytes=10**9).walk(str(folder))
