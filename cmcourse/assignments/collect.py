"""nbgrader's collect for an exchange trainees share: a hand-in is taken only from the trainee
whose name it bears, and nothing in it leads the copy elsewhere.

nbgrader's own collect takes a hand-in's trainee from its folder's name, which any trainee can
give (it only warns when the owner differs, and compares the hub's name with the system
account's, which always differ here), and copies it as whoever collects, root, following
links. So Eve could hand in as Amina, or hand in a link to Amina's notebook as her own.

Who is who: `<exchange>/<course>/owners/<name>` holds the user id of that trainee's server,
written by root before each of their servers starts (hub/workshophub.py on one machine, the
pods' root container on Kubernetes), in a folder only root may write. `OwnedCollect`, named in
workshop/nbgrader_config.py, collects a hand-in only if it, and every folder and file in it,
is that user id's, with no link in it; the others are left in the exchange and named.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange.default.collect import ExchangeCollect, groupby
from nbgrader.utils import check_mode, ignore_patterns

OWNERS = "owners"
NAME = re.compile(r"[a-z][a-z0-9-]{1,23}\Z")  # the hub's names (hub/accounts.py NAME_RULE)
OPEN_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
OPEN_FOLDER = os.O_RDONLY | os.O_NOFOLLOW | os.O_DIRECTORY | os.O_CLOEXEC


class Refused(Exception):
    """A hand-in that is not collected, and why (said to the trainer)."""


def write_owner(course: Path, name: str, uid: int) -> None:
    """Record, as root, that trainee `name`'s server runs as `uid`. `course/owners` is root's
    and writable by root alone (workshophub.prepare_exchange), so the record is written in
    place by a rename and no trainee can alter it."""
    if not NAME.match(name):
        raise ValueError(f"{name!r} is not a name of the hub's")
    fd, new = tempfile.mkstemp(prefix=".new-", dir=course / OWNERS)
    with os.fdopen(fd, "w") as out:
        out.write(f"{uid}\n")
    os.chmod(new, 0o644)
    os.replace(new, course / OWNERS / name)


def owner(course: Path, name: str) -> int | None:
    """The user id `course/owners/<name>` gives, if it is a record of root's, else None."""
    if not NAME.match(name):
        return None
    try:
        fd = os.open(course / OWNERS / name, OPEN_FILE)
    except OSError:
        return None
    with os.fdopen(fd) as record:
        info = os.fstat(record.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_uid != 0 or info.st_mode & 0o022:
            return None
        text = record.read(32).strip()
    return int(text) if text.isdigit() else None


def _theirs(info: os.stat_result, uid: int, what: str) -> None:
    if info.st_uid != uid:
        raise Refused(f"{what} belongs to someone else (user id {info.st_uid})")


def check_hand_in(folder: str, uid: int) -> None:
    """Raise Refused unless `folder` and everything in it is `uid`'s, folders and plain
    files only (a link is never followed)."""
    copy_hand_in(folder, None, uid, lambda _directory, _names: [])


def copy_hand_in(
    folder: str, dest: str | None, uid: int, ignore: Callable[[str, list[str]], list[str]]
) -> None:
    """Copy the hand-in `folder` to `dest` (or only check it, when `dest` is None) through
    descriptors opened without following links, each checked to be `uid`'s: a file swapped
    for a link meanwhile is not followed, it is refused."""
    try:
        top = os.open(folder, OPEN_FOLDER)
    except OSError as problem:
        raise Refused(f"it is not a folder ({problem.strerror})") from problem
    try:
        _theirs(os.fstat(top), uid, "the folder")
        for path, folders, files, fd in os.fwalk(".", dir_fd=top):
            _theirs(os.fstat(fd), uid, f"the folder {path}")
            skipped = set(ignore(os.path.join(folder, path), folders + files))
            folders[:] = [f for f in folders if f not in skipped]
            if dest is not None:
                os.makedirs(os.path.join(dest, path), mode=0o755, exist_ok=True)
            for name in files:
                if name not in skipped:
                    _copy_file(fd, name, dest and os.path.join(dest, path, name), uid)
    finally:
        os.close(top)


def _copy_file(folder_fd: int, name: str, dest: str | None, uid: int) -> None:
    try:
        fd = os.open(name, OPEN_FILE, dir_fd=folder_fd)
    except OSError as problem:  # ELOOP: a link
        raise Refused(f"{name} is a link or cannot be opened ({problem.strerror})") from problem
    with os.fdopen(fd, "rb") as source:
        info = os.fstat(source.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise Refused(f"{name} is not a plain file")
        _theirs(info, uid, name)
        if dest is not None:
            out = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
            with os.fdopen(out, "wb") as target:
                shutil.copyfileobj(source, target)


class OwnedCollect(ExchangeCollect):
    """nbgrader's collect, taking each trainee's newest hand-in among those that are theirs
    (module docstring); each one refused is named in the log, and left in the exchange."""

    def init_src(self) -> None:
        # nbgrader's own init_src, less its reading of every hand-in's name (see _record)
        if not self.coursedir.course_id:
            self.fail("No course id specified. Re-run with --course flag.")
        self.course_path = os.path.join(self.root, self.coursedir.course_id)
        self.inbound_path = os.path.join(self.course_path, "inbound")
        if not os.path.isdir(self.inbound_path):
            self.fail(f"Course not found: {self.inbound_path}")
        if not check_mode(self.inbound_path, read=True, execute=True):
            self.fail(f"You don't have read permissions for the directory: {self.inbound_path}")
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gradebook:
            try:
                self.duedate = gradebook.find_assignment(self.coursedir.assignment_id).duedate
            except MissingEntry:
                self.duedate = None
        pattern = os.path.join(
            self.inbound_path,
            f"{self.coursedir.student_id or '*'}+{self.coursedir.assignment_id}+*",
        )
        course = Path(self.course_path)
        self.owners: dict[str, int] = {}
        theirs = []
        for where in glob.glob(pattern):
            name = os.path.basename(where).rsplit("+", 3)[0]
            try:
                record = self._record(where)
                uid = owner(course, name)
                if uid is None:
                    raise Refused(
                        f"the exchange has no record of who {name} is (their server has not "
                        "started since the hub made the exchange's folders)"
                    )
                if self.get_size(where) > 1000 * self.coursedir.max_dir_size:
                    raise Refused("it is larger than nbgrader's CourseDirectory.max_dir_size")
                check_hand_in(where, uid)
            except Refused as why:
                self.log.error("Not collected: %s, handed in as %s: %s.", where, name, why)
                continue
            self.owners[name] = uid
            theirs.append(record)
        self.src_records = []
        for records in groupby(theirs, lambda record: record["username"]).values():
            newest = self._sort_by_timestamp(records)
            if self.duedate is not None and self.before_duedate:
                newest = [r for r in newest if r["timestamp"] <= self.duedate] or newest
            self.src_records.append(newest[0])

    def _record(self, where: str) -> dict:
        """nbgrader's record of a hand-in, or Refused: nbgrader stops the whole collect at a
        folder whose name gives no time, and any trainee can make one."""
        try:
            return self._path_to_record(where)
        except (ValueError, OverflowError) as problem:  # dateutil's ParserError is a ValueError
            raise Refused("its name gives no time of handing in") from problem

    def do_copy(self, src: str, dest: str, log=None) -> None:
        """Copy a hand-in init_src accepted, refusing it if it changed since (a file made a
        link meanwhile)."""
        name = os.path.basename(src).rsplit("+", 3)[0]
        ignore = ignore_patterns(
            exclude=self.coursedir.ignore,
            include=self.coursedir.include,
            max_file_size=self.coursedir.max_file_size,
            log=self.log,
        )
        try:
            copy_hand_in(src, dest, self.owners[name], ignore)
        except Refused as why:
            shutil.rmtree(dest, ignore_errors=True)
            self.log.error("Not collected: %s, changed while it was copied: %s.", src, why)
