"""Trainee progress, saved at once in SQLite (standard library), one database per trainee.

Every write is one transaction (a crash mid-save keeps what was saved before); a damaged
database is set aside, never overwritten. Nothing in one trainee's file is readable through
another trainee's store.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import secrets
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cmcourse.core.names import BadName, check_name

if TYPE_CHECKING:
    from cmcourse.core.results import Submission, Summary

log = logging.getLogger("cm101")

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY, attempt INTEGER NOT NULL, question TEXT NOT NULL,
    answer TEXT NOT NULL, correct INTEGER NOT NULL, points REAL NOT NULL,
    out_of INTEGER NOT NULL, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reflections (
    attempt INTEGER NOT NULL, question TEXT NOT NULL, text TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (attempt, question));
CREATE TABLE IF NOT EXISTS visits (
    id INTEGER PRIMARY KEY, attempt INTEGER NOT NULL, page TEXT NOT NULL, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS breaks (
    id INTEGER PRIMARY KEY, attempt INTEGER NOT NULL, page TEXT NOT NULL, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    attempt INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (attempt, key));
CREATE TABLE IF NOT EXISTS submissions (
    attempt INTEGER PRIMARY KEY, at TEXT NOT NULL, summary TEXT NOT NULL);
"""

TRAINEE_ID = re.compile(r"^[A-Za-z0-9_-]{3,64}$")


LASTING = 0  # the attempt number under which work that outlives attempts is kept
# Sizes beyond anything a trainee writes on purpose (a reflection of 20,000 characters is some
# ten pages): past them a save is refused with a plain message, and what was typed stays in the box.
MAX_ANSWER = 20_000  # characters of an answer, as saved
MAX_REFLECTION = 20_000
MAX_RECORD = 200_000  # a saved record (a plan, a meeting record), as JSON
# How long the notice about a damaged progress file set aside stays on the trainee's pages.
NOTICE_HOURS = 24


class ProgressError(Exception):
    """A problem with saved progress, explained for the trainee."""


def data_dir() -> Path:
    """Where progress lives: $CM101_DATA_DIR, or the user's data directory."""
    configured = os.environ.get("CM101_DATA_DIR")
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("cm101", appauthor=False))


def clean_name(raw: str) -> str:
    """A trainee's name as typed, checked (any script: core.names); raises ProgressError
    saying what is wrong."""
    try:
        return check_name(raw).text
    except BadName as exc:
        raise ProgressError(str(exc)) from None


def new_trainee_id() -> str:
    return secrets.token_urlsafe(12).replace("_", "x").replace("-", "y")


def hub_trainee_id(user: str) -> str:
    """A JupyterHub user name made safe as a file name (hub names are already unique)."""
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", user)[:64]
    return safe if len(safe) >= 3 else f"hub_{safe}"


def _within(text: str, limit: int, what: str) -> str:
    if len(text) > limit:
        raise ProgressError(
            f"This {what} is too long to save ({len(text):,} characters; at most {limit:,}). "
            "Please shorten it: what you typed is still in the box, and what you saved before "
            "is safe."
        )
    return text


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Attempt:
    number: int
    answers: dict[str, dict[str, Any]]  # question -> last answer record
    tries: dict[str, int]
    reflections: dict[str, str]
    pages: list[str]  # visited, in first-visit order
    first: dict[str, dict[str, Any]] = field(default_factory=dict)  # question -> first answer


