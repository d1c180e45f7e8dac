"""A form's paper text shown as the paper form: headings with their notes, tick boxes a screen
reader reads as ticked or not, options on one line kept on one line, tables, all escaped."""

from __future__ import annotations

import re

from cmcourse.html.paperform import Field, Heading, Table, folded_paper_html, parse

FORM = """\
# A comment line is not shown.
SMALL FORM

1. ELIGIBILITY & CONSENT / ASSENT Ensure case meets eligibility criteria.

Case meets eligibility criteria: [   ] No [ X ] Yes

Care arrangement:
[ X ] Parent(s)
[] Foster care
[X  ] Kafala

2.A. CHILD

11. I often felt pressured by the caseworker.

Comprehensive assessment – risk level

| Tick | Risk level | Summary of reasons<br>Why |
| X | HIGH | <script>alert(1)</script> & more |
| | LOW | |
"""


def test_capitals_after_a_number_are_a_section_heading_and_the_rest_its_note():
    blocks = parse(FORM).blocks
    assert blocks[0] == (
        Heading("1.", "ELIGIBILITY & CONSENT / ASSENT", "Ensure case meets eligibility criteria."),
    )
    assert blocks[3][0] == Heading("2.A.", "CHILD", "")
    assert blocks[3][0].level == 5 and blocks[0][0].level == 4
    assert not isinstance(blocks[4][0], Heading)  # a numbered question is not a heading


def test_tick_boxes_answer_the_question_above_or_on_their_line():
    form = parse(FORM)
    inline, listed = form.options()
    assert inline.question == "Case meets eligibility criteria" and inline.inline
    assert [(o.label, o.ticked) for o in inline.options] == [("No", False), ("Yes", True)]
    assert listed.question == "Care arrangement" and not listed.inline
    assert [o.ticked for o in listed.options] == [True, False, True]
    assert form.blocks[2][0] == Field("Care arrangement", "")


def test_a_ticked_box_is_marked_and_a_screen_reader_hears_whether_it_is_ticked():
    html = folded_paper_html(FORM, "Small form")
    assert (
        '<li class="cm-paper-opt cm-paper-ticked"><span class="cm-paper-box" aria-hidden="true">'
        '☒</span>Parent(s)<span class="cm-sr-only"> (ticked)</span></li>'
    ) in html
    assert (
        '<li class="cm-paper-opt"><span class="cm-paper-box" aria-hidden="true">☐</span>'
        'Foster care<span class="cm-sr-only"> (not ticked)</span></li>'
    ) in html
    assert '<ul class="cm-paper-options cm-paper-inline" aria-label="Case meets' in html
    assert '<ul class="cm-paper-options" aria-label="Care arrangement">' in html


def test_the_line_naming_a_table_is_its_caption_and_its_tick_column_holds_tick_boxes():
    (table,) = parse(FORM).blocks[-1]
    assert isinstance(table, Table)
    assert table.caption == "Comprehensive assessment – risk level"
    assert table.rows[0][:2] == ("X", "HIGH")
    html = folded_paper_html(FORM, "Small form")
    assert "<caption>Comprehensive assessment – risk level</caption>" in html
    assert (  # the ticked row is marked as a ticked option is
        '<tr role="row" class="cm-paper-ticked"><td role="cell" data-label="Tick">'
        '<span class="cm-paper-box" aria-hidden="true">☒</span>'
        '<span class="cm-sr-only">ticked</span></td><td role="cell" data-label="Risk level">'
        "<p>HIGH</p>"
    ) in html
    assert '<span class="cm-sr-only">not ticked</span>' in html
    assert 'data-label="Summary of reasons"' in html  # a phone names each cell by its column
    assert '<span class="cm-paper-note">Why</span>' in html


def test_everything_from_the_text_is_escaped():
    html = folded_paper_html(FORM.replace("SMALL FORM", "SMALL <b>FORM</b>"), "A <i>title</i>")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html
    assert "SMALL &lt;b&gt;FORM&lt;/b&gt;" in html and "A &lt;i&gt;title&lt;/i&gt;" in html
    assert "comment line" not in html


def test_the_form_is_folded_under_its_title():
    html = folded_paper_html(FORM, "1.A Small form")
    assert html.startswith(
        '<details class="cm-paper"><summary><strong>1.A Small form</strong> (open to read the form)'
    )
    assert re.search(r'<h3 class="cm-paper-title">SMALL FORM</h3>', html)
