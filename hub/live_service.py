"""The trainer's live view as a JupyterHub service, at /services/cm101-live/ (trainers only);
also the redirect of course addresses to each trainee's own server (OwnServerHandler).

Started by the hub (see jupyterhub_config.py). The hub signs the trainer in (OAuth); only
accounts with the scope access:services!service=cm101-live, given to the `trainers` group,
get the page, everyone else a 403. It reads every trainee's progress file, which is why it
runs as root like the hub: trainees' files are readable by nobody else.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from html import escape
from importlib import import_module
from pathlib import Path
from urllib.parse import urlparse

import workshopauth
from jupyterhub.services.auth import HubOAuth, HubOAuthCallbackHandler, HubOAuthenticated
from tornado import ioloop, web

from cmcourse.core.store import hub_trainee_id

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


def progress_root() -> Path:
    """Where every trainee's progress folder is: $CM101_PROGRESS_ROOT, else <state>/progress."""
    configured = os.environ.get("CM101_PROGRESS_ROOT")
    return Path(configured) if configured else workshopauth.state_dir() / "progress"


def view_html() -> str:
    """The view now: every trainee's progress folder on the hub, trainers left out."""
    from cmcourse.trainer.live import hub_folders, live_html, snapshot

    trainers = {hub_trainee_id(name) for name in workshopauth.trainers()}
    return live_html(snapshot(hub_folders(progress_root()), exclude=trainers, only_own=True))


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


class OwnServerHandler(web.RequestHandler):
    """A course address without the trainee's prefix (/voila/render/course/...: a link written
    for `make serve`, or typed from the trainer's slide) goes to the same page on the signed-in
    trainee's own server, through the hub's /hub/user-redirect/. The proxy sends /voila/ here
    (c.Proxy.extra_routes in jupyterhub_config.py)."""

    def get(self, path: str) -> None:
        base = os.environ.get("JUPYTERHUB_BASE_URL", "/")
        query = f"?{self.request.query}" if self.request.query else ""
        self.redirect(f"{base}hub/user-redirect/voila/{path}{query}")


def make_app() -> web.Application:
    prefix = os.environ["JUPYTERHUB_SERVICE_PREFIX"]
    # Whose sign-in a request carries is asked of the hub again after 5 s, not 5 minutes: a
    # trainer removed or made a trainee (hub/accounts.py) loses the view at once.
    HubOAuth.instance(cache_max_age=5)
    return web.Application(
        [
            (prefix.rstrip("/") + "/?", LiveHandler),
            (prefix + "oauth_callback", HubOAuthCallbackHandler),
            (r"/voila/(.*)", OwnServerHandler),
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