def _private_copy(path: Path) -> Path:
    """A copy of a progress file and its write-ahead log in a new folder of this process's
    own, read without following links and only from regular files."""
    import stat
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="cm101-read-"))
    try:
        for suffix in ("", "-wal"):
            fd = os.open(f"{path}{suffix}", os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            with os.fdopen(fd, "rb") as source:
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    raise OSError(0, "not a regular file")
                (folder / f"{path.name}{suffix}").write_bytes(source.read())
    except OSError:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


class ProgressReader:
    """One trainee's saved work, read only: opening it never creates, repairs, renames or
    sets aside anything (the trainer's side reads trainees' files with this)."""

    _copy: Path | None = None  # a private copy read in place of the file (see below)

    def __init__(self, path: Path):
        self.path = path
        self.trainee_id = path.stem
        if path.is_symlink() or path.parent.is_symlink() or not path.is_file():
            raise ProgressError(f"{path.name} is not a progress file; it was not read.")
        try:
            opened = path
            if os.path.lexists(f"{path}-wal"):
                # A page has it open: read a private copy of the file and its write-ahead log,
                # as SQLite would otherwise open (and write) the -shm file beside it, which in
                # a trainee's own folder may be a link to anywhere (the hub reads as root).
                self._copy = _private_copy(path)
                opened = self._copy / path.name
            # With no write-ahead log beside it, immutable: SQLite creates no file at all.
            quiet = "" if self._copy else "&immutable=1"
            self._conn = sqlite3.connect(f"{opened.as_uri()}?mode=ro{quiet}", uri=True, timeout=10)
            self._conn.execute("PRAGMA query_only = ON")
            if self._conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("quick_check failed")
        except sqlite3.Error as exc:
            self._discard_copy()
            raise ProgressError(
                f"{path.name} could not be read ({exc}); it was left as it is."
            ) from None
        except OSError as exc:
            self._discard_copy()
            raise ProgressError(f"{path.name} could not be read ({exc.strerror}).") from None

    def _discard_copy(self) -> None:
        if self._copy is not None:
            import shutil

            shutil.rmtree(self._copy, ignore_errors=True)
            self._copy = None

    def close(self) -> None:
        self._conn.close()
        self._discard_copy()

    @property
    def name(self) -> str | None:
        return self._meta("name")

    def _meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row and isinstance(row[0], str) else None  # only what pages write

    @property
    def notice(self) -> str | None:
        """What the trainee is told, for a day, after their damaged file was set aside."""
        at = self._meta("set_aside")
        if not at:
            return None
        when = dt.datetime.fromisoformat(at)
        if dt.datetime.now(dt.UTC) - when > dt.timedelta(hours=NOTICE_HOURS):
            return None
        return (
            f"On {when:%d/%m/%Y at %H:%M} UTC your saved progress could not be read, so it "
            "has been kept aside for your trainer and you started afresh. Nothing was deleted: "
            "your trainer can look at the file that was kept."
        )

    @property
    def attempt(self) -> int:
        return int(self._meta("attempt") or 1)

    def record(self, key: str, default: Any = None, *, lasting: bool = False) -> Any:
        row = self._conn.execute(
            "SELECT value FROM records WHERE attempt = ? AND key = ?",
            (LASTING if lasting else self.attempt, key),
        ).fetchone()
        return json.loads(row[0]) if row else default

    # -- reading ------------------------------------------------------------------------
    def current(self) -> Attempt:
        n = self.attempt
        answers: dict[str, dict[str, Any]] = {}
        first: dict[str, dict[str, Any]] = {}
        tries: dict[str, int] = {}
        for question, answer, correct, points, out_of in self._conn.execute(
            "SELECT question, answer, correct, points, out_of FROM answers WHERE attempt = ? "
            "ORDER BY at, id",
            (n,),
        ):
            tries[question] = tries.get(question, 0) + 1
            answers[question] = {
                "answer": json.loads(answer),
                "correct": bool(correct),
                "points": points,
                "out_of": out_of,
            }
            first.setdefault(question, answers[question])
        reflections = dict(
            self._conn.execute(
                "SELECT question, text FROM reflections WHERE attempt = ?", (n,)
            ).fetchall()
        )
        pages: list[str] = []
        for (page,) in self._conn.execute(
            "SELECT page FROM visits WHERE attempt = ? ORDER BY at, id", (n,)
        ):
            if page not in pages:
                pages.append(page)
        return Attempt(n, answers, tries, reflections, pages, first)

    def last_page(self) -> str | None:
        """Where to continue: the page of the last break, or the last page visited."""
        row = self._conn.execute(
            "SELECT page, at FROM (SELECT page, at, id, 1 AS k FROM breaks WHERE attempt = ? "
            "UNION ALL SELECT page, at, id, 0 FROM visits WHERE attempt = ?) "
            "ORDER BY at DESC, k DESC, id DESC LIMIT 1",
            (self.attempt, self.attempt),
        ).fetchone()
        return row[0] if row else None

    def submissions(self) -> list[Submission]:
        """Every submitted attempt, oldest first; a stored summary this code cannot read is
        logged and left out, never changed."""

        from cmcourse.core.results import Submission, Summary

        kept = []
        for a, at, summary in self._conn.execute(
            "SELECT attempt, at, summary FROM submissions ORDER BY attempt"
        ):
            try:
                kept.append(
                    # summaries stored before versions existed are version 1
                    Submission(
                        attempt=a,
                        at=at,
                        summary=Summary.model_validate({"version": 1, **json.loads(summary)}),
                    )
                )
            except (ValueError, TypeError):  # damaged or unknown (ValidationError included)
                log.warning("submission %s of a trainee could not be read; left out", a)
        return kept

    def all_tries(self) -> list[tuple[int, int, str, Any, bool, float, int, str]]:
        """Every answer ever saved, oldest first: (row, attempt, question, answer, correct,
        points, out of, at); `current` keeps only each question's last."""
        return [
            (row, attempt, question, json.loads(answer), bool(ok), pts, of, at)
            for row, attempt, question, answer, ok, pts, of, at in self._conn.execute(
                "SELECT id, attempt, question, answer, correct, points, out_of, at "
                "FROM answers ORDER BY at, id"
            )
        ]

    def rows(self) -> dict[str, list[list[Any]]]:
        """Everything saved, table by table, without the file's own row numbers (to carry the
        work to another server: `ProgressStore.merge`)."""
        return {
            table: [list(row) for row in self._conn.execute(f"SELECT {cols} FROM {table}")]
            for table, (cols, _key) in MERGED.items()
        }

    def last_activity(self) -> str | None:
        """When anything was last saved in this file."""
        stamps = [at for (at,) in self._conn.execute(_LAST_ACTIVITY) if at]
        return max(stamps, default=None)


# What travels between servers, and what makes two rows the same row. A try, a visit or a
# break is the same when everything about it is (importing twice adds nothing; every try is
# kept). A reflection, a record or a submission is one per attempt and key: when two servers
# hold different ones, the one written last is kept, and the conflict is reported.
MERGED: dict[str, tuple[str, str]] = {
    "answers": ("attempt, question, answer, correct, points, out_of, at", "all"),
    "visits": ("attempt, page, at", "all"),
    "breaks": ("attempt, page, at", "all"),
    "reflections": ("attempt, question, text, at", "attempt, question"),
    "records": ("attempt, key, value, at", "attempt, key"),
    "submissions": ("attempt, at, summary", "attempt"),
}


@dataclass
class Merged:
    """What a merge added, and the conflicts it resolved (table, key, what was kept)."""

    added: int = 0
    conflicts: list[str] = field(default_factory=list)


_LAST_ACTIVITY = " UNION ALL ".join(
    f"SELECT MAX(at) FROM {table}"
    for table in ("answers", "reflections", "visits", "breaks", "records", "submissions")
)


class ProgressStore(ProgressReader):
    """One trainee's saved work, for the trainee's own pages: created on first use, written
    whole in transactions, and a damaged file set aside (never deleted) for the trainer."""

    def __init__(self, trainee_id: str, folder: Path | None = None):
        if not TRAINEE_ID.match(trainee_id):
            raise ProgressError("This trainee identity is not valid; please sign in again.")
        self.trainee_id = trainee_id
        self.folder = (folder or data_dir()) / "trainees"
        self.path = self.folder / f"{trainee_id}.sqlite"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ProgressError(
                f"Progress cannot be saved: the folder {self.folder} cannot be created "
                f"({exc.strerror}). Please tell your trainer."
            ) from None
        self._conn = self._open()

    # -- opening, and setting aside a damaged file --------------------------------------
    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        return conn

    def _open(self) -> sqlite3.Connection:
        try:
            conn = self._connect()
            ok = conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            if ok:
                conn.executescript(SCHEMA)
                return conn
            conn.close()
        except sqlite3.DatabaseError:
            pass
        aside = self.path.with_name(
            f"{self.path.stem}.damaged-{dt.datetime.now():%Y%m%dT%H%M%S}{self.path.suffix}"
        )
        for suffix in ("", "-wal", "-shm"):
            part = Path(f"{self.path}{suffix}")
            if part.exists():
                part.rename(Path(f"{aside}{suffix}"))
        log.error("progress file %s was damaged; set aside as %s", self.path, aside)
        conn = self._connect()
        conn.executescript(SCHEMA)
        conn.execute("INSERT INTO meta VALUES ('set_aside', ?)", (_now(),))
        return conn

    def _write(self, sql: str, args: tuple) -> None:
        try:
            with self._conn:
                self._conn.execute("BEGIN IMMEDIATE")
                self._conn.execute(sql, args)
        except sqlite3.Error as exc:
            log.exception("saving progress failed")
            raise ProgressError(
                "Your last answer could not be saved (the progress file is busy or the disk is "
                "full). What you saved before is safe; please try again."
            ) from exc

    # -- identity -----------------------------------------------------------------------
    def set_name(self, name: str) -> None:
        self._write("INSERT OR REPLACE INTO meta VALUES ('name', ?)", (clean_name(name),))

    # -- saving -------------------------------------------------------------------------
    def save_answer(
        self, question: str, answer: Any, correct: bool, points: float, out_of: int
    ) -> None:
        saved = _within(json.dumps(answer, default=str), MAX_ANSWER, "answer")
        self._write(
            "INSERT INTO answers (attempt, question, answer, correct, points, out_of, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                self.attempt,
                question,
                saved,
                int(correct),
                points,
                out_of,
                _now(),
            ),
        )

    def save_reflection(self, question: str, text: str) -> None:
        self._write(
            "INSERT OR REPLACE INTO reflections VALUES (?, ?, ?, ?)",
            (self.attempt, question, _within(str(text), MAX_REFLECTION, "reflection"), _now()),
        )

    def save_record(self, key: str, value: Any, *, lasting: bool = False) -> None:
        """Any other saved work, as JSON: course work (an integration plan) belongs to this
        attempt; `lasting` work (a supervisor's meeting records, a team) outlives
        "Submit results" and the course starting again."""
        saved = _within(json.dumps(value, default=str), MAX_RECORD, "record")
        self._write(
            "INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?)",
            (LASTING if lasting else self.attempt, key, saved, _now()),
        )

    def merge(self, rows: dict[str, list[list[Any]]], name: str | None = None) -> Merged:
        """Add the work saved on another server (`ProgressReader.rows`) to this file, in one
        transaction, by the rules of MERGED; the attempt in progress is the later of the two."""
        merged = Merged()
        try:
            with self._conn:
                self._conn.execute("BEGIN IMMEDIATE")
                for table, (cols, key) in MERGED.items():
                    for row in rows.get(table, []):
                        merged.added += self._merge_row(table, cols, key, row, merged.conflicts)
                attempts = [r[0] for t in MERGED for r in rows.get(t, []) if r and r[0]]
                if attempts and max(attempts) > self.attempt:
                    self._conn.execute(
                        "INSERT OR REPLACE INTO meta VALUES ('attempt', ?)", (str(max(attempts)),)
                    )
                if name and self.name is None:
                    self._conn.execute("INSERT INTO meta VALUES ('name', ?)", (name,))
        except (sqlite3.Error, ValueError, TypeError) as exc:
            log.exception("merging progress failed")
            raise ProgressError(
                "their progress in the file could not be added (nothing of it was kept); the "
                "file may come from another version of the course."
            ) from exc
        return merged

    def _merge_row(
        self, table: str, cols: str, key: str, row: list[Any], conflicts: list[str]
    ) -> int:
        """Add one row from elsewhere (1 if it changed this file, else 0)."""
        names = [c.strip() for c in cols.split(",")]
        if len(row) != len(names):
            raise ValueError(f"a row of {table} has {len(row)} values, not {len(names)}")
        keys = names if key == "all" else [k.strip() for k in key.split(",")]
        where = " AND ".join(f"{k} IS ?" for k in keys)
        args = [row[names.index(k)] for k in keys]
        here = self._conn.execute(f"SELECT {cols} FROM {table} WHERE {where}", args).fetchone()
        if here is None:
            marks = ", ".join("?" for _ in names)
            self._conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", row)
            return 1
        if key == "all" or list(here) == row:
            return 0  # already here
        what = f"{table} {' / '.join(str(a) for a in args)}"
        at = names.index("at")
        if str(row[at]) > str(here[at]):
            sets = ", ".join(f"{c} = ?" for c in names)
            self._conn.execute(f"UPDATE {table} SET {sets} WHERE {where}", [*row, *args])
            conflicts.append(f"{what}: two versions; the imported one, written later, was kept")
            return 1
        conflicts.append(f"{what}: two versions; the one here, written later, was kept")
        return 0

    def visit(self, page: str) -> None:
        self._write(
            "INSERT INTO visits (attempt, page, at) VALUES (?, ?, ?)", (self.attempt, page, _now())
        )

    def take_break(self, page: str) -> None:
        self._write(
            "INSERT INTO breaks (attempt, page, at) VALUES (?, ?, ?)", (self.attempt, page, _now())
        )

    def submit(self, summary: Summary, attempt: int | None = None) -> int:
        """Record the attempt's results and start a new attempt (the course starts again).
        `attempt`: the one the trainee saw; if it was submitted meanwhile (a second click,
        another tab) nothing is recorded twice."""
        try:
            with self._conn:
                self._conn.execute("BEGIN IMMEDIATE")
                number = self.attempt
                if attempt is not None and attempt != number:
                    raise ProgressError(
                        f"These results were already submitted (attempt {attempt}), perhaps in "
                        "another tab or on another device: nothing was submitted twice."
                    )
                self._conn.execute(
                    "INSERT INTO submissions VALUES (?, ?, ?)",
                    (number, _now(), summary.model_dump_json()),
                )
                self._conn.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('attempt', ?)", (str(number + 1),)
                )
        except sqlite3.Error as exc:
            log.exception("submitting failed")
            raise ProgressError(
                "Your results could not be submitted just now; nothing was lost. Please try again."
            ) from exc
        return number


def all_trainees(folder: Path | None = None) -> list[str]:
    """Trainee ids with a progress file (for the trainer's report)."""
    base = (folder or data_dir()) / "trainees"
    return sorted(p.stem for p in base.glob("*.sqlite") if TRAINEE_ID.match(p.stem))
