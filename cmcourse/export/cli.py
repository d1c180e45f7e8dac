"""`cm101` on the command line: `cm101 export FORMAT [--out FILE]`.

Each format is one subcommand of `export`, added by its module's `add_command`. Every problem
is one plain line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from typing import Any

from cmcourse.export.output import ExportProblem
from cmsim.errors import CmsimError

AddCommand = Callable[[Any], None]  # given argparse's subparsers action for `export`

# Each format's module: its `add_command(formats)` adds the format's subcommand, whose `run`
# takes the parsed arguments and returns the exit code.
FORMATS: tuple[str, ...] = ("cmcourse.export.moodle", "cmcourse.export.scorm")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cm101",
        description="CM 101 for learning platforms: files built from the course's own sources.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    export = commands.add_parser(
        "export", help="write the course, or its question bank, for a learning platform"
    )
    formats = export.add_subparsers(dest="format", required=True, metavar="FORMAT")
    for name in FORMATS:
        add_command: AddCommand = importlib.import_module(name).add_command
        add_command(formats)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except (ExportProblem, CmsimError) as exc:
        print(f"cm101: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
