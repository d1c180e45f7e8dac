"""The trainer report page: scores, question difficulty and exports, for the signed-in trainer.

    report_page()               # in workshop/report.ipynb: the report, for the signed-in trainer
    report_html(folder)         # the report itself as HTML (templates/trainer_report.html)

It puts together the trainer wing's parts: `roster.read_progress` (trainees' files, read
only), `scores.trainee_scores` / `scores.question_stats` / `scores.histogram`, `exports.to_csv`
and `exports.xapi_statements`, and `gate` (the trainer's session). The page computes nothing
about trainees for a browser the trainer has not signed in.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from markupsafe import Markup

from cmcourse.core.bank import ModuleBank, Reflection, load_bank
from cmcourse.core.safety import kindly, setup_logging, shown
from cmcourse.html.parts import download_link
from cmcourse.html.theme import STYLE
from cmcourse.trainer.certificates import lookup_box
from cmcourse.trainer.exports import statements_of, to_csv
from cmcourse.trainer.gate import trainer_gate
from cmcourse.trainer.learning import item_gains, trainee_gains
from cmcourse.trainer.roster import read_progress, when
from cmcourse.trainer.scores import (
    TraineeScore,
    histogram,
    histogram_alt,
    histogram_description,
    module_label,
    module_order,
    scores_of,
    stats_of,
)


def report_html(folder: Path | None = None, banks: Mapping[str, ModuleBank] | None = None) -> str:
    """The whole report as HTML: tables, histogram, downloads (no widgets), from the template
    html/templates/trainer_report.html."""
    from cmcourse.html.documents import render
    from cmcourse.html.picture import png

    banks = banks if banks is not None else load_bank()
    files = read_progress(folder)
    scores = scores_of(files, banks)
    stats = stats_of(files, banks)
    started = [r.percent for r in scores if r.started]
    statements = statements_of(files, banks=banks)
    stamp = dt.date.today().isoformat()
    files_to_download = [
        ("Scores (CSV)", f"cm101-scores-{stamp}.csv", "text/csv", to_csv(scores).encode()),
        (
            "Question difficulty (CSV)",
            f"cm101-questions-{stamp}.csv",
            "text/csv",
            to_csv(stats).encode(),
        ),
        (
            "xAPI statements (JSON, trainee ids only)",
            f"cm101-xapi-{stamp}.json",
            "application/json",
            json.dumps(statements, indent=2, ensure_ascii=False).encode(),
        ),
    ]
    # html.parts.download_link escapes its own label and file name: its link goes in as is.
    downloads = [Markup(download_link(*file)) for file in files_to_download]
    return render(
        "trainer_report.html",
        scores=scores,
        stats=stats,
        modules=sorted({k for r in scores for k in r.modules}, key=module_order),
        module_label=lambda key: module_label(key, banks),
        short_label=lambda key: module_label(key, banks).split(":")[0],
        reflections=written_by_question(scores, banks),
        when=when,
        downloads=downloads,
        left_out=len(scores) - len(started),
        gains=trainee_gains(files),
        item_gains=item_gains(files),
        histogram={
            "png": base64.b64encode(png(histogram(started), dpi=150)).decode(),
            "alt": histogram_alt(started),
            "description": histogram_description(started),
        },
    )


def written_by_question(
    scores: list[TraineeScore], banks: Mapping[str, ModuleBank]
) -> list[tuple[Reflection, list[tuple[str, str, str]]]]:
    """Each reflection of the bank someone wrote, in course order, with (name, label, text)
    of everyone who wrote it."""
    found = []
    for bank in (b for _, b in sorted(banks.items(), key=lambda kb: module_order(kb[0]))):
        for item in bank.reflections:
            written = [
                (r.name, r.label, w.text) for r in scores for w in r.written if w.id == item.id
            ]
            if written:
                found.append((item, written))
    return found


@kindly
def report_page(folder: Path | None = None) -> None:
    """The trainer report for Voilà: a passcode box; the report once the code is right."""
    setup_logging()
    shown(STYLE)
    _gate_widgets(folder)


def _gate_widgets(folder: Path | None) -> None:
    from IPython.display import display

    def open_report(content: Any) -> str:
        display(lookup_box(folder))
        content.value = report_html(folder)
        return (
            '<p role="status" aria-live="polite">The report shows the progress saved up to '
            "now. Reload the page to see newer work.</p>"
        )

    trainer_gate(title="CM 101: trainer report", what="trainer report", on_open=open_report)
