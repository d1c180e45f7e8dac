"""Writing an export's file: whole or not at all, with plain words when it cannot be."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class ExportProblem(Exception):
    """Something a trainer can put right (a folder that does not exist, a file that cannot be
    written), said in one plain sentence."""


def write_file(path: Path, data: bytes) -> Path:
    """Write `data` to `path` whole or not at all (a file beside it, then renamed over it),
    saying in plain words why it cannot be written."""
    path = path.expanduser()
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise ExportProblem(f"{path} is a folder, not a file: give the name of a file in it")
    if folder.exists() and not folder.is_dir():
        raise ExportProblem(f"{folder} is a file, not a folder: choose a folder for {path.name}")
    if not folder.is_dir():
        raise ExportProblem(
            f"the folder {folder} does not exist: create it first or choose another"
        )
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise ExportProblem(
            f"cannot write a file in {folder} ({exc.strerror or exc}): choose another folder"
        ) from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise ExportProblem(
            f"cannot write {path} ({exc.strerror or exc}): choose another file or folder"
        ) from None
    return path
