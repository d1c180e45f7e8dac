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
is that user id's, with no link in it, within limits of depth, count and size (HandIn); the
others are left in the exchange and named, and never stop the collecting of the rest.
"""

from __future__ import annotations

import fnmatch
import glob
import logging
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange.default.collect import ExchangeCollect, groupby
from nbgrader.utils import check_mode

OWNERS = "owners"
NAME = re.compile(r"[a-z][a-z0-9-]{1,23}\Z")  # the hub's names (hub/accounts.py NAME_RULE)
OPEN_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
OPEN_FOLDER = os.O_RDONLY | os.O_NOFOLLOW | os.O_DIRECTORY | os.O_NONBLOCK | os.O_CLOEXEC


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
    # A user id given again (a removed trainee's, by useradd or the hub's numbering) is the
    # new trainee's alone: what the removed one handed in can no longer be told apart.
    for other in os.listdir(course / OWNERS):
        if other != name and owner(course, other) == uid:
            os.unlink(course / OWNERS / other)


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


MAX_DEPTH = 16  # folders within folders in a hand-in; an assignment has none
MAX_ENTRIES = 10_000  # files and folders in a hand-in


@dataclass
class HandIn:
    """One walk over a hand-in as root, checking it (and copying it, given a destination)
    without being led elsewhere: each folder and file is opened relative to its folder, never
    following a link or blocking, checked to be `uid`'s and to be what it was when listed (a
    folder swapped for a link meanwhile is refused, not entered); sizes come from the opened
    files, and no more than that is copied. Any other trouble in it (a file gone meanwhile)
    refuses this hand-in only."""

    uid: int
    max_bytes: int  # the whole hand-in (CourseDirectory.max_dir_size)
    max_file_bytes: int | None = None  # larger files are left out (CourseDirectory.max_file_size)
    exclude: Sequence[str] = ()  # CourseDirectory.ignore
    include: Sequence[str] = ()  # CourseDirectory.include (none given: every file)
    log: logging.Logger | None = None
    entries: int = 0
    size: int = 0

    def walk(self, folder: str, dest: str | None = None) -> None:
        try:
            top = os.open(folder, OPEN_FOLDER)
        except OSError as problem:
            raise Refused(f"it is not a folder ({problem.strerror})") from problem
        try:
            self._folder(top, "", dest, 0)
        except OSError as problem:
            raise Refused(f"it could not be read ({problem.strerror})") from problem
        finally:
            os.close(top)

    def _folder(self, fd: int, path: str, dest: str | None, depth: int) -> None:
        _theirs(os.fstat(fd), self.uid, f"the folder {path}" if path else "the folder")
        if depth > MAX_DEPTH:
            raise Refused(f"it has folders more than {MAX_DEPTH} deep")
        if dest is not None:
            os.makedirs(dest, mode=0o755, exist_ok=True)
        names = []
        with os.scandir(fd) as listing:  # counted as listed: a folder of millions stops early
            for entry in listing:
                names.append(entry.name)
                if self.entries + len(names) > MAX_ENTRIES:
                    raise Refused(f"it holds more than {MAX_ENTRIES} files and folders")
        self.entries += len(names)
        for name in sorted(names):
            where = os.path.join(path, name)
            if not name.isprintable():  # it would reach the trainer's terminal as typed
                raise Refused(f"a name in it, {name!r}, has characters that are not printable")
            if any(fnmatch.fnmatch(name, pattern) for pattern in self.exclude):
                continue
            listed = os.stat(name, dir_fd=fd, follow_symlinks=False)
            if stat.S_ISDIR(listed.st_mode):
                sub = os.open(name, OPEN_FOLDER, dir_fd=fd)
                try:
                    _same(os.fstat(sub), listed, where)
                    self._folder(sub, where, dest and os.path.join(dest, name), depth + 1)
                finally:
                    os.close(sub)
            elif stat.S_ISREG(listed.st_mode):
                if not self.include or any(fnmatch.fnmatch(name, p) for p in self.include):
                    self._file(fd, name, where, listed, dest and os.path.join(dest, name))
            else:
                raise Refused(f"{where} is a link or not a plain file")

    def _file(
        self, folder_fd: int, name: str, where: str, listed: os.stat_result, dest: str | None
    ) -> None:
        fd = os.open(name, OPEN_FILE, dir_fd=folder_fd)
        with os.fdopen(fd, "rb") as source:
            info = os.fstat(source.fileno())
            _same(info, listed, where)
            _theirs(info, self.uid, where)
            if self.max_file_bytes is not None and info.st_size > self.max_file_bytes:
                if self.log:
                    self.log.warning(
                        "Left out %s: larger than CourseDirectory.max_file_size.", where
                    )
                return
            self.size += info.st_size
            if self.size > self.max_bytes:
                raise Refused("it is larger than nbgrader's CourseDirectory.max_dir_size")
            if dest is not None:
                out = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
                with os.fdopen(out, "wb") as target:
                    left = info.st_size  # a file grown since is copied as it was checked
                    while left > 0 and (chunk := source.read(min(left, 1 << 20))):
                        target.write(chunk)
                        left -= len(chunk)


def _same(opened: os.stat_result, listed: os.stat_result, where: str) -> None:
    if (opened.st_dev, opened.st_ino) != (listed.st_dev, listed.st_ino):
        raise Refused(f"{where} changed while it was read")


def handed_in_as(path: str) -> str:
    """The name a hand-in folder gives, as nbgrader's collect reads it (_path_to_record)."""
    return os.path.basename(path).rsplit("+", 3)[0]


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
            name = handed_in_as(where)
            try:
                record = self._record(where)
                uid = owner(course, name)
                if uid is None:
                    raise Refused(
                        f"the exchange has no record of who {name} is (their server has not "
                        "started since the hub made the exchange's folders)"
                    )
                self._hand_in(uid).walk(where)
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

    def _hand_in(self, uid: int) -> HandIn:
        return HandIn(
            uid,
            max_bytes=1000 * self.coursedir.max_dir_size,
            max_file_bytes=1000 * self.coursedir.max_file_size,
            exclude=self.coursedir.ignore,
            include=self.coursedir.include,
            log=self.log,
        )

    def do_copy(self, src: str, dest: str, log=None) -> None:
        """Copy a hand-in init_src accepted, refusing it if it changed since so that it is no
        longer theirs or no longer what HandIn takes."""
        try:
            self._hand_in(self.owners[handed_in_as(src)]).walk(src, dest)
        except Refused as why:
            shutil.rmtree(dest, ignore_errors=True)
            self.log.error("Not collected: %s, while it was copied: %s.", src, why)
