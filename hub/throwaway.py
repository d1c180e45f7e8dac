"""A throwaway workshop hub for tests and benchmarks: fresh accounts in a temporary folder, the
hub on 127.0.0.1 with free ports, and at the end every process it started stopped and the
accounts and folders removed. Run as root (as the hub itself).

    with ThrowawayHub(trainers=["sara-1a2b"], trainees=["amina-1a2b"]) as hub:
        hub.url, hub.passwords["amina-1a2b"], hub.state, hub.exchange
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import accounts
import psutil

from cmcourse.core.serve import free_port

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


class ThrowawayHub:
    def __init__(
        self,
        trainers: list[str],
        trainees: list[str],
        log: Path | None = None,
        env: dict[str, str] | None = None,
    ):
        self.trainers, self.trainees = trainers, trainees
        self.names = [*trainers, *trainees]
        self.env = env or {}
        # Not under pytest's or root's private temporary folders: trainees pass through it.
        self.state = Path(tempfile.mkdtemp(prefix="cm101-hub-"))
        self.state.chmod(0o711)
        self.exchange = Path(tempfile.mkdtemp(prefix="cm101-exchange-"))
        self.log = log or self.state / "hub" / "test.log"
        # HTTPS when the hub is given a certificate (hubtls.py); the tests trust that one.
        self.cafile = self.env.get("CM101_HUB_SSL_CERT")
        self.url = f"{'https' if self.cafile else 'http'}://127.0.0.1:{free_port()}"
        self.passwords: dict[str, str] = {}
        self.proc: subprocess.Popen | None = None
        self._family: list[psutil.Process] = []

    def __enter__(self) -> ThrowawayHub:
        try:
            self.start()
        except BaseException:
            self.remove()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()

    def start(self, seconds: float = 120) -> None:
        workshop = accounts.WorkshopFile(
            workshop="Throwaway", trainers=self.trainers, trainees=self.trainees
        )
        self.passwords = {m.name: m.password for m in accounts.create(workshop, self.state)}
        self.log.parent.mkdir(parents=True, exist_ok=True)
        env = os.environ | {
            "CM101_HUB_STATE": str(self.state),
            "CM101_HUB_PORT": self.url.rsplit(":", 1)[1],
            "CM101_EXCHANGE": str(self.exchange),
            "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
            **self.env,
        }
        with self.log.open("w") as out:
            self.proc = subprocess.Popen(
                [str(BIN / "jupyterhub"), "-f", str(HERE / "jupyterhub_config.py")],
                cwd=self.state,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        if not self.wait_until_up(seconds):
            raise RuntimeError(f"the hub did not start:\n{self.log.read_text()[-3000:]}")

    def wait_until_up(self, seconds: float) -> bool:
        """True once the hub answers; False after `seconds` or as soon as it has stopped."""
        context = ssl.create_default_context(cafile=self.cafile) if self.cafile else None
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.proc is not None and self.proc.poll() is None:
            try:
                with urllib.request.urlopen(f"{self.url}/hub/api", timeout=2, context=context):
                    return True
            except OSError:
                time.sleep(0.3)
        return False

    def processes(self) -> list[psutil.Process]:
        """The hub's processes now: proxy, services, trainees' servers and their kernels."""
        if self.proc is None:
            return []
        try:
            return psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.Error:
            return []

    def uid(self, name: str) -> int | None:
        try:
            return pwd.getpwnam(accounts.system_name(name)).pw_uid
        except KeyError:
            return None

    def stop(self) -> list[psutil.Process]:
        """Stop the hub as an administrator would (SIGTERM); return the processes it left."""
        self._family = self.processes() or self._family
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        time.sleep(0.5)
        return [p for p in self._family if _alive(p)]

    def remove(self) -> None:
        """Stop everything, remove the accounts and the folders."""
        left = self.stop()
        uids = {u for u in map(self.uid, self.names) if u is not None}
        left += [p for p in psutil.process_iter(["uids"]) if p.info["uids"].real in uids]
        for p in left:
            with contextlib.suppress(psutil.Error):
                p.kill()
        psutil.wait_procs(left, timeout=10)
        for name in self.names:
            accounts.remove_system_account(name)
        # The workshop group goes with its last member (it is made again when needed).
        group = subprocess.run(["getent", "group", accounts.SYSTEM_GROUP], capture_output=True)
        if group.returncode == 0 and group.stdout.decode().strip().endswith(":"):
            subprocess.run(["groupdel", accounts.SYSTEM_GROUP], capture_output=True, check=False)
        shutil.rmtree(self.state, ignore_errors=True)
        shutil.rmtree(self.exchange, ignore_errors=True)


def _alive(p: psutil.Process) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False
