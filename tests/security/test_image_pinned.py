"""The Kubernetes image (issue 17, low): every base image is pinned by its digest, so a build
next year starts from the image that was tested, not from whatever the tag names by then."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "node_modules", ".git"}
PINNED = re.compile(r"^[\w.\-/:]+@sha256:[0-9a-f]{64}$")


def dockerfiles() -> list[Path]:
    found = [p for p in ROOT.rglob("Dockerfile*") if not SKIP & set(p.relative_to(ROOT).parts)]
    return [p for p in found if p.is_file() and not p.name.endswith(".dockerignore")]


def unpinned(path: Path) -> list[str]:
    """The FROM lines of `path` whose image is not given by digest (a stage of the same file,
    FROM <name of an earlier stage>, is not an image)."""
    stages: set[str] = set()
    bad = []
    for line in path.read_text().splitlines():
        words = line.split()
        if not words or words[0].upper() != "FROM":
            continue
        args = [w for w in words[1:] if not w.startswith("--")]
        image = args[0]
        if len(args) >= 3 and args[1].upper() == "AS":
            stages.add(args[2])
        if image not in stages and not PINNED.match(image):
            bad.append(line)
    return bad


def test_every_base_image_is_pinned_by_digest():
    files = dockerfiles()
    assert ROOT / "hub" / "Dockerfile" in files
    assert {str(p.relative_to(ROOT)): unpinned(p) for p in files} == {
        str(p.relative_to(ROOT)): [] for p in files
    }


def test_a_tag_alone_or_a_short_digest_counts_as_unpinned(tmp_path):
    sample = tmp_path / "Dockerfile"
    digest = "0" * 64
    sample.write_text(
        "FROM quay.io/jupyter/base-notebook:python-3.11 AS build\n"
        f"FROM python:3.11-slim@sha256:{digest[:12]}\n"
        f"FROM --platform=linux/amd64 python:3.11-slim@sha256:{digest} AS run\n"
        "FROM build\n"
    )
    assert unpinned(sample) == [
        "FROM quay.io/jupyter/base-notebook:python-3.11 AS build",
        f"FROM python:3.11-slim@sha256:{digest[:12]}",
    ]


def test_the_hub_readme_names_the_pinned_base_and_how_to_pin_it_again():
    """The digest was not taken from the registry (no docker here): hub/README.md says which
    image and digest are pinned, that it is unverified, and the command to pin it again."""
    dockerfile = (ROOT / "hub" / "Dockerfile").read_text()
    readme = " ".join((ROOT / "hub" / "README.md").read_text().split())
    pinned = [line.split()[1] for line in dockerfile.splitlines() if line.startswith("FROM ")]
    base = next(image for image in pinned if PINNED.match(image))
    assert f"`{base}`" in readme  # the image and its whole digest, as on the FROM line
    refresh = "docker buildx imagetools inspect quay.io/jupyter/base-notebook:python-3.11"
    assert refresh in readme and refresh in dockerfile
    assert "It is not verified." in readme and "NOT VERIFIED" in dockerfile
