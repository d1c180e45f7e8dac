"""A trainee's results as one typed record: what the results page shows, what Submit stores,
what the certificate prints and what the trainer report reads back (no widgets).

A stored summary carries its `version`. A field added later gets a default, so a submission
saved today still reads in the trainer report after the model grows; a summary from a newer
version than this code knows is refused with a plain message rather than misread.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from cmcourse.core.bank import ModuleBank, is_attempt, load_bank
from cmcourse.core.store import Attempt

VERSION = 1


class ModuleScore(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    module: str
    title: str
    points: float
    out_of: int
    answered: int
    questions: int

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


class Summary(BaseModel):
    """One attempt's results: score per part, reflections written, and the answers given."""

    model_config = ConfigDict(extra="forbid")

    version: int = VERSION  # summaries stored before versions existed read as version 1
    modules: list[ModuleScore] = Field(default_factory=list)
    points: float = 0
    out_of: int = 0
    reflections: list[WrittenReflection] = Field(default_factory=list)
    answers: dict[str, Any] = Field(default_factory=dict)

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
    """Score per module (last answer to each question counts) and the reflections written."""
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
            )
        )
    return Summary(
        modules=scores,
        points=sum(s.points for s in scores),
        out_of=sum(s.out_of for s in scores),
        reflections=reflections,
        answers={k: v["answer"] for k, v in attempt.answers.items()},
    )
