"""The course server: Voilà with the course's sign-in in front of its pages.

    python -m cmcourse.server <Voilà's arguments> [--CourseVoila.roster_only=True]

Every page of the course opens for a signed-in trainee only, the trainer's pages
(`workshop/`) for the signed-in trainer only; anyone else is sent to the sign-in page, and no
kernel starts for them. `/` leads to the course.

Only the course's own pages are served: the app, the pages of the outline and the trainer's
pages. No folder is listed, no other notebook is rendered (the nbgrader sources, the
benchmarks' pages), no file is served from the folder, and a page's template or theme cannot be
chosen from its address.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlencode

import tornado.web
from jupyter_core.utils import ensure_async
from jupyter_server.services.kernels.handlers import KernelHandler
from traitlets import Bool, Int, List, Unicode
from voila.app import Voila
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.tornado.contentshandler import VoilaContentsHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler

from cmcourse.core import identity
from cmcourse.core.accounts import TRAINEE, TRAINER, Accounts, hash_secret
from cmcourse.server import hubsignin, signin
from cmcourse.server.signin import SignInSettings

PASSPHRASE_VARIABLE = "CM101_TRAINER_PASSPHRASE"
_COMMON = ("password", "passphrase", "changeme", "letmein", "trainer", "cm101", "123456", "qwerty")


def weak(passphrase: str) -> str | None:
    """Why a trainer passphrase is too weak to guard trainees' work, or None."""
    text = passphrase.strip()
    if len(text) < 12:
        return "it is shorter than 12 characters"
    if len(set(text.casefold())) < 6:
        return "it uses fewer than 6 different characters"
    if any(word in text.casefold() for word in _COMMON):
        return "it contains a word every guesser tries first"
    return None


def new_passphrase() -> str:
    """Five pronounceable groups (about 63 bits): 'tiro-bafe-kuno-mida-pelu'."""
    consonants, vowels = "bdfghjklmnprstvz", "aeiou"
    syllable = lambda: secrets.choice(consonants) + secrets.choice(vowels)  # noqa: E731
    return "-".join(syllable() + syllable() for _ in range(5))


class Owner(NamedTuple):
    """Whose a page's kernel is: the session of the browser that opened the page, the person
    (a trainee's id, or a trainer's session: on a hub several trainers share the role), and
    their role (the trainer's pages take no place of the classroom's cap on trainees)."""

    session: str
    person: str
    role: str


# Each page's kernel's owner. Voilà's kernel routes (the page's websocket, the kernel's API, its
# shutdown) ask for nothing but the kernel's id, which every account of a shared machine reads
# in the kernel's command line: here they open for that browser alone (OwnKernel).
_OWNERS: dict[str, Owner] = {}
NOBODY = Owner("", "", "")  # before the sign-in is checked: a kernel nobody reaches
# Page kernels one person keeps at once (a few tabs): opening one more ends their oldest, so
# nobody can fill the server's memory by asking for the course page again and again.
KERNELS_EACH = 4


class _Claiming:
    """The server's kernel manager as one page request sees it: each kernel it starts, or
    hands over from those kept waiting, becomes the kernel of that request's session."""

    def __init__(self, manager: Any, owner: Owner) -> None:
        self._manager, self._owner = manager, owner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._manager, name)

    async def _claim(self, kernel_id: str) -> None:
        running = set(self._manager.list_kernel_ids())
        for gone in set(_OWNERS) - running:
            del _OWNERS[gone]
        _OWNERS[kernel_id] = self._owner
        theirs = [k for k, owner in _OWNERS.items() if owner.person == self._owner.person]
        for oldest in theirs[:-KERNELS_EACH]:
            del _OWNERS[oldest]
            await ensure_async(self._manager.shutdown_kernel(oldest))

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:
        kernel_id = await ensure_async(self._manager.start_kernel(*args, **kwargs))
        await self._claim(kernel_id)
        return kernel_id

    async def get_rendered_notebook(self, *args: Any, **kwargs: Any) -> Any:
        task, rendered, kernel_id = await self._manager.get_rendered_notebook(*args, **kwargs)
        await self._claim(kernel_id)
        return task, rendered, kernel_id


def owns_kernel(handler: tornado.web.RequestHandler, kernel_id: str) -> bool:
    """Whether this request comes from the browser whose page started the kernel."""
    session = _OWNERS.get(kernel_id, NOBODY).session
    return bool(session) and any(
        secrets.compare_digest(session.encode(), (handler.get_cookie(name) or "").encode())
        for name in (identity.COOKIE, identity.TRAINER_COOKIE)
    )


