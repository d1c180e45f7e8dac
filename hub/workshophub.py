"""The CM 101 hub on one machine: one system account per trainee, the accounts of the course
and the live view, who may read what, the exchange, the Python the accounts run. Loaded by
hub/jupyterhub_config.py (the hub runs as root); the sign-in is in workshopauth.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import grp
import os
import pwd
import resource
import shutil
import stat
import sys
import tempfile
import threading
import time
from pathlib import Path

import accounts
import workshopauth
from jupyterhub.spawner import LocalProcessSpawner, set_user_setuid
from tornado import web
from traitlets import Unicode

from cmcourse.assignments import collect

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_EXCHANGE = "/srv/nbgrader/exchange"  # nbgrader's own default: trainers' commands agree


class WorkshopSpawner(LocalProcessSpawner):
    """The trainee's server as their own system account `cm101-<name>` (LocalProcessSpawner,
    not SimpleLocalProcessSpawner: only separate system accounts keep one trainee's files out
    of another's reach, whatever code runs in their kernels)."""

    state = Unicode(help="The hub's state folder").tag(config=True)
    exchange = Unicode(DEFAULT_EXCHANGE, help="The nbgrader exchange folder").tag(config=True)
    venv = Unicode(
        help="The hub's environment: its Jupyter data and settings (extensions, templates)"
    ).tag(config=True)

    def _state(self) -> Path:
        return Path(self.state) if self.state else workshopauth.state_dir()

    @property
    def system_user(self) -> str:
        return accounts.system_name(self.user.name)

    @property
    def home(self) -> Path:
        return accounts.home_of(self.user.name, self._state())

    @property
    def runtime_dir(self) -> Path:
        return self._state() / "run" / self.user.name

    def make_preexec_fn(self, name):
        become = set_user_setuid(accounts.system_name(name))

        def preexec() -> None:
            # Processes and threads of the trainee's account, all of theirs together: a loop
            # of forks in a notebook stops there, not with the machine (memory needs cgroups:
            # hub/README.md, "How many trainees").
            resource.setrlimit(resource.RLIMIT_NPROC, (PROCESSES_EACH, PROCESSES_EACH))
            become()

        return preexec

    def user_env(self, env):
        env["USER"] = self.system_user
        env["HOME"] = str(self.home)
        env["SHELL"] = "/bin/sh"
        return env

    def get_env(self):
        env = super().get_env()
        env["CM101_EXCHANGE"] = self.exchange
        # nbgrader and Jupyter settings for trainees (exchange, course id, no instructor tools).
        venv = Path(self.venv or sys.prefix)
        env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
            [str(ROOT / "hub" / "trainee"), str(venv / "etc" / "jupyter")]
        )
        # The Jupyter data of the hub's environment (JupyterLab's and nbgrader's extensions),
        # also when trainees run the Python made by hub_python().
        env["JUPYTER_PATH"] = str(venv / "share" / "jupyter")
        # `python` and the scripts next to it are the trainees' own Python (see hub_python).
        python_bin = str(Path(self.cmd[0]).parent)
        env["PATH"] = os.pathsep.join([python_bin, env.get("PATH", os.defpath)])
        # Kernel sockets (see --KernelManager.transport): a short path, as socket paths must be.
        env["JUPYTER_RUNTIME_DIR"] = str(self.runtime_dir)
        return env

    def prepare(self) -> None:
        """The trainee's private folders, made as root before their server starts."""
        if not accounts.is_workshop_account(self.system_user):
            raise web.HTTPError(
                403,
                f"{self.user.name} has no workshop system account: the trainer runs "
                "hub/accounts.py create with this name first.",
            )
        state = self._state()
        accounts.passage_dir(state)
        accounts.private_dir(self.home, self.system_user)
        accounts.passage_dir(state / "run")
        accounts.private_dir(self.runtime_dir, self.system_user)
        # Who hands in as this trainee, for collecting: their account's user id.
        collect.write_owner(
            Path(self.exchange) / COURSE_ID, self.user.name, pwd.getpwnam(self.system_user).pw_uid
        )

    async def start(self):
        self.prepare()
        return await super().start()

    async def stop(self, now=False):
        """Stop the server, then remove its kernels' connection files and sockets, which a
        stopped server leaves behind (the next start makes the folder anew). rmtree follows no
        link the trainee may have put there; the folder itself sits in a root-owned one."""
        await super().stop(now=now)
        # In a thread: a folder a trainee filled with files would hold the hub up meanwhile.
        await asyncio.to_thread(shutil.rmtree, self.runtime_dir, ignore_errors=True)


