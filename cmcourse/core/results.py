"""A trainee's results as one typed record: what the results page shows, what Submit stores,
what the certificate prints and what the trainer report reads back (no widgets).

A stored summary carries its `version`. A field added later gets a default, so a submission
saved today still reads in the trainer report after the model grows; a summary from a newer
version than this code knows is refused with a plain message rather than misread.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from cmcourse.core.bank import ModuleBank, is_attempt, load_bank
from cmcourse.core.store import Attempt

VERSION = 2  # 2: first-try points, the certificate issued


class ModuleScore(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    module: str
    title: str
    points: float
    out_of: int
    answered: int
    questions: int
    first_points: float | None = None  # each question's first try; None: saved before it was kept

    @property
    def label(self) -> str:
        """ "Module 2: Implementing ..." for the CM 101 modules; the title alone for the rest
        (the case studies, supervision, monitoring)."""
        return f"Module {self.module}: {self.title}" if self.module.isdigit() else self.title


class WrittenReflection(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    section: str
    prompt: str
    text: str


class Certificate(BaseModel):
    """The certificate issued with a submission: what it says, and the code that verifies it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    kind: Literal["completion", "achievement"]
    organisation: str = ""
    pass_mark: int | None = None  # percent of the points, on first tries

    @property
    def title(self) -> str:
        return f"Certificate of {self.kind}"


class Summary(BaseModel):
    """One attempt's results: score per part, reflections written, and the answers given."""

    model_config = ConfigDict(extra="forbid")

    version: int = VERSION  # one stored before versions existed is read as 1 (store.py)
    modules: list[ModuleScore] = Field(default_factory=list)
    points: float = 0
    out_of: int = 0
    first_points: float | None = None
    reflections: list[WrittenReflection] = Field(default_factory=list)
    answers: dict[str, Any] = Field(default_factory=dict)
    certificate: Certificate | None = None  # None: the course was not completed

    @property
    def first_percent(self) -> float | None:
        if self.first_points is None or not self.out_of:
            return None
        return 100 * self.first_points / self.out_of

    @field_validator("version")
    @classmethod
    def _known(cls, version: int) -> int:
        if version > VERSION:
            raise ValueError(
                f"these results were saved by a newer version of the course (summary version "
                f"{version}, this one reads up to {VERSION}): update the course to read them"
            )
        return version


class Submission(BaseModel):
    """A submitted attempt as the store keeps it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    attempt: int
    at: str
    summary: Summary


def summarise(attempt: Attempt, banks: dict[str, ModuleBank] | None = None) -> Summary:
    """Score per module (the last answer to each question, and its first) and the reflections
    written."""
    banks = banks if banks is not None else load_bank()
    scores = []
    reflections = []
    for key, bank in sorted(banks.items(), key=lambda kv: (not kv[0].isdigit(), kv[0])):
        reflections += [
            WrittenReflection(
                id=r.id, section=r.section, prompt=r.prompt, text=attempt.reflections[r.id]
            )
            for r in bank.reflections
            if is_attempt(attempt.reflections.get(r.id, ""))  # "x" is not a reflection written
        ]
        if not bank.questions:
            continue  # a case study's discussion questions: reflections only
        scores.append(
            ModuleScore(
                module=key,
                title=bank.title,
                points=sum(
                    attempt.answers[q.id]["points"]
                    for q in bank.questions
                    if q.id in attempt.answers
                ),
                out_of=sum(q.points for q in bank.questions),
                answered=sum(1 for q in bank.questions if q.id in attempt.answers),
                questions=len(bank.questions),
                first_points=sum(
                    attempt.first[q.id]["points"] for q in bank.questions if q.id in attempt.first
                ),
            )
        )
    return Summary(
        modules=scores,
        points=sum(s.points for s in scores),
        out_of=sum(s.out_of for s in scores),
        first_points=sum(s.first_points or 0 for s in scores),
        reflections=reflections,
        answers={k: v["answer"] for k, v in attempt.answers.items()},
    )
