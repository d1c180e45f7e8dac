"""The pre-learning assessment in the trainer report: each trainee's score before and after
the course, and each question's share right before and after."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cmcourse.core.learningcheck import items
from cmcourse.trainer.roster import TraineeFile


@dataclass(frozen=True)
class TraineeGain:
    name: str
    trainee_id: str
    pre: tuple[float, int] | None  # points, out of: None until the pre-test is finished
    post: tuple[float, int] | None
    label: str = ""

    @property
    def gain(self) -> float | None:
        return None if self.pre is None or self.post is None else self.post[0] - self.pre[0]


@dataclass(frozen=True)
class ItemGain:
    question: str
    prompt: str
    pre_right: int
    pre_answered: int
    post_right: int
    post_answered: int


def trainee_gains(files: Sequence[TraineeFile]) -> list[TraineeGain]:
    """Trainees who took at least one of the two, by name."""
    rows = [
        TraineeGain(
            f.name or "(no name)",
            f.trainee_id,
            (f.pre.points, f.pre.out_of) if f.pre.finished else None,
            (f.post.points, f.post.out_of) if f.post.finished else None,
            f.label,
        )
        for f in files
        if f.pre.finished or f.post.finished
    ]
    return sorted(rows, key=lambda r: (r.name.casefold(), r.trainee_id))


def item_gains(files: Sequence[TraineeFile]) -> list[ItemGain]:
    """Each question, counted over the finished pre-tests and the finished post-tests."""
    pres = [f.pre for f in files if f.pre.finished]
    posts = [f.post for f in files if f.post.finished]
    return [
        ItemGain(
            q.id,
            q.prompt,
            sum(1 for r in pres if r.right(q.id)),
            len(pres),
            sum(1 for r in posts if r.right(q.id)),
            len(posts),
        )
        for q in items()
    ]
