"""Workshop accounts for the CM 101 hub: the trainer lists names, this makes the accounts.

    python hub/accounts.py create my-workshop.yaml   # new names get a password (printed once)
    python hub/accounts.py reset amina               # a new password for one account
    python hub/accounts.py remove amina              # no more sign-in; saved work is kept
    python hub/accounts.py list
    python hub/accounts.py --state DIR create --no-system-accounts my-workshop.yaml
                                                     # for Kubernetes: DIR/accounts.json only

The trainer's file (see hub/workshop.example.yaml) names the trainers and the trainees. Each
name becomes a hub account with a generated password (only a salted scrypt hash is kept, in
$CM101_HUB_STATE/accounts.json, readable by root only) and a system account `cm101-<name>`
without a login shell, whose processes are the only ones that can read that trainee's files.
Run as root (the hub runs as root to start each trainee's server as their system account).
"""

from __future__ import annotations

import argparse
import datetime as dt
import grp
import json
import os
import pwd
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from workshopauth import (
    AccountError,
    hash_password,
    load_accounts,
    new_password,
    save_accounts,
    state_dir,
)

from cmsim.errors import FileProblem
from cmsim.files import load_model

SYSTEM_PREFIX = "cm101-"
SYSTEM_GROUP = "cm101-workshop"  # every workshop system account, and only those, is in it
NAME_RULE = "2 to 24 characters: lowercase letters, digits and '-', starting with a letter"


def valid_name(name: str) -> bool:
    return (
        2 <= len(name) <= 24
        and name[0].isascii()
        and name[0].islower()
        and all(c.isascii() and (c.islower() or c.isdigit() or c == "-") for c in name)
    )


class WorkshopFile(BaseModel):
    """The file a trainer writes: who may sign in to the workshop's hub."""

    model_config = ConfigDict(extra="forbid")
    workshop: str = Field(min_length=1, max_length=120)
    trainers: list[str] = Field(min_length=1)
    trainees: list[str] = Field(default_factory=list)

    @field_validator("trainers", "trainees")
    @classmethod
    def _names(cls, names: list[str]) -> list[str]:
        bad = [n for n in names if not valid_name(str(n))]
        if bad:
            raise ValueError(f"{', '.join(map(str, bad))}: a user name has {NAME_RULE}")
        return names

    @model_validator(mode="after")
    def _once(self) -> WorkshopFile:
        names = self.trainers + self.trainees
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"{', '.join(twice)} listed twice: each person needs one name")
        return self


def read_workshop(path: Path) -> WorkshopFile:
    """The trainer's file, or a FileProblem naming what to fix."""
    return load_model(path, WorkshopFile, "workshop accounts file")


# -- system accounts ------------------------------------------------------------------------
def system_name(name: str) -> str:
    """The system account behind hub user `name` (a prefix keeps clear of real accounts)."""
    return f"{SYSTEM_PREFIX}{name}"


def home_of(name: str, state: Path | None = None) -> Path:
    return (state or state_dir()) / "homes" / name


def is_workshop_account(sysname: str) -> bool:
    """True only for system accounts this tool made (so the hub never runs as anyone else)."""
    try:
        pw = pwd.getpwnam(sysname)
        group = grp.getgrnam(SYSTEM_GROUP)
    except KeyError:
        return False
    return pw.pw_uid != 0 and (sysname in group.gr_mem or pw.pw_gid == group.gr_gid)


def _run(*cmd: str) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise AccountError(f"{' '.join(cmd)} failed: {done.stderr.strip() or done.stdout.strip()}")


def private_dir(path: Path, owner: str) -> None:
    """A folder only `owner` (a system account) can enter."""
    pw = pwd.getpwnam(owner)
    path.mkdir(parents=True, exist_ok=True)
    os.chown(path, pw.pw_uid, pw.pw_gid)
    path.chmod(0o700)


def passage_dir(path: Path) -> None:
    """A root-owned folder others may pass through but not list (names stay private)."""
    path.mkdir(parents=True, exist_ok=True)
    os.chown(path, 0, 0)
    path.chmod(0o711)