COURSE_ID = "cm101"  # as hub/trainee/nbgrader_config.py
PROCESSES_EACH = 512  # a trainee's server, its kernels and their threads use some 60
# The course's folders in the exchange, as nbgrader's release commands make them: released
# assignments readable by all, hand-ins writable but not listable, feedback reachable by name.
# owners/ holds who is who for collecting (cmcourse/assignments/collect.py), written by root.
EXCHANGE_FOLDERS = {
    "": 0o755,
    "outbound": 0o755,
    "inbound": 0o2733,
    "feedback": 0o711,
    "owners": 0o755,
}


def prepare_exchange(root: str | Path, course_id: str = COURSE_ID) -> Path | None:
    """The nbgrader exchange, root-owned with the sticky bit (nbgrader makes it writable by all;
    without the sticky bit a trainee could move the course's folder aside), and the course's
    own folders in it, made now rather than at the first release: a trainee who made them
    first could block releases or hand out their own notebooks. Whatever a trainee put in their
    place (a folder, a link) is moved aside into a folder only root may enter; nothing is made
    or changed through a path a trainee can still alter. Returns where it was moved (the last
    one, if several). hub/z2jh/values.yaml's cm101-exchange container does the same."""
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    os.chown(path, 0, 0)
    path.chmod(0o1777)
    course = path / course_id
    moved = None
    for _ in range(3):
        if _not_roots(course):
            moved = _move_aside(course, path)
        if not os.path.lexists(course):
            # Made where nobody else may enter, then put in place in one step: a folder or
            # link a trainee made meanwhile makes the rename fail (an empty folder is replaced).
            made = Path(tempfile.mkdtemp(prefix=f".{course_id}-new-", dir=path))
            made.chmod(EXCHANGE_FOLDERS[""])
            try:
                os.rename(made, course)
            except OSError:
                made.rmdir()
        if not os.path.lexists(course) or _not_roots(course):
            continue  # a trainee made one again since the check
        break
    else:
        raise RuntimeError(
            f"{course} is made again each time it is moved aside: is someone racing?"
        )
    # Root's now, and in a folder with the sticky bit: no trainee can move or replace it.
    course.chmod(EXCHANGE_FOLDERS[""])
    # Root's and writable by root alone: what is in it stays as checked.
    for sub, mode in EXCHANGE_FOLDERS.items():
        if not sub:
            continue
        folder = course / sub
        if _not_roots(folder):
            moved = _move_aside(folder, path)
        if not os.path.lexists(folder):
            folder.mkdir()
        folder.chmod(mode)
    return moved


def _not_roots(folder: Path) -> bool:
    """True if something is at `folder` and it is not a real folder of root's."""
    try:
        info = folder.lstat()
    except FileNotFoundError:
        return False
    return stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode) or info.st_uid != 0


def _move_aside(what: Path, exchange: Path) -> Path:
    """`what` (a folder or a link) moved into a new folder only root may enter. Made root's
    first, where it is (not followed): then no trainee can move, replace or enter it."""
    os.lchown(what, 0, 0)
    if not what.is_symlink():
        what.chmod(0o700)
    aside = Path(tempfile.mkdtemp(prefix=".cm101-moved-aside-", dir=exchange))
    os.rename(what, aside / what.name)
    return aside / what.name


# -- the course and the live view: accounts of their own --------------------------------------
# The course (cmcourse.server as the hub service cm101-course) reads the question bank and
# checks answers; trainees' accounts may not read either. The live view reads the course's
# progress files, and nothing a trainee can write.
COURSE_ACCOUNT = "cm101-course"
LIVE_ACCOUNT = "cm101-live"
KEY_GROUP = "cm101-keys"  # may read the repository's course, key and solutions: the two above
# What trainees' accounts may read in the repository: the code their servers and assignment
# kernels run, and the hub's settings for them. Everything else at its top (the course's pages
# and question bank, case studies, supervision tools, nbgrader's sources, gradebook and
# hand-ins, the tests, git's history, builds) is readable by root and KEY_GROUP only, what is
# added to it later too.
OPEN_TO_TRAINEES = frozenset({".venv", "cmcourse", "cmsim", "hub"})


