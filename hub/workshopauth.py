"""Sign-in to the CM 101 hub with workshop accounts: the accounts file and the authenticator.

Only the standard library and JupyterHub, so the hub of a Kubernetes install (Zero to
JupyterHub, see hub/z2jh/) loads this file as it is. The accounts are made by
hub/accounts.py; the file holds, per name, a role (trainer or trainee) and a salted scrypt
hash of the password, never the password.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from typing import Any

from jupyterhub.auth import Authenticator
from traitlets import Float, Unicode, default

DEFAULT_STATE = Path("/var/lib/cm101-hub")
TRAINERS_GROUP = "trainers"
# Letters and digits nobody misreads on a printed sheet (no 0/o, 1/l/i).
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
SCRYPT = {"n": 2**14, "r": 8, "p": 1}  # about 30 ms and 16 MB per check


class AccountError(Exception):
    """A problem with the accounts, explained for the trainer."""


def state_dir() -> Path:
    """Where the hub keeps its files ($CM101_HUB_STATE, by default /var/lib/cm101-hub)."""
    return Path(os.environ.get("CM101_HUB_STATE", DEFAULT_STATE))


# -- passwords ------------------------------------------------------------------------------
def new_password() -> str:
    """Ten characters in two groups, e.g. 'k7pmq-x3rta' (about 50 bits)."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(10))
    return f"{chars[:5]}-{chars[5:]}"


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **SCRYPT)
    cost = f"{SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}"
    return f"scrypt${cost}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def check_password(password: str, stored: str) -> bool:
    """True if `password` matches the stored hash (compared in constant time)."""
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


@functools.cache
def unknown_name_hash() -> str:
    """A hash no password matches, checked for a name with no account: an unknown name then
    takes as long to refuse as a known one with a wrong password, so the time a refusal takes
    does not tell who has an account. Made once (a scrypt of its own), in the thread that
    first checks an unknown name, never on the hub's event loop."""
    return hash_password(secrets.token_urlsafe(32))


def check_sign_in(password: str, stored: str | None) -> bool:
    """check_password against the account's hash, or the unknown name's (`stored` None)."""
    return check_password(password, unknown_name_hash() if stored is None else stored)


# -- the accounts file the hub reads --------------------------------------------------------
def accounts_path(state: Path | None = None) -> Path:
    return (state or state_dir()) / "accounts.json"


def load_accounts(state: Path | None = None) -> dict[str, Any]:
    """{'workshop': str, 'accounts': {name: {'role', 'hash', 'created'}}} (empty if none yet)."""
    path = accounts_path(state)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"workshop": "", "accounts": {}}
    except (OSError, ValueError) as exc:
        raise AccountError(f"{path} cannot be read ({exc}); restore it from a backup.") from None
    return data


def save_accounts(data: dict[str, Any], state: Path | None = None) -> None:
    """Written to a new file, then renamed over the old one: a crash never leaves half a file."""
    path = accounts_path(state)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, indent=1, sort_keys=True)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def role_of(name: str, state: Path | None = None) -> str | None:
    account = load_accounts(state)["accounts"].get(name)
    return account["role"] if account else None


def trainers(state: Path | None = None) -> set[str]:
    return {n for n, a in load_accounts(state)["accounts"].items() if a["role"] == "trainer"}


# -- placeholders in the Kubernetes values ---------------------------------------------------
PLACEHOLDER = "CHANGE-ME"  # what hub/z2jh/*.yaml hold until the installer fills them in
MIN_TOKEN = 32  # characters: `openssl rand -hex 32` gives 64


def placeholders(values: Any, where: str = "") -> list[str]:
    """Where in `values` (mappings and lists, as a YAML file reads) a CHANGE-ME is left."""
    if isinstance(values, dict):
        return [p for k, v in values.items() for p in placeholders(v, f"{where}.{k}".lstrip("."))]
    if isinstance(values, list):
        return [p for i, v in enumerate(values) for p in placeholders(v, f"{where}[{i}]")]
    if isinstance(values, str) and PLACEHOLDER.lower() in values.lower():
        return [where]
    return []


