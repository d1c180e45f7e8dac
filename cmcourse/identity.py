"""Who the trainee is: the JupyterHub user, else this browser's cookie, else the address.

Voilà passes the request's cookie (with `http_header_envs=['Cookie']`) and query string to
the page's kernel as environment variables.
"""

from __future__ import annotations

import json
import os
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs

from .store import TRAINEE_ID, hub_trainee_id

COOKIE = "cm101_trainee"


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


def _wait_for_request() -> None:
    """A preheated kernel runs before anyone asks for the page: wait for the request (and its
    cookie) to arrive before deciding who the trainee is."""
    if os.environ.get("VOILA_PREHEAT") == "True":
        from voila.utils import wait_for_request

        wait_for_request()


def current_trainee() -> tuple[str | None, str]:
    """(trainee id or None, where it came from: 'hub', 'cookie', 'address' or 'none')."""
    _wait_for_request()
    hub = os.environ.get("JUPYTERHUB_USER")
    if hub:
        return hub_trainee_id(hub), "hub"
    for value, source in ((_cookie_value(), "cookie"), (query().get("trainee"), "address")):
        if value and TRAINEE_ID.match(value):
            return value, source
    return None, "none"


def remember_script(trainee_id: str, reload: bool = True) -> str:
    """HTML that stores the trainee in this browser for a year (and reloads the page)."""
    value = json.dumps(f"{COOKIE}={trainee_id}; path=/; max-age=31536000; SameSite=Lax")
    again = "window.location.reload();" if reload else ""
    return f"<script>document.cookie = {value}; {again}</script>"


def forget_script() -> str:
    value = json.dumps(f"{COOKIE}=; path=/; max-age=0; SameSite=Lax")
    return f"<script>document.cookie = {value}; window.location.reload();</script>"
