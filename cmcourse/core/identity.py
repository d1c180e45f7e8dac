"""Who asked for the page: the JupyterHub user, else the session the course server signed in.

The course server (`cmcourse.server`) gives the browser a random session token in an HttpOnly
cookie; Voilà passes the request's cookie (`http_header_envs=['Cookie']`) to the page's kernel
as an environment variable, and the kernel asks the accounts file whose session it is. The
address (`?trainee=`) identifies nobody, and no cookie holds a trainee's stored id.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs

from cmcourse.core.accounts import TRAINER, Accounts, SignInError, Trainee
from cmcourse.core.store import hub_trainee_id

COOKIE = "cm101_session"  # a trainee's session token
TRAINER_COOKIE = "cm101_trainer"  # the trainer's session token
OLD_COOKIE = "cm101_trainee"  # before sign-in: the trainee's id itself (claimed once, then gone)
TOUCH_SECONDS = 20  # how stale a session's last use may be before a page writes it again


def _cookie(name: str) -> str | None:
    raw = os.environ.get("HTTP_COOKIE", "")
    try:
        jar = SimpleCookie(raw)
    except CookieError:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


def query() -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(os.environ.get("QUERY_STRING", "")).items() if v}


def _wait_for_request(seconds: float = 60) -> None:
    """A preheated kernel runs its page before anyone asks for it: wait for the request and
    take its details (cookie, query string) into the environment, as Voilà's own
    `voila.utils.wait_for_request` does. That helper imports the whole Voilà server (2.4 s in
    a kernel); this does the same with the websocket client alone (0.02 s)."""
    if os.environ.get("VOILA_PREHEAT") != "True":
        return
    from websockets.sync.client import connect

    env = os.environ
    base = env.get("VOILA_WS_BASE_URL") or env.get("VOILA_SERVER_URL", "/")
    url = (
        f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:"
        f"{env.get('VOILA_APP_PORT', '8866')}{base}voila/query/{env.get('VOILA_KERNEL_ID', '')}"
    )
    with connect(url, open_timeout=seconds) as voila:
        info = json.loads(voila.recv(timeout=None))  # sent when the page is requested
    os.environ.update({k: str(v) for k, v in info.items()})
    os.environ["VOILA_PREHEAT"] = "False"  # the request is here: later calls need not wait


def shared_minutes() -> int:
    """A shared device's idle time before sign-out, in minutes (0: not a shared device), as
    the course server was started with ($CM101_SHARED_DEVICE_MINUTES)."""
    try:
        return max(0, int(os.environ.get("CM101_SHARED_DEVICE_MINUTES", "0") or 0))
    except ValueError:
        return 0


def idle_seconds() -> float | None:
    return shared_minutes() * 60 or None


@contextlib.contextmanager
def _accounts() -> Iterator[Accounts | None]:
    """The accounts file for one question (None if it cannot be opened: nobody is known)."""
    try:
        accounts = Accounts()
    except SignInError:
        yield None
        return
    try:
        yield accounts
    finally:
        accounts.close()


def current_trainee() -> tuple[str | None, str]:
    """(trainee id or None, where it came from: 'hub', 'session' or 'none'). A session that
    was ended (signed out, reset by the trainer, idle too long) names nobody."""
    _wait_for_request()
    hub = os.environ.get("JUPYTERHUB_USER")
    if hub:
        return hub_trainee_id(hub), "hub"
    token = _cookie(COOKIE)
    with _accounts() as accounts:
        session = accounts.session(token, idle_seconds()) if accounts and token else None
        if accounts is None or token is None or session is None or session.trainee is None:
            return None, "none"
        if time.time() - session.seen > TOUCH_SECONDS:  # a page turn, not every call
            accounts.touch(token)
        return session.trainee.id, "session"


def is_trainer() -> bool:
    """The page was asked for by a browser the trainer signed in (on the course server)."""
    _wait_for_request()
    token = _cookie(TRAINER_COOKIE)
    with _accounts() as accounts:
        session = accounts.session(token) if accounts and token else None
        return session is not None and session.role == TRAINER


def account(trainee_id: str) -> Trainee | None:
    """A signed-in trainee's account (their name and label), or None."""
    with _accounts() as accounts:
        return accounts.find(trainee_id) if accounts else None


def sign_in_url() -> str:
    return f"{os.environ.get('VOILA_BASE_URL', '/')}cm101/sign-in"


def sign_out_url() -> str:
    return f"{os.environ.get('VOILA_BASE_URL', '/')}cm101/sign-out"