class CourseVoilaHandler(TornadoVoilaHandler):
    """Voilà's page handler, for signed-in people only."""

    def initialize(self, sign_in: SignInSettings, **kwargs: Any) -> None:
        super().initialize(**kwargs)
        self.sign_in = sign_in
        self.owner = NOBODY  # whose a kernel started for this page is

    @property
    def kernel_manager(self) -> Any:
        return _Claiming(self.settings["kernel_manager"], self.owner)

    async def _role(self, cookie: str) -> str | None:
        """The role of this browser's live session in `cookie`, or None. On a hub, a session
        the hub no longer vouches for (signed out there, removed, another person, a trainer
        no longer in the trainers' group) ends here. A live one is kept, with whose it is, as
        the owner of the kernel this page starts."""
        token = self.get_cookie(cookie)
        if not token:
            return None
        accounts = Accounts()
        try:
            session = accounts.session(token, identity.idle_seconds())
            if session is not None and self.sign_in.hub:
                user = await hubsignin.hub_user(self)
                if not hubsignin.session_matches(session, user, self.sign_in):
                    accounts.end_session(token)
                    return None
            if session is None:
                return None
            person = session.trainee.id if session.trainee else token
            self.owner = Owner(token, person, session.role)
            return session.role
        finally:
            accounts.close()

    async def get(self, path: str | None = None) -> Any:
        base = self.sign_in.base_url
        if (path or "") not in self.sign_in.pages:
            self.set_status(404)
            self.finish(
                signin.plain_page(
                    base,
                    "No such page",
                    "The course has no page at this address (the link may be mistyped, or "
                    "from another version of the course).",
                )
            )
            return None
        if any(self.get_query_argument(arg, None) is not None for arg in OVERRIDES):
            self.set_status(400)
            self.finish(
                signin.plain_page(
                    base,
                    "This address asks for another layout",
                    "The course's pages have one layout: open the page without the "
                    "template or theme part of its address.",
                )
            )
            return None
        for_trainer = (path or "").startswith("workshop/")
        if for_trainer and await self._role(identity.TRAINER_COOKIE) != TRAINER:
            self.redirect(f"{base}cm101/trainer?{_next(self.request.uri)}")
            return None
        if not for_trainer and await self._role(identity.COOKIE) != TRAINEE:
            why = "&bye=ended" if self.get_cookie(identity.COOKIE) else ""
            self.redirect(f"{base}cm101/sign-in?{_next(self.request.uri)}{why}")
            return None
        if not for_trainer and self._full():
            self.set_status(503)
            self.set_header("Retry-After", "60")
            self.finish(signin.full_page(base))
            return None
        return await super().get(path=path)

    def _full(self) -> bool:
        """As many trainees' pages are open as the server was set to hold (the kernels kept
        waiting for the next trainees do not count)."""
        cap = self.sign_in.max_kernels
        if not cap:
            return False
        running = set(self.kernel_manager.list_kernel_ids())
        pages = [k for k, owner in _OWNERS.items() if k in running and owner.role == TRAINEE]
        return len(pages) >= cap


OVERRIDES = ("template", "theme", "voila-template", "voila-theme")


class OwnKernel(tornado.web.RequestHandler):
    """Voilà's routes to a kernel by its id, for the browser whose page it is (_OWNERS)."""

    async def prepare(self, *args: Any, **kwargs: Any) -> None:
        kernel_id = self.path_kwargs.get("kernel_id") or next(iter(self.path_args), "")
        if not owns_kernel(self, kernel_id):
            raise tornado.web.HTTPError(403)
        await ensure_async(super().prepare(*args, **kwargs))


class OwnKernelWebsocket(OwnKernel, VoilaKernelWebsocketHandler):
    pass


class OwnKernelAPI(OwnKernel, KernelHandler):
    pass


class OwnKernelShutdown(OwnKernel, VoilaShutdownKernelHandler):
    pass


GUARDED = {
    VoilaKernelWebsocketHandler: OwnKernelWebsocket,
    KernelHandler: OwnKernelAPI,
    VoilaShutdownKernelHandler: OwnKernelShutdown,
}


def served_pages(extra: list[str] | None = None) -> frozenset[str]:
    """The notebooks this server renders, as paths under its root."""
    from cmcourse.core.outline import APP_PATH, MAP_PATH, load_outline
    from cmcourse.trainer.gate import TRAINER_PAGES

    return frozenset(
        [APP_PATH, MAP_PATH]
        + [p.path for p in load_outline().pages()]
        + [f"workshop/{page}" for _, page in TRAINER_PAGES]
        + (extra or [])
    )


def _next(uri: str | None) -> str:
    return urlencode({"next": uri or ""})