def weak_token(token: Any) -> bool:
    """True for a token a hub must not accept: empty, short, or still a placeholder."""
    return not isinstance(token, str) or len(token) < MIN_TOKEN or bool(placeholders(token))


def refuse_placeholder_tokens(services: list[dict[str, Any]]) -> None:
    """At the hub's start: stop, saying which, if a service's API token is a placeholder or too
    short to be secret (anyone who read the values file could act as that service)."""
    if hasattr(services, "get_value"):  # a config's list appended to (LazyConfigValue)
        services = services.get_value([])
    given = [s for s in services if "api_token" in s]  # others get one from the hub itself
    weak = [str(s.get("name", "?")) for s in given if weak_token(s["api_token"])]
    if weak:
        raise SystemExit(
            f"The hub does not start: the API token of {', '.join(weak)} is still the "
            f"placeholder or shorter than {MIN_TOKEN} characters. Make one with "
            "`openssl rand -hex 32` (one for each service), put it in hub/z2jh/values.yaml and "
            "in that service's manifest (course-service.yaml, live-service.yaml), and check the "
            "files with `python hub/z2jh/check_values.py`."
        )


# -- signing in ----------------------------------------------------------------------------
class WorkshopAuthenticator(Authenticator):
    """Accounts made by `hub/accounts.py create` (read at every sign-in, so accounts made while
    the hub runs work at once). Trainers are put in the `trainers` group."""

    state = Unicode(help="The hub's state folder, holding accounts.json").tag(config=True)
    failure_wait = Float(1.0, help="Seconds a refused sign-in waits (slows down guessing)").tag(
        config=True
    )

    @default("any_allow_config")
    def _allow_config(self) -> bool:
        return True  # the accounts file is the allow list (see check_allowed)

    @default("manage_groups")
    def _manage_groups(self) -> bool:
        return True  # trainers get the `trainers` group, and with it the live view

    @default("auth_refresh_strict")
    def _refresh_strict(self) -> bool:
        return True  # tokens of an account refresh_user refuses stop working too (not only cookies)

    def _state(self) -> Path:
        return Path(self.state) if self.state else state_dir()

    async def refresh_user(self, user, handler=None):
        """The account checked again at a user's first visit after the hub starts and every
        auth_refresh_age (5 minutes): gone from accounts.json, they must sign in again (and
        cannot); a trainer made a trainee leaves the `trainers` group. (hub/accounts.py also
        tells a running hub at once; this covers a hub that was not running then, and
        Kubernetes, where the accounts file is a Secret.)"""
        try:
            account = load_accounts(self._state())["accounts"].get(user.name)
        except AccountError as exc:
            self.log.error("accounts not checked again: %s", exc)
            return True  # a damaged file signs nobody out; sign-in refuses all until it is mended
        if account is None:
            self.log.warning("%s has no account any more: signed out", user.name)
            return False
        return {"groups": [TRAINERS_GROUP] if account["role"] == "trainer" else []}

    async def authenticate(self, handler, data):
        name = str(data.get("username", "")).strip().lower()
        password = str(data.get("password", ""))
        account = load_accounts(self._state())["accounts"].get(name)
        stored = account["hash"] if account else None
        # scrypt takes ~30 ms of CPU: off the hub's event loop, so others' pages keep moving
        # (the unknown name's hash too, made at the first unknown name).
        matches = await asyncio.to_thread(check_sign_in, password, stored)
        if account is None or not matches:
            self.log.warning("failed sign-in for %r", name)
            await asyncio.sleep(self.failure_wait)
            return None
        groups = [TRAINERS_GROUP] if account["role"] == "trainer" else []
        return {"name": name, "groups": groups}

    def check_allowed(self, username, authentication=None):
        return role_of(username, self._state()) is not None
