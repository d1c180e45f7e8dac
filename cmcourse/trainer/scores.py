"""Scores per trainee and per question, and their spread, computed from the files the roster
read: pure functions, no widgets (the histogram uses matplotlib's object API, never pyplot)."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from cmcourse.core.bank import ModuleBank, load_bank
from cmcourse.core.results import WrittenReflection, summarise
from cmcourse.trainer.roster import TraineeFile, Try, read_progress, when

BANDS = [(lo, lo + 10) for lo in range(0, 100, 10)]  # the last band includes 100


def module_order(key: str) -> tuple[bool, int, str]:
    return (not key.isdigit(), int(key) if key.isdigit() else 0, key)


def _graded(banks: Mapping[str, ModuleBank]) -> list[tuple[str, ModuleBank]]:
    """Modules with knowledge checks, numbered modules first."""
    return sorted(
        ((k, b) for k, b in banks.items() if b.questions), key=lambda kb: module_order(kb[0])
    )


def module_label(key: str, banks: Mapping[str, ModuleBank] | None = None) -> str:
    if key.isdigit():
        return f"Module {key}"
    bank = (banks or {}).get(key)
    return bank.title if bank else key


# -- scores per trainee -----------------------------------------------------------------------
@dataclass(frozen=True)
class TraineeScore:
    """One trainee's results, from the latest submission or else from the current attempt."""

    trainee_id: str
    name: str
    submitted: bool  # True: from the latest submission; False: the current attempt so far
    attempt: int
    submitted_at: str | None
    modules: dict[str, tuple[float, int]]  # module key -> (points, out of)
    points: float
    out_of: int
    answered: int
    reflections: int
    last_activity: str | None
    label: str = ""
    first_points: float | None = None  # first tries; None: submitted before they were kept
    certificate: str = ""  # the verification code of the certificate these results earned
    written: tuple[WrittenReflection, ...] = ()

    @property
    def source(self) -> str:
        """Which results these are, in words."""
        if self.submitted:
            return f"Submitted {when(self.submitted_at)} (attempt {self.attempt})"
        return f"In progress (attempt {self.attempt}, not submitted)"

    @property
    def percent(self) -> float:
        return 100 * self.points / self.out_of if self.out_of else 0.0

    @property
    def first_percent(self) -> float | None:
        if self.first_points is None:
            return None
        return 100 * self.first_points / self.out_of if self.out_of else 0.0

    @property
    def started(self) -> bool:
        return self.submitted or self.answered > 0


def _score(file: TraineeFile, banks: Mapping[str, ModuleBank]) -> TraineeScore:
    latest = file.submissions[-1] if file.submissions else None
    summary = latest.summary if latest else summarise(file.current, dict(banks))
    modules = {m.module: (m.points, m.out_of) for m in summary.modules}
    return TraineeScore(
        trainee_id=file.trainee_id,
        name=file.name or "(no name)",
        submitted=latest is not None,
        attempt=latest.attempt if latest else file.current.number,
        submitted_at=latest.at if latest else None,
        modules=modules,
        points=summary.points,
        out_of=summary.out_of,
        answered=sum(m.answered for m in summary.modules),
        reflections=len(summary.reflections),
        last_activity=file.last_activity,
        label=file.label,
        first_points=summary.first_points,
        certificate=summary.certificate.code if summary.certificate else "",
        written=tuple(summary.reflections),
    )


def scores_of(
    files: Sequence[TraineeFile], banks: Mapping[str, ModuleBank] | None = None
) -> list[TraineeScore]:
    banks = banks if banks is not None else load_bank()
    rows = [_score(f, banks) for f in files]
    return sorted(rows, key=lambda r: (r.name.casefold(), r.trainee_id))


def trainee_scores(
    folder: Path | None = None, banks: Mapping[str, ModuleBank] | None = None
) -> list[TraineeScore]:
    """Per trainee, by name: score per module and in total, reflections, last activity."""
    return scores_of(read_progress(folder), banks)


# -- difficulty per question ------------------------------------------------------------------
@dataclass(frozen=True)
class QuestionStat:
    """How trainees did on one question. Tries of every attempt count, in order."""

    question: str
    module: str
    section: str
    type: str
    prompt: str
    answered: int  # trainees who answered at least once
    right_first: int  # trainees whose first try was right
    right_last: int  # trainees whose latest try is right
    top_wrong: str | None  # the wrong option (or answer) given by most trainees
    top_wrong_count: int  # how many trainees gave it at least once

    @property
    def first_share(self) -> float | None:
        """Share right on the first try: the question's difficulty (lower is harder)."""
        return self.right_first / self.answered if self.answered else None

    @property
    def last_share(self) -> float | None:
        return self.right_last / self.answered if self.answered else None


def answer_text(question: Any, answer: Any) -> str:
    """A saved answer written out plainly, e.g. 'a, c' or 'identification, assessment'."""
    if isinstance(answer, bool):
        return str(answer)
    if isinstance(answer, dict):
        order = [p.id for p in getattr(question, "pairs", [])]
        keys = sorted(answer, key=lambda k: (order.index(k) if k in order else len(order), k))
        return ", ".join(f"{k} → {answer[k]}" for k in keys)
    if isinstance(answer, list | tuple):
        return ", ".join(str(a) for a in answer)
    return str(answer).strip()


