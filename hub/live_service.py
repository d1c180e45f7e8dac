"""The trainer's live view as a JupyterHub service, at /services/cm101-live/ (trainers only).

Started by the hub (see jupyterhub_config.py) as its own account, cm101-live; on Kubernetes
in a pod of its own as that account (z2jh/live-service.yaml), the course's volume mounted
read only. The hub signs the trainer in (OAuth); only accounts with the scope
access:services!service=cm101-live, given to the `trainers` group, get the page, everyone
else a 403. It reads the progress files of the course service (cm101-course), which only the
course writes: no trainee can edit what it shows. Who the trainers are (left out of the
table) it asks the hub.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
import urllib.error
import urllib.request
from html import escape
from importlib import import_module
from pathlib import Path
from urllib.parse import urlparse

from jupyterhub.services.auth import HubOAuth, HubOAuthCallbackHandler, HubOAuthenticated
from tornado import ioloop, web

from cmcourse.core.store import hub_trainee_id

TRAINERS_GROUP = "trainers"  # as workshopauth.TRAINERS_GROUP (the hub's role lets us read it)

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>CM 101: live view of the workshop</title>
<noscript><meta http-equiv="refresh" content="{every}"></noscript>
<style>body {{font-family: system-ui, sans-serif; margin: 1.5em}}</style>{style}
</head><body>
<h1>CM 101: live view of the workshop</h1>
<p>Signed in as <strong>{user}</strong> (trainer). The view refreshes itself every {every}
seconds. <a href="{home}">Hub home</a></p>
<div id="live">{view}</div>
<script>
const every = {every} * 1000;
async function refresh() {{
  try {{
    const r = await fetch("?part=view", {{
      cache: "no-store", credentials: "same-origin", headers: {{"X-XSRFToken": "{xsrf}"}}
    }});
    if (r.redirected) {{ window.location.reload(); return; }}  // signed out: sign in again
    if (r.ok) document.getElementById("live").innerHTML = await r.text();
  }} catch (e) {{ /* the hub restarting: try again at the next tick */ }}
}}
setInterval(refresh, every);
</script>
</body></html>
"""


def every() -> int:
    """Whole seconds between refreshes of the page (as the course's own live view)."""
    from cmcourse.trainer.live import refresh_seconds

    return round(refresh_seconds())


def course_data() -> Path:
    """The course service's data folder: $CM101_COURSE_DATA (its trainees/ holds the files), on
    one machine and on Kubernetes."""
    return Path(os.environ["CM101_COURSE_DATA"])


_trainers: tuple[float, set[str]] = (0.0, set())


def trainers() -> set[str]:
    """The hub users in the trainers' group, asked of the hub at most every 30 s (the last
    answer kept while the hub does not reply)."""
    global _trainers
    asked, known = _trainers
    if time.monotonic() - asked < 30:
        return known
    request = urllib.request.Request(
        f"{os.environ['JUPYTERHUB_API_URL']}/groups/{TRAINERS_GROUP}",
        headers={"Authorization": f"token {os.environ['JUPYTERHUB_API_TOKEN']}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            known = set(json.load(reply).get("users", []))
    except urllib.error.HTTPError as exc:
        if exc.code != 404:  # 404: no trainer has signed in yet
            return known
        known = set()
    except OSError:
        return known
    _trainers = (time.monotonic(), known)
    return known


def view_html() -> str:
    """The view now: every trainee of the course, trainers left out."""
    from cmcourse.trainer.live import live_html, snapshot

    leave_out = {hub_trainee_id(name) for name in trainers()}
    return live_html(snapshot([course_data()], exclude=leave_out))


class LiveHandler(HubOAuthenticated, web.RequestHandler):
    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")

    @web.authenticated
    def get(self) -> None:
        view = view_html()
        if self.get_argument("part", "") == "view":
            self.write(view)
            return
        from cmcourse.html.theme import STYLE

        user = self.current_user or {}
        self.write(
            PAGE.format(
                every=every(),
                style=STYLE,
                user=escape(str(user.get("name", ""))),
                home=escape(os.environ.get("JUPYTERHUB_BASE_URL", "/") + "hub/home"),
                # The hub's sign-in cookie is honoured for a script's fetch only with this.
                xsrf=escape(self.xsrf_token.decode()),
                view=view,
            )
        )


def make_app() -> web.Application:
    prefix = os.environ["JUPYTERHUB_SERVICE_PREFIX"]
    # Whose sign-in a request carries is asked of the hub again after 5 s, not 5 minutes: a
    # trainer removed or made a trainee (hub/accounts.py) loses the view at once.
    HubOAuth.instance(cache_max_age=5)
    return web.Application(
        [
            (prefix.rstrip("/") + "/?", LiveHandler),
            (prefix + "oauth_callback", HubOAuthCallbackHandler),
        ],
        cookie_secret=os.urandom(32),
    )


def main() -> None:
    url = urlparse(os.environ["JUPYTERHUB_SERVICE_URL"])
    make_app().listen(url.port, url.hostname)
    # The course engine (matplotlib included) loads while the hub checks the service is up.
    threading.Thread(target=import_module, args=("cmcourse.trainer.live",), daemon=True).start()
    print(json.dumps({"cm101-live": f"listening on {url.hostname}:{url.port}"}), flush=True)
    with contextlib.suppress(KeyboardInterrupt):  # the hub stopping its services
        ioloop.IOLoop.current().start()


if __name__ == "__main__":
    main()