def ensure_system_account(name: str, state: Path | None = None) -> None:
    """Create `cm101-<name>` (no password, no login shell) and its private home if missing."""
    sysname = system_name(name)
    state = state or state_dir()
    try:
        grp.getgrnam(SYSTEM_GROUP)
    except KeyError:
        _run("groupadd", "--system", SYSTEM_GROUP)
    try:
        pwd.getpwnam(sysname)
    except KeyError:
        passage_dir(state)
        passage_dir(state / "homes")
        _run(
            "useradd",
            "--system",
            "--user-group",
            "--groups",
            SYSTEM_GROUP,
            "--home-dir",
            str(home_of(name, state)),
            "--no-create-home",
            "--shell",
            "/usr/sbin/nologin",
            "--comment",
            f"CM 101 workshop account {name}",
            sysname,
        )
    if not is_workshop_account(sysname):
        raise AccountError(
            f"The system account {sysname} exists but was not made for the workshop; "
            f"choose another name than {name}."
        )
    private_dir(home_of(name, state), sysname)


def remove_system_account(name: str) -> None:
    sysname = system_name(name)
    if is_workshop_account(sysname):
        _run("userdel", sysname)


# -- the running hub: removed accounts' sessions end at once -----------------------------------
# The hub's sign-in cookie, the trainee's server (with a sign-in of its own, which it trusts for
# minutes) and the live view's sign-in all outlive an account taken out of accounts.json. Told
# through its API, the hub deletes its user: every cookie and token of theirs stops working,
# their server is stopped, their groups go; at their next sign-in (a trainer now a trainee) they
# start afresh. The hub writes this file, root's only, with a new token at each start.
API_FILE = "accounts-api.json"
API_SERVICE = "cm101-accounts"


def hub_api(c, state: Path | None = None) -> None:
    """Set up, in the hub's config `c`, the service through which this command reaches the hub:
    a token allowed only to delete users, written with the hub's API address to
    <state>/hub/accounts-api.json (root only). Called by hub/jupyterhub_config.py."""
    token = secrets.token_hex(32)
    path = (state or state_dir()) / "hub" / API_FILE
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"url": f"{c.JupyterHub.hub_bind_url}/hub/api", "token": token}, out)
    os.replace(tmp, path)
    c.JupyterHub.services.append({"name": API_SERVICE, "api_token": token})
    c.JupyterHub.load_roles.append(
        {
            "name": API_SERVICE,
            "description": "hub/accounts.py: end the sessions of a removed account",
            "scopes": ["delete:users"],
            "services": [API_SERVICE],
        }
    )


HUB_ANSWER_SECONDS = 60  # a hub stopping many servers at once can be slow, not dead


def still_open(name: str, why: str) -> str:
    """What to tell the trainer when the running hub could not be told to end `name`'s
    sessions (busy, or an error other than "not running")."""
    return (
        f"But the hub was not told ({why}): {name}'s running server and hub sessions may "
        "still be open. Stop their server from the hub's admin page (/hub/admin, Stop Server); "
        "their hub sign-in ends by itself at their next visit, within 5 minutes. Or restart "
        "the hub, which stops every server."
    )


def end_hub_sessions(name: str, state: Path | None = None) -> str:
    """Ask the running hub to forget `name` now (see above). Returns what to tell the trainer:
    nothing when there was nothing to end (no hub running, or they never signed in)."""
    path = (state or state_dir()) / "hub" / API_FILE
    try:
        api = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ""  # no hub was ever started with this state folder
    except (OSError, ValueError) as exc:
        return f"The hub could not be told ({path}: {exc}); restart it to end their sessions."
    request = urllib.request.Request(
        f"{api['url']}/users/{name}",
        method="DELETE",
        headers={"Authorization": f"token {api['token']}"},
    )
    for _ in range(30):
        try:
            urllib.request.urlopen(request, timeout=HUB_ANSWER_SECONDS).close()
            return "They are signed out of the hub and their server is stopped."
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return ""  # never signed in since the hub started: nothing to end
            if exc.code == 400 and b"stopping" in exc.read():
                time.sleep(1)  # their server was already stopping: once it has, try again
                continue
            return still_open(name, f"it refused: {exc.code} {exc.reason}")
        except (TimeoutError, urllib.error.URLError, OSError) as exc:
            reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
            if isinstance(reason, ConnectionRefusedError):
                # The hub is not running: it stopped their server when it stopped, and at its
                # next start their sign-in cookie is checked against accounts.json at their
                # first visit.
                return ""
            if isinstance(reason, TimeoutError):
                return still_open(name, f"it did not answer within {HUB_ANSWER_SECONDS} s")
            return still_open(name, f"{reason}")
    return "Their server is still stopping: run this again in a minute to end their sessions."


