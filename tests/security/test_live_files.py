"""The live view on the hub reads trainees' own folders as root (issue 17): only the file named
after each trainee counts, no link is followed or written through, and one odd file is left
out without stopping the room's view."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from cmcourse.core.store import ProgressStore, hub_trainee_id
from cmcourse.trainer.live import hub_folders, snapshot

ROOM = ("amina", "bilal")


def room(root: Path) -> dict[str, ProgressStore]:
    stores = {}
    for name in ROOM:
        store = ProgressStore(hub_trainee_id(name), root / name)
        store.set_name(name.title())
        store.visit("1.1")
        stores[name] = store
    return stores


def names(root: Path) -> list[str]:
    return sorted(r.name for r in snapshot(hub_folders(root), only_own=True))


def test_a_file_a_trainee_adds_to_their_folder_is_no_trainee(tmp_path):
    room(tmp_path)
    fake = ProgressStore("top-scorer", tmp_path / "amina")  # Amina's own extra file
    fake.set_name("Top Scorer")
    fake.close()
    assert names(tmp_path) == ["Amina", "Bilal"]


def test_a_folder_that_is_a_link_is_not_read(tmp_path):
    room(tmp_path)
    (tmp_path / "chidi").symlink_to(tmp_path / "amina")  # to show Amina's work as Chidi's
    assert names(tmp_path) == ["Amina", "Bilal"]


def test_reading_never_writes_through_a_link_beside_a_progress_file(tmp_path):
    stores = room(tmp_path)
    elsewhere = tmp_path / "hub-database.sqlite"  # stands for the hub's own database
    sqlite3.connect(elsewhere).execute("CREATE TABLE users (name TEXT)").connection.commit()
    before = elsewhere.read_bytes()
    own = tmp_path / "amina" / "trainees" / f"{hub_trainee_id('amina')}.sqlite"
    assert os.path.exists(f"{own}-wal")  # her page has it open (write-ahead log)
    stores["amina"].visit("1.2")
    shm = Path(f"{own}-shm")
    shm.unlink(missing_ok=True)
    shm.symlink_to(elsewhere)
    rows = {r.name: r for r in snapshot(hub_folders(tmp_path), only_own=True)}
    assert rows["Amina"].page.startswith("1.2 ")  # read all the same, from a private copy
    assert elsewhere.read_bytes() == before and shm.is_symlink()


def test_an_odd_row_in_one_file_does_not_stop_the_view(tmp_path):
    stores = room(tmp_path)
    for store in stores.values():
        store.close()
    own = tmp_path / "bilal" / "trainees" / f"{hub_trainee_id('bilal')}.sqlite"
    with sqlite3.connect(own) as db:  # a row no page writes: bytes where the name goes
        db.execute("UPDATE meta SET value = ? WHERE key = 'name'", (b"\xff\xfe",))
    assert names(tmp_path) == ["(no name)", "Amina"]
