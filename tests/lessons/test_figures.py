"""The course's redrawn figures: each builds, shows what the source says, and has a text
alternative that says everything the picture says."""

from __future__ import annotations

import base64
import html
import itertools
import re
import subprocess
import sys
from pathlib import Path

import matplotlib
import nbformat
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from cmcourse.html import picture, theme
from cmcourse.html.picture import png as png_of
from cmcourse.lessons import figures
from cmcourse.lessons.figures import FIGURES, figure_html, show_figure

ROOT = Path(__file__).resolve().parents[2]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _texts(fig: Figure) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def _shown(fig: Figure) -> str:
    """Every text the figure draws, one line each, wrapped lines joined."""
    return "\n".join(_norm(t.get_text()) for t in _texts(fig))


def _plain(markup: str) -> str:
    return _norm(html.unescape(re.sub(r"<[^>]+>", " ", markup)))


@pytest.fixture(scope="module")
def built() -> dict[str, Figure]:
    return {name: entry.build() for name, entry in FIGURES.items()}


# What the source (seed 004) says each picture shows, written out here independently.
MUST_SHOW = {
    "case_management_cycle": [
        "Identification and registration",
        "Assessment",
        "Case planning",
        "Implementing the case plan",
        "Follow-up and review",
        "Case closure",
        "back to assessment",
        "back to case planning",
        "closed case can be reopened",
    ],
    "guiding_principles": [
        "The child",
        "Do No Harm",
        "Prioritise the Best Interests of the Child",
        "Non-Discrimination",
        "Adhere to Ethical Standards",
        "Seek Informed Consent and/or Informed Assent",
        "Respect Confidentiality",
        "Ensure Accountability",
    ],
    "context_analysis": [
        "External context analysis",
        "Internal agency analysis",
        # 2.2: the wider context
        "nature and scale of child protection needs",
        "culture of the target communities",
        "capacity of social welfare and child protection systems",
        "legislation and policy frameworks",
        "positive community practices",
        "critical gaps in service provision",
        "referral mechanisms",
        "marginalised children",
        "Coordination mechanisms",
        "Access and security",
        "accountability mechanisms",
        # 2.3: the agency
        "Population coverage",
        "Services available",
        "Types of intervention",
        "Risks to security and safety",
        "Number of staff and skills of staff, including access to external support",
        "Budget",
        "Transition and/or exit strategy",
        # 2.3: what the two analyses decide
        "whether case management is appropriate",
        "who is best placed to do it",
        "what support they need",
    ],
    "case_plan_services": [
        "Direct services",
        "Referrals",
        "Community-based",
        "Advocacy",
        "Parenting advice",
        "Psychosocial support during regular monitoring",
        "permission of the child and family",
        "coordinates all services",
    ],
}


def test_there_is_one_figure_per_lost_picture():
    assert set(FIGURES) == set(MUST_SHOW)


@pytest.mark.parametrize("name", sorted(MUST_SHOW))
def test_each_figure_builds_with_the_object_api(built, name):
    fig = built[name]
    assert isinstance(fig, Figure)
    png = png_of(fig, dpi=40)
    assert png.startswith(b"\x89PNG")


@pytest.mark.parametrize("name", sorted(MUST_SHOW))
def test_each_figure_shows_what_the_source_says(built, name):
    shown = _shown(built[name])
    for phrase in MUST_SHOW[name]:
        assert phrase in shown, f"{name} does not show {phrase!r}"


def test_the_cycle_numbers_its_six_steps_and_draws_the_returns_dashed(built):
    fig = built["case_management_cycle"]
    shown = {_norm(t.get_text()) for t in _texts(fig)}
    assert {"1", "2", "3", "4", "5", "6"} <= shown
    legend = fig.axes[0].get_legend()
    labels = [t.get_text() for t in legend.get_texts()]
    assert labels == ["usual order of the steps", "return to an earlier step"]
    styles = [h.get_linestyle() for h in legend.legend_handles]
    assert styles[0] == "-" and styles[1] != "-"  # told apart by line style, not colour alone


def test_the_principles_are_numbered_one_to_seven_around_the_child(built):
    shown = {_norm(t.get_text()) for t in _texts(built["guiding_principles"])}
    assert {str(n) for n in range(1, 8)} <= shown


@pytest.mark.parametrize("name", sorted(MUST_SHOW))
def test_the_description_names_every_text_the_figure_shows(built, name):
    description = _plain(FIGURES[name].description.html())
    for text in _texts(built[name]):
        if text.get_text() == "•":  # a list's bullet: the description is a list too
            continue
        assert _norm(text.get_text()) in description, (
            f"{name}: {text.get_text()!r} is drawn but not in the text description"
        )
    assert _norm(FIGURES[name].description.text()).startswith(
        _norm(FIGURES[name].description.summary)
    )


