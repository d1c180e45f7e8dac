"""Reading the YAML files trainers edit (SOPs, case scripts, forms, question banks), with one
plain message naming the file and the field for anything wrong."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from cmsim.errors import FileProblem, plain_problems

M = TypeVar("M", bound=BaseModel)
# libyaml's safe loader when installed: about ten times faster on the question bank.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: str | Path, what: str = "file") -> Any:
    path = Path(path)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except FileNotFoundError:
        raise FileProblem(path, [f"the {what} does not exist"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "not a text file"
        raise FileProblem(path, [f"the {what} cannot be read ({reason})"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" near line {mark.line + 1}" if mark else ""
        raise FileProblem(path, [f"this is not valid YAML{where}"]) from None


def set_dotted(data: Any, dotted: str, value: Any) -> None:
    """Set `a.b.c` (or `actions.0.due_date`, a list item by number) in nested data, creating
    the mappings that are missing."""
    *parents, last = dotted.split(".")
    for key in parents:
        if isinstance(data, list):
            data = data[int(key)]
            continue
        child = data.get(key)
        if not isinstance(child, dict | list):
            child = data[key] = {}
        data = child
    if isinstance(data, list):
        data[int(last)] = value
    else:
        data[last] = value


def load_model(
    path: str | Path,
    model: type[M],
    what: str = "file",
    context: dict[str, Any] | None = None,
    locate: Callable[[Any, str], str] | None = None,
    empty_ok: bool = False,
    changes: Mapping[str, Any] | None = None,
) -> M:
    """A YAML file validated as a model; `locate` may rewrite a problem to name the item;
    `changes` ({"child.sex": "Female"}) replace fields before validating."""
    data = read_yaml(path, what)
    if data is None and empty_ok:
        data = {}
    if not isinstance(data, dict):
        raise FileProblem(path, [f"the {what} must be a list of 'field: value' lines"])
    for dotted, value in (changes or {}).items():
        set_dotted(data, dotted, value)
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        problems = plain_problems(exc)
        raise FileProblem(
            path, [locate(data, p) for p in problems] if locate else problems
        ) from None