def course_data(state: Path) -> Path:
    """The course service's folder: its home, its accounts file and the trainees' progress."""
    return state / "course"


def live_home(state: Path) -> Path:
    return state / "live"


def _run(*cmd: str) -> None:
    import subprocess

    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr.strip() or done.stdout.strip()}")


def service_account(name: str, home: Path) -> pwd.struct_passwd:
    """A system account of the hub's own (no password, no login shell) in KEY_GROUP, made if
    missing. Never a workshop account: a trainee's server never runs as it, nor it as one."""
    try:
        grp.getgrnam(KEY_GROUP)
    except KeyError:
        _run("groupadd", "--system", KEY_GROUP)
    try:
        pwd.getpwnam(name)
    except KeyError:
        _run(
            "useradd", "--system", "--user-group", "--home-dir", str(home), "--no-create-home",
            "--shell", "/usr/sbin/nologin", "--comment", "CM 101 hub service", name,
        )  # fmt: skip
    if accounts.is_workshop_account(name) or pwd.getpwnam(name).pw_uid == 0:
        raise SystemExit(f"The system account {name} is a workshop account: rename it first.")
    if name not in grp.getgrnam(KEY_GROUP).gr_mem:
        _run("usermod", "--append", "--groups", KEY_GROUP, name)
    if pwd.getpwnam(name).pw_dir != str(home):  # made by a hub with another state folder
        _run("usermod", "--home", str(home), name)
    return pwd.getpwnam(name)


def prepare_services(state: Path) -> None:
    """The accounts of the course and the live view, and their folders: the course's own
    (the live view may pass through it, no one else), the progress in it readable by the live
    view's group (the folder keeps its group for the files the course makes in it: setgid)."""
    course = service_account(COURSE_ACCOUNT, course_data(state))
    live = service_account(LIVE_ACCOUNT, live_home(state))
    accounts.passage_dir(state)
    # Inside its own folder an account may have put a link where a folder or a file is
    # expected: root works there through descriptors opened without following links only.
    top = os.open(state, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    data = _own_folder(top, course_data(state).name, course.pw_uid, live.pw_gid, 0o710)
    live_fd = _own_folder(top, live_home(state).name, live.pw_uid, live.pw_gid, 0o700)
    os.close(_own_folder(data, "trainees", course.pw_uid, live.pw_gid, 0o2750))
    for home, owner in ((data, course), (live_fd, live)):
        fonts = _own_folder(home, "matplotlib", owner.pw_uid, owner.pw_gid, 0o700)
        for found in (state / "matplotlib").glob("fontlist-*.json"):  # about 10 s saved
            _own_file(fonts, found.name, found.read_bytes(), owner.pw_uid, owner.pw_gid)
        os.close(fonts)
        os.close(home)
    os.close(top)


def _own_folder(parent: int, name: str, uid: int, gid: int, mode: int) -> int:
    """The folder `name` in the folder open as `parent`, made if missing, owned and moded
    through its own descriptor (returned); a link or file in its place is removed first."""
    for _ in range(3):
        try:
            fd = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=parent)
        except FileNotFoundError:
            with contextlib.suppress(FileExistsError):
                os.mkdir(name, 0o700, dir_fd=parent)
            continue
        except OSError as error:
            if error.errno not in (errno.ELOOP, errno.ENOTDIR):
                raise
            os.unlink(name, dir_fd=parent)  # a link or a file, put there by the folder's owner
            continue
        os.fchown(fd, uid, gid)
        os.fchmod(fd, mode)
        return fd
    raise SystemExit(f"The hub could not make its folder {name}: something keeps replacing it.")


def _own_file(folder: int, name: str, content: bytes, uid: int, gid: int) -> None:
    """`content` written to `name` in the folder open as `folder`, never through a link."""
    try:
        os.unlink(name, dir_fd=folder)  # whatever was there (a link is removed, not followed)
    except FileNotFoundError:
        pass
    except IsADirectoryError:
        shutil.rmtree(name, dir_fd=folder)
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600, dir_fd=folder)
    with os.fdopen(fd, "wb") as out:
        out.write(content)
        os.fchown(out.fileno(), uid, gid)


