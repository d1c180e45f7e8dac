"""Known vulnerabilities in the packages of requirements.lock (`make audit`).

    python tools/audit.py [--lock requirements.lock] [--ignore tools/audit-ignore.toml]
                          [--report SAVED.json]

pip-audit (PyPA's tool) looks up every pinned package, as pinned, in an advisory database:
PyPI's, else OSV's. No package is installed or run. The outcome, in plain words:

- a vulnerability not in the ignore file: each is named, with the version that fixes it, and
  the command fails (exit 1);
- none (or only ignored ones, each with its reason): it passes;
- no advisory database could be used: none could be reached (no connection, refused, no
  answer in time, a proxy that refuses, a server error), or the one that answered has no
  advisories (a package mirror: it answers for none of the packages, or it does not flag the
  probe, Jinja 3.1.2, which has known ones): it says that nothing was checked, and does not
  fail: a machine without internet can still build and test. It is not a pass; run it again
  where there is internet;
- the audit itself cannot run (the lock is missing or pip-audit cannot read it, pip-audit
  fails in any other way): it says so, and fails (exit 2), so a broken audit step is seen.

--report decides from a report pip-audit saved (`-f json`) instead of asking a database (no
probe: the report is taken as it is).
"""

from __future__ import annotations

import argparse
import json
import re
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
    broken: str = ""  # why the audit itself could not run

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


# A pin every advisory database knows to be vulnerable (GHSA-h5c8-rqwp-cp95 among others). A
# database that does not flag it has no advisories (a package mirror whose JSON lacks
# PyPI's "vulnerabilities" key makes pip-audit call every package clean): its answers mean
# nothing.
PROBE = ("jinja2", "3.1.2")

# What pip-audit's stderr shows when the database could not be reached, and how to say it.
# Anything else that stops pip-audit is a failure of the audit itself.
UNREACHABLE = (
    (
        re.compile(r"NameResolutionError|Failed to resolve|Name or service not known"),
        "no connection",
    ),
    (re.compile(r"ConnectionRefusedError|Connection refused"), "no connection (refused)"),
    (re.compile(r"ConnectTimeout|ReadTimeout|timed out|Could not connect to"), "no answer in time"),
    (re.compile(r"ProxyError"), "no connection (the proxy refused)"),
    (re.compile(r"SSLError"), "no connection (its certificate could not be verified)"),
    (re.compile(r"HTTPError: 5\d\d"), "the service answered with a server error (HTTP 5xx)"),
    (re.compile(r"requests\.exceptions\.ConnectionError|not redirecting"), "no connection"),
)


@dataclass(frozen=True)
class Answer:
    """One pip-audit run: its report, or why there is none."""

    report: dict[str, Any] | None = None
    unreachable: str = ""  # the database could not be reached: nothing was checked
    broken: str = ""  # pip-audit itself failed: the audit step is broken


def what_went_wrong(stderr: str) -> Answer:
    for pattern, said in UNREACHABLE:
        if pattern.search(stderr):
            return Answer(unreachable=said)
    # pip-audit's own error (a log line and what follows it), else the traceback's last line.
    lines = [line for line in stderr.splitlines() if line.strip()]
    errors = [n for n, line in enumerate(lines) if line.startswith("ERROR:")]
    if errors:
        said = " ".join(line.strip() for line in lines[errors[0] :] if line.strip(" ^"))
        said = said.removeprefix("ERROR:pip_audit._cli:")
    else:
        said = lines[-1] if lines else "it stopped without saying why"
    return Answer(broken=said[:500])


def ask(service: str, requirements: Path) -> Answer:
    """pip-audit's report on a requirements file from one advisory database."""
    with tempfile.TemporaryDirectory(prefix="cm101-audit-") as tmp:
        out = Path(tmp) / "report.json"
        done = subprocess.run(
            [
                *(sys.executable, "-m", "pip_audit", "-r", str(requirements)),
                *("--no-deps", "--disable-pip", "-s", service, "-f", "json", "-o", str(out)),
                *("--progress-spinner", "off", "--cache-dir", str(Path(tmp) / "cache")),
                *("--timeout", "15"),
            ],
            capture_output=True,
            text=True,
        )
        if done.returncode in (0, 1) and out.exists():
            try:
                return Answer(report=json.loads(out.read_text(encoding="utf-8")))
            except json.JSONDecodeError as exc:
                return Answer(broken=f"its report cannot be read: {exc}")
    return what_went_wrong(done.stderr)


def probe_flagged(report: dict[str, Any]) -> bool:
    name, version = PROBE
    return any(
        dep.get("name", "").lower() == name and dep.get("version") == version and dep.get("vulns")
        for dep in report.get("dependencies", [])
    )


NO_ADVISORIES = (
    f"it answered, but has no advisory for {' '.join(PROBE)}, which has known ones "
    "(GHSA-h5c8-rqwp-cp95), so its answers mean nothing"
)


def one_database(service: str, lock: Path, probe: Path, ignores: dict[str, str]) -> Outcome:
    """What one database says of the lock: decided, unreachable (and why), or broken."""
    answer = ask(service, lock)  # first: a lock pip-audit cannot read fails, network or not
    if answer.broken:
        return Outcome(broken=f"pip-audit ({service}): {answer.broken}")
    if answer.report is None:
        return Outcome(unreachable=[answer.unreachable])
    outcome = decide(answer.report, ignores)
    if outcome.unreachable:
        return outcome
    check = ask(service, probe)
    if check.broken:
        return Outcome(broken=f"pip-audit ({service}, probe {'=='.join(PROBE)}): {check.broken}")
    if check.report is None:
        return Outcome(unreachable=[check.unreachable])
    return outcome if probe_flagged(check.report) else Outcome(unreachable=[NO_ADVISORIES])


def audit(lock: Path, ignores: dict[str, str]) -> Outcome:
    """The first advisory database that answers, and flags the probe, decides."""
    if not lock.is_file():
        return Outcome(broken=f"{lock} is not a file")
    why = []
    with tempfile.TemporaryDirectory(prefix="cm101-probe-") as tmp:
        probe = Path(tmp) / "probe.txt"
        probe.write_text("==".join(PROBE) + "\n", encoding="utf-8")
        for service in SERVICES:
            outcome = one_database(service, lock, probe, ignores)
            if outcome.broken or not outcome.unreachable:
                return outcome
            why.append(f"{service}: {outcome.unreachable[0]}")
    return Outcome(unreachable=why)


def say(outcome: Outcome) -> str:
    if outcome.broken:
        return (
            f"The audit itself failed, so nothing was checked: {outcome.broken}. This is not a "
            "network problem: fix it (the lock file, the ignore file or pip-audit), then run "
            "`make audit` again."
        )
    if outcome.unreachable:
        return (
            "No advisory database could be used ("
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
    return 2 if outcome.broken else 1 if outcome.failed else 0


if __name__ == "__main__":
    sys.exit(main())
