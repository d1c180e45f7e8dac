"""The kernel nbgrader grades a trainee's notebook in, inside a bubblewrap sandbox.

A trainee writes their answer cells freely (on the hub, in JupyterLab), and grading runs them:
so the grading kernel sees only the Python it needs (the system's programs and libraries, this
environment, the course's own code: no question bank, no hub state, no home folder, nobody's
work), writes nowhere but a throwaway /tmp, has no network, and, when grading runs as root,
runs as `nobody`. The workshop's nbgrader_config.py makes every nbgrader command of the course
folder use it (kernel `cm101-sandbox`, workshop/jupyter/kernels/):

    python -m cmcourse.assignments.sandbox -f CONNECTION_FILE [kernel arguments…]
    python -m cmcourse.assignments.sandbox --check    # can grading run here? (make grade)

Standard library only: it starts before anything of the course is needed.
"""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
from pathlib import Path

KERNEL_NAME = "cm101-sandbox"
RUN_PREFIX = "cm101-grading-"  # the folder for one grading run's kernel connection files
NOBODY = 65534  # the unprivileged account the kernel runs as when grading runs as root
HOME = "/tmp/grading"
# What one grading kernel may take: the machine's memory, its processes and its disk stay the
# other notebooks' and the hub's (a notebook that tries more fails in its own cells).
TMP_BYTES = 128 * 2**20  # /tmp, the home in it too: held in memory
LIMITS = {"as": 2 * 2**30, "fsize": 100 * 2**20, "nofile": 256}  # memory, a file, open files
NPROC = 256  # processes and threads of nobody's (as the trainer, theirs would count too)
SYSTEM = (
    "/bin",
    "/sbin",
    "/lib",
    "/lib32",
    "/lib64",
    "/usr",
    "/etc",
)  # bound read-only  # the kernel's home and working folder: empty, thrown away

INSTALL_BUBBLEWRAP = (
    "Grading runs each trainee's notebook in a sandbox made with bubblewrap, which is not "
    "installed here: sudo apt-get install bubblewrap"
)


class SandboxProblem(Exception):
    """Grading cannot run in the sandbox; the message says why and what to do."""


def python_paths() -> list[Path]:
    """Where the kernel's Python and its packages are (bound read-only): the interpreter's
    installation, this environment, and the folders of the course's own packages (an editable
    install keeps them in the repository, whose other folders hold the answer keys)."""
    import importlib.util

    found = {Path(sys.base_prefix), Path(sys.prefix), Path(sys.executable).resolve().parent.parent}
    found.update(Path(p) for p in sysconfig.get_paths().values())
    spec = importlib.util.find_spec("cmcourse")
    if spec and spec.submodule_search_locations:
        found.update(Path(p) for p in spec.submodule_search_locations)
    existing = sorted(p.resolve() for p in found if p.exists())
    # Only the outermost of nested folders: binding a folder brings everything under it.
    return [p for p in existing if not any(p != q and p.is_relative_to(q) for q in existing)]