@pytest.mark.parametrize("name", sorted(MUST_SHOW))
def test_each_figure_has_a_short_alt_text_and_a_caption(name):
    d = FIGURES[name].description
    assert 20 < len(d.alt) <= 250
    assert "description" in d.alt  # tells screen reader users there is more
    assert d.caption.strip()


def test_the_services_figure_says_which_examples_section_3_4_gives(built):
    """The trainee is told, in the course's voice, that the referral examples are not 3.4's."""
    d = FIGURES["case_plan_services"].description
    assert "Section 3.4 gives no examples of referrals" in d.caption
    assert "Section 3.4 gives examples of direct services only" in d.note


@pytest.mark.parametrize("name", sorted(MUST_SHOW))
def test_no_text_is_clipped_or_overlaps_another(built, name):
    fig = built[name]
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    page = fig.bbox
    boxes = []
    for text in _texts(fig):
        box = text.get_window_extent(renderer)
        assert page.x0 <= box.x0 and box.x1 <= page.x1, f"{text.get_text()!r} is cut off"
        assert page.y0 <= box.y0 and box.y1 <= page.y1, f"{text.get_text()!r} is cut off"
        if text.get_text() != "•":
            boxes.append((text.get_text(), box))
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        assert not box_a.overlaps(box_b), f"{name}: {a!r} overlaps {b!r}"


@pytest.mark.parametrize("name", sorted(MUST_SHOW))
def test_text_is_large_enough_to_read(built, name):
    sizes = [t.get_fontsize() for t in _texts(built[name])]
    assert min(sizes) >= 14


def _luminance(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in matplotlib.colors.to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_colours_have_good_contrast():
    for fill in (
        "white",
        theme.BLUE_FILL,
        theme.GREEN_FILL,
        theme.ORANGE_FILL,
        theme.GREY_FILL,
    ):
        assert _contrast(theme.INK, fill) >= 7
    for line in (theme.BLUE, theme.RED, theme.GREEN, theme.ORANGE):
        assert _contrast(line, "white") >= 4.5
    assert _contrast("white", theme.BLUE) >= 4.5  # the numbers in the badges


def test_figures_use_no_pyplot_and_leave_rcparams_alone():
    before = dict(matplotlib.rcParams)
    for entry in FIGURES.values():
        entry.build()
    assert dict(matplotlib.rcParams) == before
    code = (
        "import sys\n"
        "from cmcourse.lessons.figures import FIGURES, figure_html\n"
        "[figure_html(name) for name in FIGURES]\n"
        "print('matplotlib.pyplot' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    for module in (figures, picture):
        source = Path(module.__file__).read_text()
        assert not re.search(r"^\s*(import|from) .*pyplot", source, re.MULTILINE)
        assert not re.search(r"rcParams(\[|\.update)|matplotlib\.(rc|use)\(|\brc_context", source)


@pytest.fixture
def displayed(monkeypatch):
    import IPython.display

    shown: list[str] = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj.data))
    return shown


@pytest.mark.parametrize("name", sorted(MUST_SHOW))
def test_show_figure_displays_an_accessible_image(displayed, name):
    show_figure(name)
    assert len(displayed) == 1
    page = displayed[0]
    d = FIGURES[name].description
    assert "<figure" in page and "<figcaption" in page and "<img" in page
    assert f'alt="{html.escape(d.alt)}"' in page
    assert "Text description of the figure" in page and "<details" in page
    assert d.html() in page
    assert html.escape(d.caption) in page
    assert "max-width: 100%" in page
    desc_id = re.search(r'aria-describedby="([^"]+)"', page).group(1)
    assert f'id="{desc_id}"' in page
    data = re.search(r'src="data:image/png;base64,([^"]+)"', page).group(1)
    assert base64.b64decode(data).startswith(b"\x89PNG")


def test_an_unknown_figure_is_a_friendly_message_not_a_traceback(displayed):
    show_figure("no_such_figure")
    assert 'class="cm-error"' in displayed[0]
    assert "Traceback" not in displayed[0]
    with pytest.raises(KeyError, match="case_management_cycle"):
        figure_html("no_such_figure")


PAGES = {
    "case_management_cycle": ["course/module1/1_2_core_steps.ipynb"],
    "guiding_principles": ["course/module1/1_3_guiding_principles.ipynb"],
    "context_analysis": ["course/module2/2_2_external_analysis.ipynb"],
    "case_plan_services": ["course/module3/3_4_implementation.ipynb"],
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_figure_is_on_its_page_in_a_cell_that_only_calls_the_package(name):
    for path in PAGES[name]:
        nb = nbformat.read(ROOT / path, as_version=4)
        cells = [c for c in nb.cells if c.cell_type == "code" and "show_figure" in c.source]
        assert len(cells) == 1, f"{path}: expected one figure cell"
        assert cells[0].source == (f'from cmcourse import show_figure\n\nshow_figure("{name}")')
