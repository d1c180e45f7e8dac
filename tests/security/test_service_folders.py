"""The hub prepares the course's and the live view's folders as root at every start (issue 17):
inside them those accounts may write, so a link one of them put where a folder or a font file
is expected is removed, never followed. Before, a `matplotlib` link to another folder had root
write there and hand every file in it to the account (`lchown` of each entry)."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "hub"))

import workshophub

pytestmark = [
    pytest.mark.hub,
    pytest.mark.skipif(os.geteuid() != 0, reason="the hub runs as root: it makes the accounts"),
]


def owner(path: Path) -> tuple[int, int]:
    info = os.lstat(path)
    return info.st_uid, stat.S_IMODE(info.st_mode)


def test_links_in_the_services_folders_are_removed_not_followed(tmp_path):
    state = tmp_path / "state"
    (state / "matplotlib").mkdir(parents=True)
    (state / "matplotlib" / "fontlist-v390.json").write_text('{"fonts": []}')
    workshophub.prepare_services(state)  # the first start: the folders are made
    course, live = workshophub.course_data(state), workshophub.live_home(state)

    victim = tmp_path / "etc"  # stands for /etc: root's, with a file that must stay root's
    victim.mkdir(mode=0o755)
    (victim / "shadow").write_text("root:*:")
    os.chmod(victim / "shadow", 0o640)
    before = {p.name: owner(p) for p in [victim, *victim.iterdir()]}
    for fonts in (course / "matplotlib", live / "matplotlib"):  # as the accounts could
        for found in fonts.iterdir():
            found.unlink()
        fonts.rmdir()
        fonts.symlink_to(victim)
    (course / "trainees").rmdir()
    (course / "trainees").symlink_to(victim)

    workshophub.prepare_services(state)  # the next start
    assert {p.name: owner(p) for p in [victim, *victim.iterdir()]} == before
    assert sorted(os.listdir(victim)) == ["shadow"]
    course_uid = os.lstat(course).st_uid
    for fonts in (course / "matplotlib", live / "matplotlib"):
        assert not fonts.is_symlink() and fonts.is_dir()
        assert (fonts / "fontlist-v390.json").read_text() == '{"fonts": []}'
    assert not (course / "trainees").is_symlink()
    assert owner(course / "trainees") == (course_uid, 0o2750)