def _wrong_choices(question: Any, answer: Any) -> list[str]:
    """What a wrong try counts against: the options ticked that are not right, or the answer."""
    if question.type == "single":
        return [str(answer).strip()]
    if question.type == "multiple" and isinstance(answer, list):
        return [str(a) for a in answer if a not in question.answer]
    return [answer_text(question, answer)]


def _top_wrong(question: Any, wrong: dict[str, set[str]]) -> tuple[str | None, int]:
    """The wrong option chosen by most trainees (ties: option order, then text)."""
    if not wrong:
        return None, 0
    options = [o.id for o in getattr(question, "options", [])]
    key, trainees = min(
        wrong.items(),
        key=lambda kv: (-len(kv[1]), options.index(kv[0]) if kv[0] in options else 99, kv[0]),
    )
    texts = {o.id: o.text for o in getattr(question, "options", [])}
    return (f"{key}. {texts[key]}" if key in texts else key), len(trainees)


def stats_of(
    files: Sequence[TraineeFile], banks: Mapping[str, ModuleBank] | None = None
) -> list[QuestionStat]:
    banks = banks if banks is not None else load_bank()
    by_question: dict[str, dict[str, list[Try]]] = {}
    for file in files:
        for t in file.tries:
            by_question.setdefault(t.question, {}).setdefault(t.trainee_id, []).append(t)
    stats = []
    for key, bank in _graded(banks):
        for q in bank.questions:
            per_trainee = by_question.get(q.id, {})
            wrong: dict[str, set[str]] = {}
            for trainee, tries in per_trainee.items():
                for t in tries:
                    if not t.correct:
                        for choice in _wrong_choices(q, t.answer):
                            wrong.setdefault(choice, set()).add(trainee)
            top, count = _top_wrong(q, wrong)
            stats.append(
                QuestionStat(
                    question=q.id,
                    module=key,
                    section=q.section,
                    type=q.type,
                    prompt=q.prompt,
                    answered=len(per_trainee),
                    right_first=sum(1 for ts in per_trainee.values() if ts[0].correct),
                    right_last=sum(1 for ts in per_trainee.values() if ts[-1].correct),
                    top_wrong=top,
                    top_wrong_count=count,
                )
            )
    return stats


def question_stats(
    folder: Path | None = None, banks: Mapping[str, ModuleBank] | None = None
) -> list[QuestionStat]:
    """Per question of the bank, in bank order: how many answered and how many got it right
    on the first and on the latest try, and the wrong option most trainees chose."""
    return stats_of(read_progress(folder), banks)


# -- CSV --------------------------------------------------------------------------------------


# -- histogram --------------------------------------------------------------------------------
def score_bands(percents: Sequence[float]) -> list[tuple[str, int]]:
    """How many scores fall in each band of 10 points: 0–9%, ..., 90–100%."""
    counts = [0] * len(BANDS)
    for p in percents:
        p = min(max(float(p), 0.0), 100.0)
        counts[min(int(p // 10), len(BANDS) - 1)] += 1
    labels = [f"{lo}–{hi - 1}%" if hi < 100 else f"{lo}–100%" for lo, hi in BANDS]
    return list(zip(labels, counts, strict=True))


def histogram(percents: Sequence[float]) -> Figure:
    """Trainees per band of total score, as a bar chart (object API; no global state)."""
    from cmcourse.html.theme import BLUE, INK

    bands = score_bands(percents)
    fig = Figure(figsize=(8, 3.6), layout="constrained")
    ax = fig.add_subplot()
    bars = ax.bar(
        range(len(bands)), [c for _, c in bands], color=BLUE, edgecolor=INK, linewidth=0.8
    )
    ax.bar_label(bars, labels=[str(c) if c else "" for _, c in bands], color=INK, padding=2)
    ax.set_xticks(range(len(bands)), [label for label, _ in bands], color=INK, fontsize=10)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, max([c for _, c in bands] + [1]) * 1.15)
    ax.set_xlabel("Total score (share of all points)", color=INK)
    ax.set_ylabel("Trainees", color=INK)
    ax.set_title(f"Trainees' total scores ({len(percents)} trainees)", color=INK)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def histogram_alt(percents: Sequence[float]) -> str:
    """The short text alternative of the histogram."""
    if not percents:
        return "Bar chart of trainees' total scores: no trainee has answered yet."
    return (
        f"Bar chart of trainees' total scores: {len(percents)} trainee"
        f"{'s' * (len(percents) != 1)}, from {min(percents):.0f}% to {max(percents):.0f}%, "
        f"median {statistics.median(percents):.0f}%."
    )


def histogram_description(percents: Sequence[float]) -> str:
    """Every bar in words: the number of trainees in each band."""
    bands = ", ".join(f"{label}: {count}" for label, count in score_bands(percents))
    return f"Trainees per band of total score: {bands}."
