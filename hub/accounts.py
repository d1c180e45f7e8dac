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
import os
import pwd
import subprocess
import sys
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


# -- commands -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Created:
    name: str
    role: str
    password: str | None  # None: the account existed and keeps its password


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
        accounts[name]["role"] = role
        made.append(Created(name, role, password))
        save_accounts(data, state)  # after each: a failure half-way keeps those made
    return made


def reset(name: str, state: Path | None = None) -> str:
    data = load_accounts(state)
    if name not in data["accounts"]:
        raise AccountError(f"There is no account {name}.")
    password = new_password()
    data["accounts"][name]["hash"] = hash_password(password)
    save_accounts(data, state)
    return password


def remove(name: str, state: Path | None = None) -> None:
    """No more sign-in for `name`; progress and submissions stay for the trainer."""
    data = load_accounts(state)
    if data["accounts"].pop(name, None) is None:
        raise AccountError(f"There is no account {name}.")
    save_accounts(data, state)
    remove_system_account(name)


def _sheet(made: list[Created], workshop: str, url: str) -> str:
    lines = [f"{workshop}: sign in at {url}", "", f"{'name':<26}{'role':<10}password"]
    for m in made:
        lines.append(f"{m.name:<26}{m.role:<10}{m.password or '(unchanged)'}")
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
            remove(args.name, state)
            print(f"{args.name} can no longer sign in; their saved work is kept.")
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
