"""The course server's sign-in: pages and cookies for trainees and the trainer.

    GET  /cm101/sign-in          the trainee's sign-in page (new here / been here before)
    POST /cm101/sign-in          sign in, claim an old record, or register; then the page asked for
    POST /cm101/sign-out         end the session, leave nothing of it in the browser
    GET  /cm101/trainer          the trainer's sign-in page
    POST /cm101/trainer          sign the trainer in (the passphrase of this server's start)
    POST /cm101/trainer/sign-out

The browser is given a random session token in a cookie this server sets (HttpOnly,
SameSite=Strict, Secure behind HTTPS): a page's script cannot read it and another site cannot
send it. The kernel of a page asks `Accounts.session` whose token it holds.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar
from urllib.parse import urlencode, urlsplit

import tornado.web
from markupsafe import Markup

from cmcourse.core import identity
from cmcourse.core.accounts import (
    TRAINEE,
    TRAINER,
    UNCLAIMED,
    Accounts,
    SignInError,
    Trainee,
    check_pin,
    secret_matches,
)
from cmcourse.core.names import BadName, check_name
from cmcourse.core.outline import load_outline
from cmcourse.html.documents import render
from cmcourse.html.theme import STYLESHEET

log = logging.getLogger("cm101")
T = TypeVar("T")

# How many wrong tries from one address, on any names, before that address waits too.
FREE_TRIES_PER_CLIENT = 5
# A wrong try is answered after this pause, whatever the count: guessing is slow from the start.
PAUSE_AFTER_WRONG = 1.0


@dataclass(frozen=True)
class SignInSettings:
    """How this server signs people in (set by `cmcourse.server` at start)."""

    base_url: str  # "/" or a prefix
    roster_only: bool  # a classroom: only trainees on the trainer's roster
    shared_minutes: int  # sign out after this idle time (0: not a shared device)
    trainer_hash: str  # the trainer passphrase, hashed
    max_kernels: int = 0  # trainees' pages open at once (0: no cap)
    pages: frozenset[str] = frozenset()  # the notebooks served (paths under the root)
    hub: bool = False  # a JupyterHub service: the hub signs people in (server.hubsignin)
    trainers_group: str = "trainers"  # on a hub: its group whose users get the trainer's pages


def app_url(base: str) -> str:
    return f"{base}voila/render/course/index.ipynb"


def report_url(base: str) -> str:
    return f"{base}voila/render/workshop/report.ipynb"


class Base(tornado.web.RequestHandler):
    """What the sign-in handlers share: settings, the accounts file, cookies, the next page."""

    settings_: SignInSettings

    def initialize(self, settings: SignInSettings) -> None:
        self.settings_ = settings
        self._accounts: Accounts | None = None

    @property
    def accounts(self) -> Accounts:
        if self._accounts is None:
            self._accounts = Accounts()
        return self._accounts

    def on_finish(self) -> None:
        if self._accounts is not None:
            self._accounts.close()

    def client(self) -> str:
        return self.request.remote_ip or "unknown"

    def check_origin(self) -> None:
        """A form posted from another site (a page trying to sign someone in or out) is
        refused: a browser names the page's origin on every POST."""
        origin = self.request.headers.get("Origin")
        if origin and (origin == "null" or urlsplit(origin).netloc != self.request.host):
            raise tornado.web.HTTPError(403, "cross-site form")

    def next_url(self, default: str) -> str:
        """The course page to go to after signing in: only a page of this server."""
        wanted = self.get_argument("next", "") or ""
        base = self.settings_.base_url
        if wanted.startswith(f"{base}voila/render/") and "//" not in wanted and "\\" not in wanted:
            return wanted
        return default

    def secure(self) -> bool:
        forwarded = self.request.headers.get("X-Forwarded-Proto", "")
        return self.request.protocol == "https" or forwarded.lower() == "https"

    def give_cookie(self, name: str, token: str) -> None:
        """The session's cookie: HttpOnly, SameSite=Strict, Secure behind HTTPS; on a shared
        device it ends with the browser, elsewhere it lasts as long as the session may."""
        days = None if self.settings_.shared_minutes else 30
        self.set_cookie(
            name,
            token,
            path=self.settings_.base_url,
            expires_days=days,
            httponly=True,
            samesite="Strict",
            secure=self.secure(),
        )

    def forget(self, name: str) -> None:
        self.clear_cookie(name, path=self.settings_.base_url)

    def end(self, cookie: str) -> None:
        """Sign out: end the session this browser's cookie holds, and drop the cookie."""
        self.check_origin()
        token = self.get_cookie(cookie)
        if token:
            self.accounts.end_session(token)
        self.forget(cookie)

    def page(self, status: int = 200, **data: Any) -> None:
        base = self.settings_.base_url
        defaults: dict[str, Any] = {
            "course": load_outline().title,
            "style": Markup(STYLESHEET.read_text(encoding="utf-8")),  # ours, not typed by anyone
            "notice": "",
            "error": "",
            "warning": "",
            "warning_for": "",
            "form": "",
            "name": "",
            "claim": None,
            "next": self.get_argument("next", ""),
            "roster_only": self.settings_.roster_only,
            "shared_minutes": self.settings_.shared_minutes,
            "trainer_url": f"{base}cm101/trainer",
            "trainee_url": f"{base}cm101/sign-in",
        }
        self.set_status(status)
        self.set_header("Cache-Control", "no-store")
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(render("signin.html", **(defaults | data)))


