"""Who may sign in: trainees (a name and a secret), their sessions, and wrong tries.

One SQLite file, `$CM101_DATA_DIR/accounts.sqlite`, beside the trainees' progress files. The
course server (`cmcourse.server`) signs people in and out; a page's kernel only asks which
trainee a session token belongs to. Secrets and tokens are kept as hashes only.

- A trainee's secret is a PIN they chose at first sign-in (4 to 8 digits) or a sign-in code
  from the trainer (a roster card, or a PIN reset). The same name and secret open the same
  record on any device that reaches the server; two trainees of the same name have different
  secrets and different labels.
- A label (four letters and digits, e.g. K7QF) tells trainees of the same name apart on the
  trainer's pages. It is not a secret and opens nothing.
- Wrong secrets are counted here, so the wait they earn holds for the whole server.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import os
import re
import secrets
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from cmcourse.core.names import check_name
from cmcourse.core.store import (
    ProgressError,
    ProgressReader,
    ProgressStore,
    all_trainees,
    data_dir,
    hub_trainee_id,
    new_trainee_id,
)

log = logging.getLogger("cm101")

SCHEMA = """
CREATE TABLE IF NOT EXISTS trainees (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, name_key TEXT NOT NULL,
    label TEXT NOT NULL UNIQUE, secret TEXT, kind TEXT NOT NULL,
    roster INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS trainees_by_name ON trainees (name_key);
CREATE TABLE IF NOT EXISTS sessions (
    token TEXT PRIMARY KEY, trainee TEXT, role TEXT NOT NULL,
    created REAL NOT NULL, seen REAL NOT NULL, ended REAL);
CREATE TABLE IF NOT EXISTS failures (who TEXT NOT NULL, at REAL NOT NULL, client TEXT NOT NULL);
"""

# Kinds of secret: a PIN the trainee chose, a code the trainer handed over, none yet (a
# progress file from before sign-in existed, waiting to be claimed), or none ever (a hub user:
# the course served by a JupyterHub lets only the hub sign them in).
PIN, CODE, UNCLAIMED, HUB = "pin", "code", "unclaimed", "hub"
TRAINEE, TRAINER = "trainee", "trainer"
LABEL_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
PIN_PATTERN = re.compile(r"^[0-9]{4,8}$")
# A session not used for this long ends (a shared device: the trainer's idle time, shorter).
SESSION_DAYS = 30
# Wrong tries: each one within the window doubles the wait before the next try is heard.
WINDOW_SECONDS = 15 * 60
LONGEST_WAIT = 300


class SignInError(ProgressError):
    """A sign-in that cannot go ahead, said plainly (shown on the sign-in page)."""


@dataclass(frozen=True)
class Trainee:
    id: str
    name: str
    label: str
    kind: str  # PIN, CODE or UNCLAIMED
    roster: bool

    @property
    def shown(self) -> str:
        """The name and label, as the trainer's pages show a trainee: 'Amina Yusuf (K7QF)'."""
        return f"{self.name} ({self.label})"


@dataclass(frozen=True)
class Session:
    role: str
    trainee: Trainee | None  # None for the trainer
    seen: float


def hash_secret(secret: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return f"scrypt${salt.hex()}${digest.hex()}"


def secret_matches(secret: str, stored: str | None) -> bool:
    if not stored:
        return False
    _, salt, _ = stored.split("$")
    return hmac.compare_digest(hash_secret(secret, bytes.fromhex(salt)), stored)


def _token_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normal_secret(raw: str) -> str:
    """A PIN or code as typed on any keyboard: spaces and dashes dropped, letters capitals,
    Arabic-Indic and Persian digits read as 0-9."""
    text = "".join(str(int(c)) if c.isdigit() else c for c in str(raw or ""))
    return re.sub(r"[\s-]", "", text).upper()


def check_pin(pin: str, again: str) -> str:
    """A new PIN, checked; raises SignInError saying what to change."""
    pin, again = normal_secret(pin), normal_secret(again)
    if not PIN_PATTERN.match(pin):
        raise SignInError("Please choose a PIN of 4 to 8 digits (numbers only).")
    if pin != again:
        raise SignInError("The two PINs are not the same: please type your PIN twice.")
    if len(set(pin)) == 1 or pin in "01234567890" or pin in "09876543210":
        raise SignInError(
            "That PIN is too easy to guess (all one digit, or digits in a row): please "
            "choose another."
        )
    return pin


def new_code() -> str:
    """A sign-in code for a card: eight letters and digits, read easily (K7QF-M2XP)."""
    raw = "".join(secrets.choice(LABEL_LETTERS) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def _now() -> float:
    return time.time()


class Accounts:
    """The course's accounts and sessions (one file, shared by the server and its kernels)."""

    def __init__(self, folder: Path | None = None):
        self.folder = folder or data_dir()
        self.path = self.folder / "accounts.sqlite"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            log.exception("the accounts file %s cannot be opened", self.path)
            raise SignInError(
                "Signing in is not possible just now (the course cannot open its list of "
                "trainees). Please tell your trainer."
            ) from exc

    def close(self) -> None:
        self._conn.close()

    def _write(self, sql: str, args: tuple = ()) -> None:
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.execute(sql, args)

    # -- trainees ----------------------------------------------------------------------------
    def _trainee(self, row: tuple) -> Trainee:
        return Trainee(row[0], row[1], row[2], row[3], bool(row[4]))

    _COLUMNS = "id, name, label, kind, roster"

    def find(self, trainee_id: str) -> Trainee | None:
        row = self._conn.execute(
            f"SELECT {self._COLUMNS} FROM trainees WHERE id = ?", (trainee_id,)
        ).fetchone()
        return self._trainee(row) if row else None

    def named(self, name: str) -> list[Trainee]:
        """Every trainee of this name (as compared: case and Unicode form aside)."""
        rows = self._conn.execute(
            f"SELECT {self._COLUMNS} FROM trainees WHERE name_key = ? ORDER BY created",
            (check_name(name).key,),
        )
        return [self._trainee(row) for row in rows]

    def trainees(self) -> list[Trainee]:
        rows = self._conn.execute(f"SELECT {self._COLUMNS} FROM trainees ORDER BY name_key")
        return [self._trainee(row) for row in rows]

    def _new_label(self) -> str:
        while True:
            label = "".join(secrets.choice(LABEL_LETTERS) for _ in range(4))
            if not self._conn.execute(
                "SELECT 1 FROM trainees WHERE label = ?", (label,)
            ).fetchone():
                return label

    def _insert(
        self,
        trainee_id: str,
        name: str,
        label: str,
        secret: object,
        kind: str,
        roster: bool,
        created: str,
    ) -> str:
        """One account, as checked by the caller; returns the name as kept."""
        checked = check_name(name)
        self._write(
            "INSERT INTO trainees VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (trainee_id, checked.text, checked.key, label, secret, kind, int(roster), created),
        )
        return checked.text

    def _add(
        self,
        name: str,
        secret: str | None,
        kind: str,
        roster: bool = False,
        trainee_id: str | None = None,
    ) -> Trainee:
        trainee_id = trainee_id or new_trainee_id()
        label = self._new_label()
        created = dt.datetime.now(dt.UTC).isoformat()
        secret_hash = hash_secret(secret) if secret else None
        name = self._insert(trainee_id, name, label, secret_hash, kind, roster, created)
        store = ProgressStore(trainee_id, self.folder)
        try:
            store.set_name(name)
        finally:
            store.close()
        return Trainee(trainee_id, name, label, kind, roster)

    def register(self, name: str, pin: str) -> Trainee:
        """A new trainee with the PIN they chose. A PIN already used by a trainee of the same
        name would leave two people with one sign-in: refused."""
        if any(self._secret_matches(t.id, pin) for t in self.named(name)):
            raise SignInError(
                "A trainee of this name already signs in with that PIN. If that is you, use "
                "“I have been here before”; if not, please choose another PIN."
            )
        return self._add(name, pin, PIN)

    def add_to_roster(self, name: str) -> tuple[Trainee, str]:
        """A trainee from the trainer's class list, with the sign-in code for their card."""
        code = new_code()
        return self._add(name, normal_secret(code), CODE, roster=True), code

    def _secret_matches(self, trainee_id: str, secret: str) -> bool:
        row = self._conn.execute("SELECT secret FROM trainees WHERE id = ?", (trainee_id,))
        found = row.fetchone()
        return bool(found) and secret_matches(normal_secret(secret), found[0])

    def check(self, name: str, secret: str) -> Trainee | None:
        """The trainee of this name whose secret this is, or None."""
        return next((t for t in self.named(name) if self._secret_matches(t.id, secret)), None)

    def hub_account(self, name: str) -> Trainee:
        """The trainee a JupyterHub user is, made at their first visit: the id from their hub
        name (unique on the hub), no secret (only the hub signs them in)."""
        trainee_id = hub_trainee_id(name)
        found = self.find(trainee_id)
        if found is not None:
            return found
        try:
            return self._add(name, None, HUB, trainee_id=trainee_id)
        except sqlite3.IntegrityError:  # their first visit in two tabs at once
            return self.find(trainee_id) or self._add(name, None, HUB, trainee_id=trainee_id)

    def claim(self, trainee_id: str, pin: str) -> Trainee:
        """A trainee from before sign-in existed (their browser still holds the old cookie)
        chooses a PIN for the progress they already have."""
        trainee = self.find(trainee_id)
        if trainee is None or trainee.kind != UNCLAIMED:
            raise SignInError("That progress has been claimed already: please sign in.")
        self._write(
            "UPDATE trainees SET secret = ?, kind = ? WHERE id = ?",
            (hash_secret(pin), PIN, trainee_id),
        )
        return self.find(trainee_id) or trainee

    def reset_secret(self, trainee_id: str) -> str:
        """The trainer gives a trainee a new sign-in code (a forgotten PIN, a lost card): the
        old secret stops working and every session of theirs ends."""
        if self.find(trainee_id) is None:
            raise SignInError("There is no such trainee.")
        code = new_code()
        self._write(
            "UPDATE trainees SET secret = ?, kind = ? WHERE id = ?",
            (hash_secret(normal_secret(code)), CODE, trainee_id),
        )
        self.end_sessions(trainee_id)
        return code

    def migrate(self) -> int:
        """Give every progress file from before sign-in an account, waiting to be claimed by
        the browser that holds its old cookie or reset by the trainer. A file with no name
        (made by a visit that never signed in) is left as it is. Returns how many were added."""
        known = {row[0] for row in self._conn.execute("SELECT id FROM trainees")}
        added = 0
        for trainee_id in all_trainees(self.folder):
            if trainee_id in known:
                continue
            try:
                reader = ProgressReader(self.folder / "trainees" / f"{trainee_id}.sqlite")
            except ProgressError as exc:
                log.warning("sign-in: %s", exc)
                continue
            try:
                name = reader.name
            finally:
                reader.close()
            if name:
                self._add(name, None, UNCLAIMED, trainee_id=trainee_id)
                added += 1
        return added

    # -- carried between servers ---------------------------------------------------------
    _CARRIED = ("id", "name", "name_key", "label", "secret", "kind", "roster", "created")

    def carried(self, trainee_id: str) -> dict[str, object] | None:
        """A trainee's account as it travels to another server (the secret as its hash: the
        trainee signs in there with the same PIN or code)."""
        row = self._conn.execute(
            f"SELECT {', '.join(self._CARRIED)} FROM trainees WHERE id = ?", (trainee_id,)
        ).fetchone()
        return dict(zip(self._CARRIED, row, strict=True)) if row else None

    def adopt(self, account: dict[str, object]) -> str | None:
        """Take in an account from another server. One known here already stays as it is here
        (its name and secret win); returns what the trainer should know, or None."""
        trainee_id = str(account["id"])
        here = self.find(trainee_id)
        if here is not None:
            if here.name != account["name"]:
                return f"{here.shown}: named “{account['name']}” there; the name here was kept"
            return None
        name = check_name(account["name"]).text
        label = str(account["label"])
        taken = self._conn.execute("SELECT 1 FROM trainees WHERE label = ?", (label,)).fetchone()
        note = None
        if taken or not re.fullmatch(f"[{LABEL_LETTERS}]{{4}}", label):
            label, note = self._new_label(), f"{name}: a new label, the old one is in use"
        kind = str(account["kind"])
        if kind not in {PIN, CODE, UNCLAIMED, HUB}:
            raise SignInError(f"An account in the file is of an unknown kind ({kind!r}).")
        roster, created = bool(account["roster"]), str(account["created"])
        self._insert(trainee_id, name, label, account["secret"], kind, roster, created)
        return note

    # -- sessions ----------------------------------------------------------------------------
    def open_session(self, role: str, trainee_id: str | None = None) -> str:
        """A new session; the token goes to the browser (in a cookie the server sets) and only
        its hash is kept here."""
        token = secrets.token_urlsafe(32)
        now = _now()
        self._write(
            "INSERT INTO sessions VALUES (?, ?, ?, ?, ?, NULL)",
            (_token_key(token), trainee_id, role, now, now),
        )
        return token

    def session(self, token: str | None, idle_seconds: float | None = None) -> Session | None:
        """The live session of this token, or None (unknown, ended, or idle too long)."""
        if not token:
            return None
        row = self._conn.execute(
            "SELECT role, trainee, seen FROM sessions WHERE token = ? AND ended IS NULL",
            (_token_key(token),),
        ).fetchone()
        if row is None:
            return None
        role, trainee_id, seen = row
        limit = idle_seconds if idle_seconds else SESSION_DAYS * 86400
        if _now() - seen > limit:
            self.end_session(token)
            return None
        trainee = self.find(trainee_id) if trainee_id else None
        if role == TRAINEE and trainee is None:
            return None
        return Session(role, trainee, seen)

    def touch(self, token: str) -> None:
        """The session was used (a page, a saved answer): its idle time starts again."""
        self._write(
            "UPDATE sessions SET seen = ? WHERE token = ? AND ended IS NULL",
            (_now(), _token_key(token)),
        )

    def end_session(self, token: str) -> None:
        self._write(
            "UPDATE sessions SET ended = ? WHERE token = ? AND ended IS NULL",
            (_now(), _token_key(token)),
        )

    def end_sessions(self, trainee_id: str) -> None:
        """End every session of a trainee (a PIN reset, a trainer's revoke)."""
        self._write(
            "UPDATE sessions SET ended = ? WHERE trainee = ? AND ended IS NULL",
            (_now(), trainee_id),
        )

    # -- wrong tries -------------------------------------------------------------------------
    def failed(self, who: str, client: str) -> None:
        """Count a wrong secret for `who` (a name, the trainer, a client address)."""
        self._write("INSERT INTO failures VALUES (?, ?, ?)", (who, _now(), client))
        self._write("DELETE FROM failures WHERE at < ?", (_now() - WINDOW_SECONDS,))

    def wait(self, who: str, free: int = 0) -> float:
        """Seconds before a try for `who` is heard: 2 after a wrong try (after `free` of them),
        then 4, 8, 16, ... up to five minutes, for wrong tries within the last fifteen minutes."""
        row = self._conn.execute(
            "SELECT COUNT(*), MAX(at) FROM failures WHERE who = ? AND at >= ?",
            (who, _now() - WINDOW_SECONDS),
        ).fetchone()
        count, last = row
        if count <= free:
            return 0.0
        return max(0.0, last + min(2 ** (count - free), LONGEST_WAIT) - _now())

    def forgive(self, who: str) -> None:
        """A right secret: the wrong tries before it no longer count."""
        self._write("DELETE FROM failures WHERE who = ?", (who,))


def labels(folder: Path | None = None) -> dict[str, str]:
    """Every trainee's label by id, read only (nothing is created where no accounts file is,
    and none is read where this account may not: the hub's live view, whose names are unique,
    reads progress only)."""
    path = (folder or data_dir()) / "accounts.sqlite"
    if not path.is_file() or not os.access(path, os.R_OK):
        return {}
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=10)
        try:
            return dict(conn.execute("SELECT id, label FROM trainees").fetchall())
        finally:
            conn.close()
    except sqlite3.Error:
        log.warning("the accounts file %s could not be read for labels", path)
        return {}


def registered_session(folder: Path, name: str, pin: str = "4821") -> tuple[str, str]:
    """A trainee registered and signed in as the course server does it: (their id, the session
    token their browser's cookie holds). For tests and benchmarks that drive the course
    without its sign-in page."""
    accounts = Accounts(folder)
    try:
        trainee = accounts.register(name, pin)
        return trainee.id, accounts.open_session(TRAINEE, trainee.id)
    finally:
        accounts.close()
