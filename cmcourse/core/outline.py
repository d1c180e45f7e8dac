"""The course map as data (course/outline.yaml): parts, pages, order."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cmcourse.core.paths import ROOT
from cmsim.files import load_model

OUTLINE_FILE = ROOT / "course" / "outline.yaml"
# A trainer's own outline (or a test's) replaces the course's with $CM101_OUTLINE.


class Page(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    title: str
    path: str = Field(description="Notebook path from the repository root")
    section: str | None = Field(None, description="Bank section whose questions are on this page")


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str
    title: str
    pages: list[Page] = Field(min_length=1)


class Outline(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    title: str
    parts: list[Part] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Outline:
        ids = [p.id for p in self.pages()]
        if len(ids) != len(set(ids)):
            raise ValueError("two pages share an id")
        return self

    def pages(self) -> list[Page]:
        return [page for part in self.parts for page in part.pages]

    def page(self, page_id: str) -> Page:
        for page in self.pages():
            if page.id == page_id:
                return page
        raise KeyError(page_id)

    def part_of(self, page_id: str) -> Part:
        return next(part for part in self.parts if any(p.id == page_id for p in part.pages))

    def neighbours(self, page_id: str) -> tuple[Page | None, Page | None]:
        pages = self.pages()
        i = [p.id for p in pages].index(page_id)
        return (pages[i - 1] if i > 0 else None, pages[i + 1] if i + 1 < len(pages) else None)


def load_outline(path: Path | None = None) -> Outline:
    return _load(path or Path(os.environ.get("CM101_OUTLINE") or OUTLINE_FILE))


@cache
def _load(path: Path) -> Outline:
    return load_model(path, Outline, "course outline")


APP_PATH = "course/index.ipynb"  # the course app: every page of the course opens inside it
MAP_PATH = "course/map.ipynb"


def url_for(page: Page, base_url: str = "/") -> str:
    """A page's address in the course app when the repository root is served (the map is the
    app's own address)."""
    app = f"{base_url.rstrip('/')}/voila/render/{APP_PATH}"
    return app if page.id == "map" else f"{app}?page={quote(page.id)}"