class TraineeSignIn(Base):
    NOTICES: ClassVar[dict[str, str]] = {
        "out": "You have signed out. Your work is saved; the next person can sign in now.",
        "idle": "You were signed out because the course was not used for a while. Your work "
        "is saved: sign in again to continue.",
        "ended": "Your session has ended (your trainer may have given you a new sign-in code). "
        "Your work is saved: please sign in again.",
    }

    def _claimable(self) -> Trainee | None:
        """The record named by this browser's cookie from before sign-in existed, if no one
        has claimed it yet."""
        old = self.get_cookie(identity.OLD_COOKIE)
        trainee = self.accounts.find(old) if old else None
        return trainee if trainee and trainee.kind == UNCLAIMED else None

    def show(self, status: int = 200, **data: Any) -> None:
        self.page(
            status,
            title="Sign in",
            kind="trainee",
            action=f"{self.settings_.base_url}cm101/sign-in",
            claim=None if self.settings_.roster_only else self._claimable(),
            **data,
        )

    def get(self) -> None:
        self.show(notice=self.NOTICES.get(self.get_argument("bye", ""), ""))

    async def post(self) -> None:
        self.check_origin()
        how = self.get_argument("how", "back")
        name = self.get_argument("name", "")
        form = {"form": how, "name": name[:120]}
        try:
            if how == "claim" and (old := self._claimable()):
                pin = check_pin(self.get_argument("pin", ""), self.get_argument("pin2", ""))
                trainee = await _apart(Accounts.claim, old.id, pin)
                self.forget(identity.OLD_COOKIE)
            elif how == "new" and not self.settings_.roster_only:
                trainee = await self._register(name)
            else:
                trainee = await self._check(name, self.get_argument("secret", ""))
        except _Warn as warned:
            self.show(200, warning=str(warned), warning_for=how, **form)
            return
        except (SignInError, BadName) as exc:
            self.show(400, error=str(exc), **form)
            return
        except _Refused as refused:
            self.show(refused.status, error=str(refused), **form)
            return
        token = self.accounts.open_session(TRAINEE, trainee.id)
        self.give_cookie(identity.COOKIE, token)
        log.info("sign-in: %s signed in from %s", trainee.label, self.client())
        self.redirect(self.next_url(app_url(self.settings_.base_url)), status=303)

    async def _register(self, name: str) -> Trainee:
        checked = check_name(name)
        pin = check_pin(self.get_argument("pin", ""), self.get_argument("pin2", ""))
        confirmed = self.get_argument("confirm", "") == "yes"
        if not confirmed:
            if checked.warning:
                raise _Warn(checked.warning)
            if self.accounts.named(checked.text):
                raise _Warn(
                    f"Someone called {checked.text} is already taking this course. If that is "
                    "you, use “I have been here before” with your PIN (your trainer can give "
                    "you a new code if you have forgotten it). If you are another person of the "
                    "same name, confirm below: you will get a record of your own."
                )
        return await _apart(Accounts.register, checked.text, pin)

    async def _check(self, name: str, secret: str) -> Trainee:
        checked = check_name(name)
        who, client = f"name:{checked.key}", f"client:{self.client()}"
        wait = max(self.accounts.wait(who), self.accounts.wait(client, FREE_TRIES_PER_CLIENT))
        if wait > 0:
            raise _Refused(429, _wait_message(wait))
        if not secret.strip():
            raise SignInError("Please type your PIN or sign-in code.")
        trainee = await _apart(Accounts.check, checked.text, secret)
        if trainee is None:
            self.accounts.failed(who, self.client())
            self.accounts.failed(client, self.client())
            log.warning("sign-in: a wrong PIN or code for a name, from %s", self.client())
            await asyncio.sleep(PAUSE_AFTER_WRONG)
            if self.settings_.roster_only:
                hint = " as they are written on your card, and try again."
            elif self.accounts.named(checked.text):
                hint = " and try again."
            else:
                hint = " and try again: if you are new here, use “Start here” instead."
            raise _Refused(
                401, "That name and sign-in code (or PIN) do not match. Check both" + hint
            )
        if self.settings_.roster_only and not trainee.roster:
            raise _Refused(403, "This course is for the trainees on the trainer's list.")
        self.accounts.forgive(who)
        return trainee


