"""The course as the hub's service cm101-course: its command, in one place.

    python -m cmcourse.server.service [--port N] [--ip IP] [--cull-idle S] [--print]

The hub on one machine (hub/jupyterhub_config.py) starts `python -m cmcourse.server` with
`service_args(...)`; on Kubernetes the course's pod (hub/z2jh/course-service.yaml) runs this
module, which runs exactly that command (`--print` shows it instead). Both are the course
server of `make serve` in hub mode: the hub signs people in (cmcourse.server.hubsignin).
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys

from cmcourse.core.serve import JUPYTER_DATA, jupyter_path, voila_args

NAME = "cm101-course"
PREFIX = f"/services/{NAME}/"  # where the hub's proxy serves it
TRAINERS_GROUP = "trainers"  # the hub group with the trainer's pages (hub/workshopauth.py)


def service_args(
    port: int, ip: str = "127.0.0.1", cull_idle: int = 120, trainers_group: str = TRAINERS_GROUP
) -> list[str]:
    """What follows `python -m cmcourse.server` for the course as a hub service."""
    return [
        *voila_args(port, cull_idle=cull_idle, ip=ip),
        f"--Voila.base_url={PREFIX}",
        "--CourseVoila.hub=True",
        f"--CourseVoila.trainers_group={trainers_group}",
        # Kernels talk over sockets in the course's private runtime folder, not on ports
        # every other process of the machine (or pod network) could knock on.
        "--KernelManager.transport=ipc",
    ]


def command(port: int, ip: str, cull_idle: int, trainers_group: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "cmcourse.server",
        *service_args(port, ip, cull_idle, trainers_group),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m cmcourse.server.service", description=__doc__)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--ip", default="127.0.0.1", help="0.0.0.0 in a pod")
    parser.add_argument("--cull-idle", type=int, default=120, help="seconds, a page's kernel")
    parser.add_argument("--trainers-group", default=TRAINERS_GROUP)
    parser.add_argument("--print", action="store_true", help="print the command, run nothing")
    args = parser.parse_args(argv)
    run = command(args.port, args.ip, args.cull_idle, args.trainers_group)
    if args.print:
        print(shlex.join(run))
        return
    # The course's Voilà template first on Jupyter's data path (as serve and the hub give it).
    found = os.environ.get("JUPYTER_PATH", "")
    if str(JUPYTER_DATA) not in found.split(os.pathsep):
        os.environ["JUPYTER_PATH"] = jupyter_path(found or None)
    sys.stdout.flush()
    os.execv(run[0], run)  # the server in this process's place: it gets the pod's signals


if __name__ == "__main__":
    main()