def bwrap_command(
    kernel: list[str], run_dir: Path, *, as_root: bool, bwrap: str = "bwrap"
) -> list[str]:
    """The command that starts `kernel` in the sandbox, its connection files in `run_dir`."""
    cmd = [bwrap, "--die-with-parent", "--new-session"]
    # As root, bubblewrap makes the namespaces itself and `setpriv` then drops to nobody (in a
    # user namespace of root's, nobody would be root outside); as anyone else, bubblewrap
    # makes a user namespace and the kernel stays that account, seeing only what is bound.
    cmd += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts"]
    cmd += ["--unshare-cgroup-try"] if as_root else ["--unshare-user"]
    for top in SYSTEM:
        path = Path(top)
        if path.is_symlink():
            cmd += ["--symlink", os.readlink(path), top]
        elif path.exists():
            cmd += ["--ro-bind", top, top]
    # A throwaway /tmp first: the Python may be under /tmp too (bound over it below).
    cmd += ["--perms", "1777", "--size", str(TMP_BYTES), "--tmpfs", "/tmp"]
    made = {Path("/tmp")}
    for path in python_paths():
        # The folders above it readable by all (bubblewrap would make them root's only).
        for parent in reversed(path.parents[:-1]):
            if parent not in made and not any(parent.is_relative_to(t) for t in SYSTEM):
                cmd += ["--perms", "0755", "--dir", str(parent)]
                made.add(parent)
        cmd += ["--ro-bind", str(path), str(path)]
    cmd += ["--proc", "/proc", "--dev", "/dev", "--perms", "0777", "--dir", HOME]
    cmd += ["--bind", str(run_dir), str(run_dir), "--chdir", HOME, "--clearenv"]
    env = {
        "HOME": HOME,
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "MPLCONFIGDIR": HOME,
        "MPLBACKEND": "Agg",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONSAFEPATH": "1",  # nothing imported from the working folder
    }
    for name, value in env.items():
        cmd += ["--setenv", name, value]
    limits = LIMITS | ({"nproc": NPROC} if as_root else {})
    if as_root:
        drop = f"--reuid={NOBODY} --regid={NOBODY} --clear-groups --inh-caps=-all"
        cmd += ["setpriv", *drop.split(), "--bounding-set=-all", "--no-new-privs"]
    cmd += ["prlimit", *(f"--{name}={value}" for name, value in limits.items()), "--"]
    return [*cmd, *kernel]


def kernel_command(connection_file: Path, rest: list[str]) -> list[str]:
    return [sys.executable, "-m", "ipykernel_launcher", "-f", str(connection_file), *rest]


def prepare(connection_file: Path) -> tuple[Path, bool]:
    """Check the connection file is in a grading run's own folder (bound into the sandbox, so
    it must hold nothing else: not the account's other kernels), and, as root, hand it and the
    folder to nobody, who makes the kernel's sockets there. Returns (folder, as_root)."""
    run_dir = connection_file.parent
    if not run_dir.name.startswith(RUN_PREFIX):
        raise SandboxProblem(
            f"The grading kernel starts only for a grading run ({connection_file} is not in "
            f"one): grade from the workshop folder, e.g. make grade ASSIGNMENT=module1"
        )
    if shutil.which("bwrap") is None:
        raise SandboxProblem(INSTALL_BUBBLEWRAP)
    as_root = os.geteuid() == 0
    if as_root:
        for path in (run_dir, connection_file):
            os.chown(path, NOBODY, NOBODY, follow_symlinks=False)  # a link: its own owner
    return run_dir, as_root


def check() -> str | None:
    """Why grading cannot run in the sandbox on this machine, or None if it can: a kernel's
    Python started in it, as grading starts it."""
    import subprocess
    import tempfile

    if shutil.which("bwrap") is None:
        return INSTALL_BUBBLEWRAP
    with tempfile.TemporaryDirectory(prefix=RUN_PREFIX) as run:
        as_root = os.geteuid() == 0
        if as_root:
            os.chown(run, NOBODY, NOBODY)
        probe = [sys.executable, "-c", "import ipykernel, cmcourse.assignments.kernel"]
        done = subprocess.run(
            bwrap_command(probe, Path(run), as_root=as_root), capture_output=True, text=True
        )
    if done.returncode != 0:
        return (
            "The grading sandbox (bubblewrap) does not start on this machine, so no trainee's "
            f"notebook is run: {done.stderr.strip()[-300:]}"
        )
    return None


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--check"]:
        problem = check()
        print(problem or "The grading sandbox works.", file=sys.stderr if problem else sys.stdout)
        return 1 if problem else 0
    if len(args) < 2 or args[0] != "-f":
        print(
            "usage: python -m cmcourse.assignments.sandbox --check | -f CONNECTION_FILE",
            file=sys.stderr,
        )
        return 2
    connection_file = Path(args[1]).resolve()
    try:
        run_dir, as_root = prepare(connection_file)
    except SandboxProblem as problem:
        print(problem, file=sys.stderr)
        return 1
    cmd = bwrap_command(kernel_command(connection_file, args[2:]), run_dir, as_root=as_root)
    os.execvp(cmd[0], cmd)  # the kernel manager signals and waits for this very process


if __name__ == "__main__":
    sys.exit(main())