# -- commands -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Created:
    name: str
    role: str
    password: str | None  # None: the account existed and keeps its password
    note: str = ""  # e.g. a trainer made a trainee: their sessions ended


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def create(workshop: WorkshopFile, state: Path | None = None, system: bool = True) -> list[Created]:
    """Make every account in the file; accounts that exist keep their password. `system`:
    with a system account each (the hub on one machine; not for Kubernetes)."""
    data = load_accounts(state)
    data["workshop"] = workshop.workshop
    accounts = data["accounts"]
    made = []
    roles = [(n, "trainer") for n in workshop.trainers]
    roles += [(n, "trainee") for n in workshop.trainees]
    for name, role in roles:
        if system:
            ensure_system_account(name, state)
        password = None
        if name not in accounts:
            password = new_password()
            accounts[name] = {"hash": hash_password(password), "created": _now()}
        was = accounts[name].get("role")
        accounts[name]["role"] = role
        save_accounts(data, state)  # after each: a failure half-way keeps those made
        note = ""
        if was == "trainer" and role != "trainer":
            ended = end_hub_sessions(name, state)  # the live view and admin page go now
            note = f"no longer a trainer. {ended}".strip()
        made.append(Created(name, role, password, note))
    return made


def reset(name: str, state: Path | None = None) -> str:
    data = load_accounts(state)
    if name not in data["accounts"]:
        raise AccountError(f"There is no account {name}.")
    password = new_password()
    data["accounts"][name]["hash"] = hash_password(password)
    save_accounts(data, state)
    return password


def remove(name: str, state: Path | None = None) -> str:
    """No more sign-in for `name`, and their hub sessions end now (their server stopped
    first: its processes are the system account's); progress and submissions stay for the
    trainer. Returns what to tell the trainer about the running hub."""
    data = load_accounts(state)
    if data["accounts"].pop(name, None) is None:
        raise AccountError(f"There is no account {name}.")
    save_accounts(data, state)
    ended = end_hub_sessions(name, state)
    try:
        remove_system_account(name)
    except AccountError as exc:
        if not ended:
            raise
        # Their server still runs (the hub was not told): say that first, then this.
        raise AccountError(
            f"{name} can no longer sign in; their saved work is kept. {ended} {exc}; once "
            f"their server has stopped, run `userdel {system_name(name)}`."
        ) from None
    return ended


def _sheet(made: list[Created], workshop: str, url: str) -> str:
    lines = [f"{workshop}: sign in at {url}", "", f"{'name':<26}{'role':<10}password"]
    for m in made:
        note = f"  ({m.note})" if m.note else ""
        lines.append(f"{m.name:<26}{m.role:<10}{m.password or '(unchanged)'}{note}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="hub/accounts.py",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    make = sub.add_parser("create", help="make the accounts listed in a workshop file")
    make.add_argument("file", type=Path)
    make.add_argument(
        "--no-system-accounts",
        action="store_true",
        help="only the accounts file (for Kubernetes, where each trainee has a pod of their own)",
    )
    parser.add_argument(
        "--state", type=Path, help="the folder of accounts.json (default: $CM101_HUB_STATE)"
    )
    sub.add_parser("reset", help="a new password for one account").add_argument("name")
    sub.add_parser("remove", help="remove one account (its saved work is kept)").add_argument(
        "name"
    )
    sub.add_parser("list", help="the accounts and their roles")
    args = parser.parse_args(argv)
    url = os.environ.get("CM101_HUB_URL", "http://127.0.0.1:8000")
    state = args.state or state_dir()
    system = not getattr(args, "no_system_accounts", False)
    if args.command != "list" and system and os.geteuid() != 0:
        print("Please run this as root (for example with sudo): it makes system accounts.")
        return 2
    try:
        if args.command == "create":
            workshop = read_workshop(args.file)
            made = create(workshop, state, system)
            print(_sheet(made, workshop.workshop, url))
            print("\nPasswords are shown only now: print or copy this sheet for the trainees.")
        elif args.command == "reset":
            print(f"New password for {args.name}: {reset(args.name, state)}")
        elif args.command == "remove":
            ended = remove(args.name, state)
            print(f"{args.name} can no longer sign in; their saved work is kept. {ended}".strip())
        else:
            data = load_accounts(state)
            print(data["workshop"] or "(no accounts yet)")
            for name, account in sorted(data["accounts"].items()):
                print(f"{name:<26}{account['role']}")
    except (AccountError, FileProblem) as exc:  # one plain message, no traceback
        print(exc)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
