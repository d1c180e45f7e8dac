"""`cmsim` on the command line: check a case file, summarise it, run the caseload simulator.

Every problem is one plain line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from cmsim.case import Case
from cmsim.casefile import load_case_file
from cmsim.dates import fmt, parse_day_first
from cmsim.errors import CmsimError
from cmsim.sop import CASE_STUDY_SOP, DEFAULT_SOP, SOP, load_sop


def load_case(path: str | Path, sop: SOP | None = None) -> Case:
    """A case from a case script (YAML, or a folder holding case.yaml) or a saved file (JSON)."""
    from cmsim.replay import replay

    path = Path(path)
    if path.is_dir():
        path = path / "case.yaml"
    if path.suffix.lower() == ".json":
        chosen = sop or DEFAULT_SOP
        return Case(load_case_file(path, chosen), chosen)
    return replay(path, sop=sop)


def _date(text: str) -> dt.date:
    try:
        return parse_day_first(text)
    except Exception:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date written dd/mm/yyyy, e.g. 05/09/2022"
        ) from None


def _print_json(data: object) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def cmd_check(args: argparse.Namespace) -> int:
    from cmsim.checklist import evaluate
    from cmsim.timeline import deadlines

    case = load_case(args.path, args.sop)
    items = evaluate(case.file, case.sop, args.as_of)
    due = [
        d
        for d in deadlines(case.file, case.sop, args.as_of)
        if d.status in {"due", "overdue", "late"}
    ]
    if args.json:
        _print_json(
            {
                "case": case.file.code,
                "as_of": fmt(args.as_of),
                "checklist": [
                    {
                        "section": i.section,
                        "item": i.number,
                        "text": i.text,
                        "answer": i.answer,
                        "reason": i.reason,
                    }
                    for i in items
                ],
                "deadlines": [
                    {
                        "what": d.what,
                        "due": fmt(d.due),
                        "done": fmt(d.done_on),
                        "status": d.status,
                        "rule": d.rule,
                    }
                    for d in due
                ],
            }
        )
        return 0
    print(
        f"Case file checklist for {case.file.code} (as of {fmt(args.as_of)}, SOP: {case.sop.name})"
    )
    section = ""
    for item in items:
        if item.section != section:
            section = item.section
            print(f"\n{section}")
        print(f"  {item.number}. [{item.answer:>2}] {item.text}")
        print(f"         {item.reason}")
    print("\nLate, due and overdue")
    for d in due:
        print(f"  - {d.describe()} ({d.rule})")
    if not due:
        print("  nothing")
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    from cmsim.summary import summarise

    case = load_case(args.path, args.sop)
    summary = summarise(case.file, case.sop, args.as_of)
    if args.json:
        _print_json(summary.as_dict())
    else:
        print("\n".join(summary.lines()))
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    from cmsim.caseload.indicators import compute_indicators
    from cmsim.caseload.simulator import SimParams, simulate

    given = {
        "days": args.days,
        "scenario": args.scenario,
        "caseworkers": args.caseworkers,
        "arrivals_per_day": args.arrivals_per_day,
    }
    params = SimParams.from_values({k: v for k, v in given.items() if v is not None})
    # Risk-graded timelines, as the simulator's own default: the case study's SOP.
    sop = args.sop or CASE_STUDY_SOP
    result = simulate(params, sop=sop, seed=args.seed)
    indicators = compute_indicators(result)
    if args.json:
        _print_json(
            {
                "seed": args.seed,
                "params": params.model_dump(mode="json"),
                "indicators": indicators.model_dump(mode="json"),
            }
        )
    else:
        print(
            f"Caseload simulation: seed {args.seed}, {params.days} days, scenario "
            f"{params.scenario}, SOP: {sop.name}"
        )
        for line in indicators.describe():
            print(f"  {line}")
    return 0


def cmd_sop(args: argparse.Namespace) -> int:
    from cmsim.sop import sop_as_yaml

    sop = args.sop or DEFAULT_SOP
    if args.json:
        _print_json(sop.model_dump(mode="json"))
    else:
        print(f"# SOP: {sop.name}. Edit, save as a .yaml file and pass it with --sop FILE.")
        print(sop_as_yaml(sop), end="")
    return 0


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one plain line, exit 2, as argparse does
        self.exit(2, f"cmsim: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cmsim", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def common(p: argparse.ArgumentParser, path: bool = True) -> None:
        if path:
            p.add_argument(
                "path", help="case script (.yaml), folder with case.yaml, or case file (.json)"
            )
            p.add_argument(
                "--as-of",
                type=_date,
                default=dt.date.today(),
                help="judge deadlines as of this date (dd/mm/yyyy; default today)",
            )
        p.add_argument("--sop", type=Path, help="a trainer's SOP file (YAML)")
        p.add_argument("--json", action="store_true", help="machine-readable output")

    check = sub.add_parser("check", help="case file checklist and late or overdue items")
    common(check)
    check.set_defaults(run=cmd_check)
    summary = sub.add_parser("summary", help="the case's key facts")
    common(summary)
    summary.set_defaults(run=cmd_summary)
    sop = sub.add_parser("sop", help="print the SOP in force (the defaults, or --sop FILE)")
    common(sop, path=False)
    sop.set_defaults(run=cmd_sop)
    sim = sub.add_parser("simulate", help="run the caseload simulator and print the indicators")
    common(sim, path=False)
    sim.add_argument("--seed", type=int, default=0, help="same seed, same run")
    sim.add_argument("--days", type=int)
    sim.add_argument(
        "--scenario",
        help="baseline, population_arrival, fewer_staff, "
        "pressure_to_close, broken_referral_pathway or programme_closing",
    )
    sim.add_argument("--caseworkers", type=int)
    sim.add_argument("--arrivals-per-day", type=float)
    sim.set_defaults(run=cmd_simulate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.sop is not None:
            args.sop = load_sop(args.sop)
        return int(args.run(args))
    except CmsimError as exc:
        print(f"cmsim: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
