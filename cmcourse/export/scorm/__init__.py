"""`cm101 export scorm`: CM 101 as a SCORM 1.2 package for a learning platform (`build`)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

DEFAULT_OUT = "cm101-scorm12.zip"


def add_command(formats: Any) -> None:
    """The `scorm` subcommand of `cm101 export`."""
    command = formats.add_parser(
        "scorm",
        help="write the course's three modules as one SCORM 1.2 package (a zip)",
        description="CM 101's modules 1 to 3 as one SCORM 1.2 package: a zip to upload to "
        "Moodle, Kaya or any platform that plays SCORM 1.2. One SCO per module.",
    )
    command.add_argument(
        "--out", type=Path, default=Path(DEFAULT_OUT), help=f"the zip to write ({DEFAULT_OUT})"
    )
    command.add_argument(
        "--mastery-score",
        type=int,
        default=None,
        metavar="PERCENT",
        help="a pass mark the manifest sets for every module: a finished module is then "
        "passed or failed, not completed (default: none)",
    )
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from cmcourse.export.output import write_file
    from cmcourse.export.scorm.build import build_package

    built = build_package(args.mastery_score)
    data = built.zip_bytes()
    path = write_file(args.out, data)
    print(f"Wrote {path}.")
    print(built.summary(len(data)))
    return 0