class TraineeSignOut(Base):
    def post(self) -> None:
        self.end(identity.COOKIE)
        self.forget(identity.OLD_COOKIE)
        # Nothing of the person before stays in this browser: its cache and storage go too.
        self.set_header("Clear-Site-Data", '"cache", "storage"')
        why = "idle" if self.get_argument("why", "") == "idle" else "out"
        self.redirect(
            f"{self.settings_.base_url}cm101/sign-in?{urlencode({'bye': why})}", status=303
        )


class TrainerSignIn(Base):
    def show(self, status: int = 200, **data: Any) -> None:
        self.page(
            status,
            title="Trainer sign-in",
            kind="trainer",
            action=f"{self.settings_.base_url}cm101/trainer",
            **data,
        )

    def get(self) -> None:
        self.show()

    async def post(self) -> None:
        self.check_origin()
        wait = self.accounts.wait("trainer")
        if wait > 0:
            self.show(429, error=_wait_message(wait))
            return
        typed = self.get_argument("passphrase", "")
        right = await asyncio.get_running_loop().run_in_executor(
            _HASHING, secret_matches, typed.strip(), self.settings_.trainer_hash
        )
        if not right:
            self.accounts.failed("trainer", self.client())
            log.warning("trainer sign-in: a wrong passphrase from %s", self.client())
            await asyncio.sleep(PAUSE_AFTER_WRONG)
            self.show(401, error="That passphrase is not right. Please check it and try again.")
            return
        self.accounts.forgive("trainer")
        self.give_cookie(identity.TRAINER_COOKIE, self.accounts.open_session(TRAINER))
        log.info("trainer sign-in from %s", self.client())
        self.redirect(self.next_url(report_url(self.settings_.base_url)), status=303)


class TrainerSignOut(Base):
    def post(self) -> None:
        self.end(identity.TRAINER_COOKIE)
        self.redirect(f"{self.settings_.base_url}cm101/trainer", status=303)


def plain_page(base: str, title: str, message: str) -> str:
    """A page that only says something (a page the course does not have), in the sign-in
    page's dress, with the way to the course."""
    return render(
        "signin.html",
        course=load_outline().title,
        style=Markup(STYLESHEET.read_text(encoding="utf-8")),
        title=title,
        kind="plain",
        message=message,
        notice="",
        error="",
        retry=app_url(base),
    )


def full_page(base: str) -> str:
    """What a trainee sees when the classroom server holds as many as it was set to."""
    return render(
        "signin.html",
        course=load_outline().title,
        style=Markup(STYLESHEET.read_text(encoding="utf-8")),
        title="The course is full just now",
        kind="full",
        notice="",
        error="",
        retry=f"{base}voila/render/course/index.ipynb",
    )


class _Warn(Exception):
    """Something to confirm before going on (a look-alike name, a name already taken)."""


class _Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


# One thread hashes secrets, one at a time: scrypt takes 16 MB for each hash in progress, and
# each thread of a pool keeps its own arena of it (bench_load --serve 30: the server held
# 261 MB with asyncio's default pool, 166 MB with this one; 136 MB before sign-in existed).
_HASHING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cm101-hash")


async def _apart(method: Callable[..., T], *args: Any) -> T:
    """An accounts call that hashes a secret (scrypt, some 50 ms on purpose) off the server's
    loop, with a connection of its own, so thirty trainees signing in at once never stall the
    loop (every open page's connection runs on it)."""

    def run() -> T:
        accounts = Accounts()
        try:
            return method(accounts, *args)
        finally:
            accounts.close()

    return await asyncio.get_running_loop().run_in_executor(_HASHING, run)


def _wait_message(seconds: float) -> str:
    whole = max(1, round(seconds + 0.49))
    unit = "second" if whole == 1 else "seconds"
    return (
        f"Too many wrong tries: please wait {whole} {unit}, then try again. (Each wrong try "
        "makes the wait longer, to stop guessing.)"
    )


def handlers(settings: SignInSettings) -> list[tuple[str, type, dict]]:
    base = settings.base_url
    kw = {"settings": settings}
    return [
        (f"{base}cm101/sign-in", TraineeSignIn, kw),
        (f"{base}cm101/sign-out", TraineeSignOut, kw),
        (f"{base}cm101/trainer", TrainerSignIn, kw),
        (f"{base}cm101/trainer/sign-out", TrainerSignOut, kw),
    ]
