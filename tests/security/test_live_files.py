"""The live view on the hub reads the course service's progress files (issue 17), which only the
course writes, in a folder it may read and not write (one machine: its account's rights; on
Kubernetes: the course's volume mounted read only): no link beside a file is written through,
and one odd file is left out without stopping the room's view."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from cmcourse.core.store import ProgressStore, hub_trainee_id
from cmcourse.trainer.live import snapshot

ROOM = ("amina", "bilal")


def room(course: Path) -> dict[str, ProgressStore]:
    """Two trainees' progress as the course service keeps it: all in its one data folder."""
    stores = {}
    for name in ROOM:
        store = ProgressStore(hub_trainee_id(name), course)
        store.set_name(name.title())
        store.visit("1.1")
        stores[name] = store
    return stores


def names(course: Path) -> list[str]:
    return sorted(r.name for r in snapshot([course]))


def test_reading_never_writes_through_a_link_beside_a_progress_file(tmp_path):
    stores = room(tmp_path)
    elsewhere = tmp_path / "hub-database.sqlite"  # stands for the hub's own database
    sqlite3.connect(elsewhere).execute("CREATE TABLE users (name TEXT)").connection.commit()
    before = elsewhere.read_bytes()
    own = tmp_path / "trainees" / f"{hub_trainee_id('amina')}.sqlite"
    assert os.path.exists(f"{own}-wal")  # her page has it open (write-ahead log)
    stores["amina"].visit("1.2")
    shm = Path(f"{own}-shm")
    shm.unlink(missing_ok=True)
    shm.symlink_to(elsewhere)
    rows = {r.name: r for r in snapshot([tmp_path])}
    assert rows["Amina"].page.startswith("1.2 ")  # read all the same, from a private copy
    assert elsewhere.read_bytes() == before and shm.is_symlink()


def test_an_odd_row_in_one_file_does_not_stop_the_view(tmp_path):
    stores = room(tmp_path)
    for store in stores.values():
        store.close()
    own = tmp_path / "trainees" / f"{hub_trainee_id('bilal')}.sqlite"
    with sqlite3.connect(own) as db:  # a row no page writes: bytes where the name goes
        db.execute("UPDATE meta SET value = ? WHERE key = 'name'", (b"\xff\xfe",))
    assert names(tmp_path) == ["(no name)", "Amina"]
