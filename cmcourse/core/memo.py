"""What is drawn once: a figure or a dashboard takes a second or two to draw, which thirty
trainees turning to its page would repeat. Each is kept in this process and on disk, named by a
digest of everything that draws it, so a change to that code redraws it."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from cmcourse.core.store import data_dir

_KEPT: dict[tuple[str, str], str] = {}


def source_digest(*modules: ModuleType, extra: str = "") -> str:
    """A short digest of the modules' source files (and `extra`)."""
    digest = hashlib.sha256(extra.encode())
    for module in modules:
        digest.update(Path(module.__file__ or "").read_bytes())
    return digest.hexdigest()[:16]


def kept(name: str, digest: str, build: Callable[[], str]) -> str:
    """`build()`'s text, built once per machine: read from the cache folder when it is there,
    else built and written whole then renamed (a reader never sees half a file)."""
    key = (name, digest)
    if key in _KEPT:
        return _KEPT[key]
    path = data_dir() / "cache" / f"{name}-{digest}.html"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        text = build()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.part")
            partial.write_text(text, encoding="utf-8")
            partial.replace(path)
        except OSError:  # the cache is only a saving: without it the drawing is made again
            pass
    _KEPT[key] = text
    return text