def lock_repository(root: Path = ROOT) -> list[str]:
    """Everything at the repository's top but OPEN_TO_TRAINEES readable by its owner and
    KEY_GROUP only (group read, never write; others nothing). Returns what it changed."""
    group = grp.getgrnam(KEY_GROUP).gr_gid
    locked = []
    for entry in sorted(root.iterdir()):
        if entry.name in OPEN_TO_TRAINEES or entry.is_symlink():
            continue
        info = entry.lstat()
        mode = info.st_mode & 0o7777
        readable = 0o050 if stat.S_ISDIR(info.st_mode) else 0o040 | (0o010 if mode & 0o100 else 0)
        if info.st_gid == group and mode == (mode & ~0o077) | readable:
            continue  # already so
        os.lchown(entry, -1, group)
        entry.chmod((mode & ~0o077) | readable)
        locked.append(entry.name)
    return locked


def keep_locked(root: Path = ROOT, every: float = 2.0) -> threading.Thread:
    """lock_repository now, and again every `every` seconds while the hub runs: what a trainer
    adds at the repository's top meanwhile (`make scorm` writes build/, whose package carries
    the key) is out of trainees' reach within seconds, not at the hub's next start."""
    lock_repository(root)

    def again() -> None:
        while True:
            time.sleep(every)
            try:
                lock_repository(root)
            except OSError as problem:  # an entry removed while looked at: the next round
                print(f"Locking the repository: {problem}", file=sys.stderr)

    thread = threading.Thread(target=again, name="cm101-keep-locked", daemon=True)
    thread.start()
    return thread


def usable_by_others(python: str) -> bool:
    """True if an account other than root can run `python` (and reach its standard library)."""
    import subprocess

    try:
        done = subprocess.run(
            [python, "-c", "import encodings, json"],
            user="nobody",
            cwd="/",
            capture_output=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def hub_python(state: Path) -> str:
    """The Python the hub's accounts run (trainees' servers, the course, the live view): the
    hub's own if they can run it, else a small environment in <state>/python made from the
    system's Python of the same version, loading the hub's packages. (A Python installed
    under root's private home, as pyenv does, cannot be run by the hub's accounts.)"""
    import subprocess
    import sysconfig

    if usable_by_others(sys.executable):
        return sys.executable
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    base = shutil.which(version, path="/usr/local/bin:/usr/bin:/bin")
    if not base or not usable_by_others(base):
        raise SystemExit(
            f"The trainees' accounts cannot run this Python ({sys.executable}) and there is no "
            f"system {version} they can run. Install {version} from the system's packages, or "
            "make the .venv from a Python outside root's home: PYTHON=/usr/bin/python3.11 "
            "make setup."
        )
    runtime = state / "python"
    subprocess.run([base, "-m", "venv", "--without-pip", "--clear", str(runtime)], check=True)
    site = runtime / "lib" / version / "site-packages"
    packages = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    # addsitedir (not a bare path) so the packages' own .pth files, e.g. the editable
    # install of this repository, are read too.
    lines = [f"import site; site.addsitedir({p!r})" for p in sorted(packages)]
    (site / "cm101-hub.pth").write_text("\n".join(lines) + "\n")
    for path in [runtime, *runtime.rglob("*")]:
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644)
    return str(runtime / "bin" / "python")


def build_font_cache(state: Path, python: str) -> None:
    """Matplotlib's font list in <state>/matplotlib, made once (copied into each new home):
    copied from the hub's own cache (`make setup` builds it), else built (about 10 s)."""
    import subprocess

    seed = state / "matplotlib"
    if any(seed.glob("fontlist-*.json")):
        return
    seed.mkdir(parents=True, exist_ok=True)
    found = subprocess.run(
        [python, "-c", "import matplotlib; print(matplotlib.get_cachedir())"],
        env=os.environ | {"MPLBACKEND": "Agg"},
        capture_output=True,
        text=True,
        check=False,
    )
    own = Path(found.stdout.strip() or "/nonexistent")
    for fontlist in own.glob("fontlist-*.json"):
        shutil.copy(fontlist, seed / fontlist.name)
    if any(seed.glob("fontlist-*.json")):
        return
    subprocess.run(
        [python, "-c", "import matplotlib.font_manager"],
        env=os.environ | {"MPLCONFIGDIR": str(seed), "MPLBACKEND": "Agg"},
        check=False,
        timeout=300,
    )
