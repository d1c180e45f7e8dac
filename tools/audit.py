"""Known vulnerabilities in the packages of requirements.lock (`make audit`).

    python tools/audit.py [--lock requirements.lock] [--ignore tools/audit-ignore.toml]
                          [--report SAVED.json]

pip-audit (PyPA's tool) looks up every pinned package, as pinned, in an advisory database:
PyPI's, else OSV's. No package is installed or run. The outcome, in plain words:

- a vulnerability not in the ignore file: each is named, with the version that fixes it, and
  the command fails (exit 1);
- none (or only ignored ones, each with its reason): it passes;
- no advisory database could be reached (no internet, or a package mirror that has no
  advisories): it says that nothing was checked, and does not fail: a machine without
  internet can still build and test. It is not a pass; run it again where there is internet.

--report decides from a report pip-audit saved (`-f json`) instead of asking a database.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
IGNORE = ROOT / "tools" / "audit-ignore.toml"
SERVICES = ("pypi", "osv")  # PyPI's advisories first (what pip-audit uses by default), then OSV


class AuditProblem(Exception):
    """Something to fix before the audit can say anything (a bad ignore file)."""


@dataclass(frozen=True)
class Finding:
    package: str
    version: str
    id: str
    aliases: tuple[str, ...]
    fixed_in: tuple[str, ...]

    def line(self) -> str:
        names = ", ".join((self.id, *self.aliases))
        fix = f"fixed in {', '.join(self.fixed_in)}" if self.fixed_in else "no fixed version yet"
        return f"{self.package} {self.version}: {names} ({fix})"


@dataclass
class Outcome:
    checked: int = 0  # packages the database knew and answered for
    not_checked: list[str] = field(default_factory=list)
    found: list[Finding] = field(default_factory=list)
    ignored: list[tuple[Finding, str]] = field(default_factory=list)
    unused_ignores: list[str] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)  # why each database gave nothing

    @property
    def failed(self) -> bool:
        return bool(self.found)


def read_ignores(path: Path) -> dict[str, str]:
    """{advisory id: reason} from the checked-in ignore file; every entry needs a reason."""
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise AuditProblem(f"{path} cannot be read: {exc}") from None
    ignores = {}
    for n, entry in enumerate(data.get("ignore", []), start=1):
        advisory, reason = str(entry.get("id", "")).strip(), str(entry.get("reason", "")).strip()
        if not advisory or len(reason.split()) < 3:
            raise AuditProblem(
                f"{path}, entry {n}: each ignored advisory needs its id and a reason in a few "
                "words (why it does not touch this course, or until when it is accepted)."
            )
        ignores[advisory] = reason
    return ignores


def decide(report: dict[str, Any], ignores: dict[str, str]) -> Outcome:
    """What pip-audit's JSON report says, with the ignore file applied."""
    outcome = Outcome()
    used = set()
    for dep in report.get("dependencies", []):
        if "skip_reason" in dep:
            outcome.not_checked.append(str(dep["name"]))
            continue
        outcome.checked += 1
        for vuln in dep.get("vulns", []):
            finding = Finding(
                str(dep["name"]),
                str(dep.get("version", "")),
                str(vuln["id"]),
                tuple(vuln.get("aliases", [])),
                tuple(vuln.get("fix_versions", [])),
            )
            reason = next(
                (ignores[i] for i in (finding.id, *finding.aliases) if i in ignores), None
            )
            if reason is None:
                outcome.found.append(finding)
            else:
                outcome.ignored.append((finding, reason))
                used.update(i for i in (finding.id, *finding.aliases) if i in ignores)
    if outcome.checked:
        outcome.unused_ignores = sorted(set(ignores) - used)
    else:
        outcome.unreachable.append(
            "it answered for none of the packages, as a package mirror without advisories does"
        )
    return outcome


def ask(service: str, lock: Path) -> tuple[dict[str, Any] | None, str]:
    """pip-audit's report from one advisory database, or None and why there is none."""
    with tempfile.TemporaryDirectory(prefix="cm101-audit-") as tmp:
        out = Path(tmp) / "report.json"
        done = subprocess.run(
            [
                *(sys.executable, "-m", "pip_audit", "-r", str(lock), "--no-deps", "--disable-pip"),
                *("-s", service, "-f", "json", "-o", str(out), "--progress-spinner", "off"),
                *("--cache-dir", str(Path(tmp) / "cache"), "--timeout", "15"),
            ],
            capture_output=True,
            text=True,
        )
        if out.exists():
            return json.loads(out.read_text(encoding="utf-8")), ""
    last = [line for line in done.stderr.splitlines() if line.strip()][-1:] or ["no answer"]
    if "ConnectionError" in last[0] or "resolve" in last[0] or "Timeout" in last[0]:
        return None, "no connection"
    return None, last[0][:300]


def audit(lock: Path, ignores: dict[str, str]) -> Outcome:
    """The first advisory database that answers for the lock's packages decides."""
    why = []
    for service in SERVICES:
        report, problem = ask(service, lock)
        if report is not None:
            outcome = decide(report, ignores)
            if not outcome.unreachable:
                return outcome
            problem = outcome.unreachable[0]
        why.append(f"{service}: {problem}")
    return Outcome(unreachable=why)


def say(outcome: Outcome) -> str:
    if outcome.unreachable:
        return (
            "No advisory database could be reached ("
            + "; ".join(outcome.unreachable)
            + "), so nothing was checked. This does not fail the build, and it is not a pass:"
            " run `make audit` again on a machine with internet access."
        )
    lines = [f"{outcome.checked} packages of requirements.lock checked for known vulnerabilities."]
    if outcome.not_checked:
        lines.append(f"Not known to the database, so not checked: {', '.join(outcome.not_checked)}")
    for finding, reason in outcome.ignored:
        lines.append(f"Ignored (tools/audit-ignore.toml): {finding.line()}: {reason}")
    for advisory in outcome.unused_ignores:
        lines.append(f"{advisory} is in tools/audit-ignore.toml but no longer found: remove it.")
    if outcome.found:
        lines.append(f"{len(outcome.found)} known vulnerabilities:")
        lines += [f"  {finding.line()}" for finding in outcome.found]
        lines.append(
            "Update the package (pyproject.toml, then make lock), or, if it cannot touch this "
            "course, add it to tools/audit-ignore.toml with the reason."
        )
    else:
        lines.append("No known vulnerabilities.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="tools/audit.py", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--lock", type=Path, default=ROOT / "requirements.lock")
    parser.add_argument("--ignore", type=Path, default=IGNORE)
    parser.add_argument("--report", type=Path, help="a report pip-audit saved (-f json)")
    args = parser.parse_args(argv)
    try:
        ignores = read_ignores(args.ignore)
    except AuditProblem as exc:
        print(exc)
        return 2
    if args.report:
        outcome = decide(json.loads(args.report.read_text(encoding="utf-8")), ignores)
    else:
        outcome = audit(args.lock, ignores)
    print(say(outcome))
    return 1 if outcome.failed else 0


if __name__ == "__main__":
    sys.exit(main())
