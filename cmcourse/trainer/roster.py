"""Reading trainees' progress files for the trainer: read only, one bad file logged and left
out (`ProgressReader` never creates, repairs, renames or sets aside a file)."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cmcourse.core.accounts import labels
from cmcourse.core.learningcheck import PhaseResult, read_phase
from cmcourse.core.results import Submission
from cmcourse.core.store import (
    Attempt,
    ProgressError,
    ProgressReader,
    all_trainees,
    data_dir,
)

log = logging.getLogger("cm101")


# -- reading the store ------------------------------------------------------------------------
@dataclass(frozen=True)
class Try:
    """One saved answer: every try is kept, in the order given."""

    trainee_id: str
    row: int
    attempt: int
    question: str
    answer: Any
    correct: bool
    points: float
    out_of: int
    at: str


@dataclass(frozen=True)
class TraineeFile:
    """What the report reads from one trainee's progress file."""

    trainee_id: str
    name: str | None
    current: Attempt
    tries: list[Try]
    submissions: list[Submission]
    last_activity: str | None
    last_page: str | None  # where "Continue where you left off" leads
    pre: PhaseResult  # the pre-learning assessment, before the course
    post: PhaseResult  # and the same items after it
    label: str = ""  # what tells trainees of one name apart (the trainer's pages show it)


def read_progress(folder: Path | None = None) -> list[TraineeFile]:
    """Every trainee's file under `<folder>/trainees/` (default: the data directory), read
    only. A file that cannot be read is logged and left out, untouched: one bad file never
    stops the report, and reading never repairs, renames or creates anything."""
    files = []
    base = (folder or data_dir()) / "trainees"
    known = labels(folder)
    for trainee_id in all_trainees(folder):
        try:
            reader = ProgressReader(base / f"{trainee_id}.sqlite")
        except ProgressError as exc:
            log.warning("trainer report: %s", exc)
            continue
        try:
            tries = [Try(trainee_id, *row) for row in reader.all_tries()]
            files.append(
                TraineeFile(
                    trainee_id,
                    reader.name,
                    reader.current(),
                    tries,
                    reader.submissions(),
                    reader.last_activity(),
                    reader.last_page(),
                    read_phase(reader, "pre"),
                    read_phase(reader, "post"),
                    known.get(trainee_id, ""),
                )
            )
        except sqlite3.Error as exc:
            log.warning("trainer report: %s could not be read (%s)", reader.path.name, exc)
        finally:
            reader.close()
    return files


def when(at: str | None) -> str:
    """A stored time for people: '01/05/2024 14:03 UTC'."""
    if not at:
        return "never"
    return dt.datetime.fromisoformat(at).astimezone(dt.UTC).strftime("%d/%m/%Y %H:%M UTC")
