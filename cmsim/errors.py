"""Errors a trainee or trainer may see: plain language, never a traceback."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError


class CmsimError(Exception):
    """Base of every error cmsim raises on purpose; its message is meant for people."""


@dataclass(frozen=True)
class Refusal:
    """Why the guidelines do not allow an operation, in a caseworker's terms."""

    rule: str
    expected: str
    happened: str
    todo: str
    source: str = ""

    def __str__(self) -> str:
        text = f"{self.rule}: {self.expected} But {self.happened} What to do: {self.todo}"
        return f"{text} ({self.source})" if self.source else text


class RuleViolation(CmsimError):
    """An operation the guidelines do not allow. Nothing was changed in the case file."""

    def __init__(self, refusal: Refusal):
        self.refusal = refusal
        super().__init__(str(refusal))


class FileProblem(CmsimError):
    """A data file (SOP, case file, question bank) that cannot be used as it is."""

    def __init__(self, path: object, problems: list[str]):
        self.path = str(path)
        self.problems = problems
        listing = "; ".join(problems)
        super().__init__(f"{self.path}: {listing}")


def _where(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item + 1}]")
        elif parts:
            parts.append(f".{item}")
        else:
            parts.append(str(item))
    return "".join(parts) or "(the whole file)"


def plain_problems(error: ValidationError) -> list[str]:
    """Pydantic's errors as one plain sentence per field (positions counted from 1)."""
    lines = []
    for err in error.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))
        msg = err["msg"]
        kind = err["type"]
        if kind == "extra_forbidden":
            msg = "is not a field this form knows (check the spelling)"
        elif kind == "missing":
            msg = "is required but missing"
        elif kind == "enum":
            allowed = err.get("ctx", {}).get("expected", "")
            msg = f"'{err.get('input')}' is not on the list; allowed: {allowed}"
        elif msg.startswith("Value error, "):
            msg = msg.removeprefix("Value error, ")
        lines.append(
            f"field '{_where(loc)}' {msg}"
            if kind in {"missing", "extra_forbidden"}
            else f"field '{_where(loc)}': {msg}"
        )
    return lines