class ToTheCourse(tornado.web.RequestHandler):
    def initialize(self, url: str) -> None:
        self.url = url

    def get(self, *_: Any, **__: Any) -> None:
        self.redirect(self.url)


class CourseVoila(Voila):
    """Voilà, with the course's sign-in."""

    name = "cm101-server"
    roster_only = Bool(False, help="Only trainees on the trainer's roster may sign in.").tag(
        config=True
    )
    shared_minutes = Int(
        0, help="Sign a trainee out after this many idle minutes (0: not shared devices)."
    ).tag(config=True)
    max_kernels = Int(
        0, help="Trainees served at once (0: no cap); past it a page says the course is full."
    ).tag(config=True)
    extra_pages = List(
        Unicode(), help="Notebooks served besides the course's (the benchmarks' bare page)."
    ).tag(config=True)
    hub = Bool(
        False,
        help="Served as a JupyterHub service (hub/jupyterhub_config.py): the hub signs people "
        "in; the course's own names, PINs and trainer passphrase are not used.",
    ).tag(config=True)
    trainers_group = Unicode(
        "trainers", help="On a hub: the hub group whose users get the trainer's pages."
    ).tag(config=True)

    def _trainer_hash(self) -> str:
        """The trainer passphrase: the one given at start (refused when weak), or a new one,
        printed. It is taken out of the environment, so no page's kernel inherits it."""
        given = os.environ.pop(PASSPHRASE_VARIABLE, "").strip()
        if given:
            reason = weak(given)
            if reason:
                sys.exit(
                    f"The trainer passphrase in {PASSPHRASE_VARIABLE} is too weak ({reason}). "
                    "Choose a longer one (four or more words, for example), or leave it unset "
                    "and the server makes one and prints it."
                )
            return hash_secret(given)
        made = new_passphrase()
        print(
            f"\nTrainer passphrase for this run (the trainer's report and live view): {made}\n"
            f"(To choose your own: {PASSPHRASE_VARIABLE}=... make serve)\n",
            flush=True,
        )
        return hash_secret(made)

    def _outside_what_is_served(self) -> None:
        """A classroom serves the room's network: trainees' progress and hand-ins must not be
        inside the folder it serves."""
        from cmcourse.assignments.submit import workshop_dir
        from cmcourse.core.store import data_dir

        for what, folder in (("progress", data_dir()), ("hand-ins", workshop_dir())):
            if folder.resolve().is_relative_to(Path(self.root_dir).resolve()):
                sys.exit(
                    f"The trainees' {what} would be kept in {folder}, inside the folder the "
                    "course serves to the room. Set CM101_DATA_DIR and CM101_WORKSHOP_DIR to "
                    "folders outside it."
                )

    def start(self) -> None:
        if self.roster_only or self.hub:
            self._outside_what_is_served()
        if self.hub:
            hubsignin.connect()
            # Progress files readable by the group of their folder (the hub's live view), by
            # nobody else; the kernels inherit this.
            os.umask(0o027)
        os.environ["CM101_SHARED_DEVICE_MINUTES"] = str(self.shared_minutes)  # for the kernels
        self.sign_in = SignInSettings(
            base_url=self.base_url,
            roster_only=self.roster_only,
            shared_minutes=self.shared_minutes,
            # On a hub nobody signs in with a passphrase: one nobody knows.
            trainer_hash=hash_secret(new_passphrase()) if self.hub else self._trainer_hash(),
            max_kernels=self.max_kernels,
            pages=served_pages(self.extra_pages),
            hub=self.hub,
            trainers_group=self.trainers_group,
        )
        accounts = Accounts()
        try:
            added = accounts.migrate()
        finally:
            accounts.close()
        if added:
            self.log.info("sign-in: %d progress files from before sign-in can be claimed", added)
        super().start()

    def init_handlers(self) -> list:
        handlers = []
        for handler in super().init_handlers():
            pattern, target, *options = handler
            if target is TornadoVoilaHandler:
                handler = (pattern, CourseVoilaHandler, {**options[0], "sign_in": self.sign_in})
            elif target is TornadoVoilaTreeHandler:  # no folder is listed: to the course
                handler = (pattern, ToTheCourse, {"url": signin.app_url(self.base_url)})
            elif target is VoilaContentsHandler:  # the tree's listing API: no listing either
                handler = (pattern, tornado.web.ErrorHandler, {"status_code": 404})
            elif target in GUARDED:
                handler = (pattern, GUARDED[target], *options)
            handlers.append(handler)
        own = hubsignin.handlers if self.hub else signin.handlers
        return own(self.sign_in) + handlers


main = CourseVoila.launch_instance
