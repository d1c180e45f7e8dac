"""The course server as a JupyterHub service: the hub says who signs in.

    GET  /cm101/sign-in           through the hub's sign-in (OAuth), then a course session
    GET  /cm101/trainer           the same, for a hub user in the trainers' group
    POST /cm101/sign-out          the course's sessions end, then the hub's (/hub/logout)
    POST /cm101/trainer/sign-out  the same
    GET  /oauth_callback          where the hub's sign-in comes back

On a hub (`--CourseVoila.hub=True`, started by hub/jupyterhub_config.py) the course has no
names, PINs or passphrase of its own: a browser the hub signed in gets a course session for
that hub user (trainee id `hub_trainee_id(name)`, named by their hub name) in the same cookie
the course's own sign-in sets, so the pages and their kernels work as everywhere else. Each
page asked for is checked against the hub again (at most 5 s old): signed out of the hub, a
user removed, or a trainer no longer in the group, and the course's session ends too.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import tornado.web
from jupyterhub.services.auth import HubOAuth, HubOAuthCallbackHandler, HubOAuthenticated

from cmcourse.core import identity
from cmcourse.core.accounts import TRAINEE, TRAINER, Session
from cmcourse.core.store import hub_trainee_id
from cmcourse.server import signin
from cmcourse.server.signin import SignInSettings

log = logging.getLogger("cm101")

# How old the hub's answer to "who is this?" may be (HubOAuth's default is 5 minutes).
HUB_CHECK_SECONDS = 5
# What the hub gives a service it starts: JPY_API_TOKEN is the same token under its old name.
HUB_VARIABLES = ("JUPYTERHUB_", "JPY_API_TOKEN")


def connect() -> HubOAuth:
    """The hub's sign-in for this service, from the variables the hub started it with; those
    are then taken out of the environment, so no page's kernel inherits the service's token
    or takes the service's own account (JUPYTERHUB_USER) for the trainee."""
    auth = HubOAuth.instance(cache_max_age=HUB_CHECK_SECONDS)
    for trait in auth.trait_names():  # every setting read from the environment now
        getattr(auth, trait)
    for variable in [v for v in os.environ if v.startswith(HUB_VARIABLES)]:
        del os.environ[variable]
    return auth


async def hub_user(handler: tornado.web.RequestHandler) -> dict[str, Any] | None:
    """The hub user this browser's hub sign-in names now, or None."""
    return await HubOAuth.instance().get_user(handler, sync=False)


def is_trainer(user: dict[str, Any] | None, settings: SignInSettings) -> bool:
    return user is not None and settings.trainers_group in (user.get("groups") or [])


def session_matches(
    session: Session, user: dict[str, Any] | None, settings: SignInSettings
) -> bool:
    """The course session is still the hub user's: the same trainee, or the trainer's session
    of a hub user still in the trainers' group."""
    if session is None or user is None:
        return False
    if session.role == TRAINER:
        return is_trainer(user, settings)
    return session.trainee is not None and session.trainee.id == hub_trainee_id(user["name"])


class HubSignIn(HubOAuthenticated, signin.Base):
    """A browser the hub signed in gets its course session; any other goes to the hub's
    sign-in first (tornado's `authenticated`: HubOAuth's redirect, back to this address)."""

    role = TRAINEE

    @tornado.web.authenticated
    def get(self) -> None:
        user = self.current_user
        base = self.settings_.base_url
        if self.role == TRAINER:
            if not is_trainer(user, self.settings_):
                self.set_status(403)
                self.finish(
                    signin.plain_page(
                        base,
                        "For trainers only",
                        "This page is for the workshop's trainers. Your course is on the map.",
                    )
                )
                return
            cookie, token = identity.TRAINER_COOKIE, self.accounts.open_session(TRAINER)
            default = signin.report_url(base)
        else:
            trainee = self.accounts.hub_account(user["name"])
            cookie, token = identity.COOKIE, self.accounts.open_session(TRAINEE, trainee.id)
            default = signin.app_url(base)
        self.give_cookie(cookie, token)
        log.info("sign-in: %s signed in by the hub (%s)", user["name"], self.role)
        self.redirect(self.next_url(default), status=303)


class HubTrainerSignIn(HubSignIn):
    role = TRAINER


class HubSignOut(signin.Base):
    """Signing out of the course signs out of the hub too: on a shared computer the next
    person then signs in as themselves."""

    def post(self) -> None:
        self.end(identity.COOKIE)
        self.end(identity.TRAINER_COOKIE)
        self.forget(identity.OLD_COOKIE)
        HubOAuth.instance().clear_cookie(self)
        self.set_header("Clear-Site-Data", '"cache", "storage"')
        self.redirect(f"{HubOAuth.instance().hub_prefix}logout", status=303)


def handlers(settings: SignInSettings) -> list[tuple[str, type, dict]]:
    base = settings.base_url
    kw = {"settings": settings}
    return [
        (f"{base}cm101/sign-in", HubSignIn, kw),
        (f"{base}cm101/trainer", HubTrainerSignIn, kw),
        (f"{base}cm101/sign-out", HubSignOut, kw),
        (f"{base}cm101/trainer/sign-out", HubSignOut, kw),
        (f"{base}oauth_callback", HubOAuthCallbackHandler, {}),
    ]
