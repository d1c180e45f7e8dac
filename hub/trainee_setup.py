"""First steps of a trainee's server, run as the trainee: the course in their home folder,
matplotlib's font list, their progress file named after their account (so the course map
greets them by name). Never run as root: inside their home, the trainee decides what is a
file and what is a link.

    python hub/trainee_setup.py NAME COURSE_FOLDER FONT_LIST_FOLDER

with $HOME, $CM101_DATA_DIR and $MPLCONFIGDIR set as for their server (the hub on one machine
runs it before each start; on Kubernetes the pod's postStart hook does).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from cmcourse.core.store import ProgressStore, hub_trainee_id


def setup(name: str, course: Path, fonts: Path) -> None:
    home = Path(os.environ["HOME"])
    link = home / "course"
    if not link.exists() and not link.is_symlink():
        link.symlink_to(course, target_is_directory=True)
    # Matplotlib builds this list on its first figure (about 10 s); a copy saves that.
    cache = Path(os.environ.get("MPLCONFIGDIR") or home / ".cache" / "matplotlib")
    cache.mkdir(parents=True, exist_ok=True)
    for found in fonts.glob("fontlist-*.json"):
        if not (cache / found.name).exists():
            shutil.copyfile(found, cache / found.name)
    store = ProgressStore(hub_trainee_id(name))
    try:
        if store.name is None:
            store.set_name(name)
    finally:
        store.close()


def main(argv: list[str] | None = None) -> int:
    name, course, fonts = argv if argv is not None else sys.argv[1:]
    setup(name, Path(course), Path(fonts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
