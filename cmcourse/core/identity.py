"""Who the trainee is: the JupyterHub user, else this browser's cookie, else the address.

Voilà passes the request's cookie (with `http_header_envs=['Cookie']`) and query string to
the page's kernel as environment variables.
"""

from __future__ import annotations

import json
import os
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs

from cmcourse.core.store import TRAINEE_ID, hub_trainee_id

COOKIE = "cm101_trainee"
# Who signed in inside this kernel (the course app signs a trainee in without reloading the
# page, so the request's cookie still names nobody).
_signed_in: str | None = None


def _cookie_value() -> str | None:
    raw = os.environ.get("HTTP_COOKIE", "")
    try:
        jar = SimpleCookie(raw)
    except CookieError:
        return None
    morsel = jar.get(COOKIE)
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


def current_trainee() -> tuple[str | None, str]:
    """(trainee id or None, where it came from: 'hub', 'cookie', 'address' or 'none')."""
    _wait_for_request()
    hub = os.environ.get("JUPYTERHUB_USER")
    if hub:
        return hub_trainee_id(hub), "hub"
    if _signed_in:
        return _signed_in, "cookie"
    for value, source in ((_cookie_value(), "cookie"), (query().get("trainee"), "address")):
        if value and TRAINEE_ID.match(value):
            return value, source
    return None, "none"


def signed_in_here(trainee_id: str) -> None:
    """The trainee signed in within this kernel: later pages of the visit are theirs."""
    global _signed_in
    _signed_in = trainee_id


def cookie(trainee_id: str) -> str:
    """The cookie that keeps the trainee in this browser for a year."""
    return f"{COOKIE}={trainee_id}; path=/; max-age=31536000; SameSite=Lax"


def remember_script(trainee_id: str) -> str:
    """HTML that stores the trainee in this browser and reloads the page (a page outside the
    course app)."""
    value = json.dumps(cookie(trainee_id))
    return f"<script>document.cookie = {value}; location.reload();</script>"
