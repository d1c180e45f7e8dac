"""The dependency audit (issue 17, low): `make audit` (tools/audit.py, pip-audit on
requirements.lock) fails on a known vulnerability not accepted with a reason, and with no
advisory database reachable says that nothing was checked, without failing. An audit that
cannot run (a lock pip-audit cannot read) fails, and a database that answers but knows no
advisory (it does not flag the probe, Jinja 3.1.2) checked nothing.

A stand-in for OSV's advisory service on 127.0.0.1 (pip-audit's PIP_AUDIT_OSV_URL) answers as
each test tells it; PyPI's, whose address pip-audit does not let us change, is made
unreachable by an HTTPS proxy that refuses every connection (the same local server)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AUDIT = [sys.executable, str(ROOT / "tools" / "audit.py")]
# A report pip-audit wrote (-f json) when PyPI's advisory database answered: Jinja 3.1.2 has
# GHSA-h5c8-rqwp-cp95 (CVE-2024-22195), fixed in 3.1.3.
RECORDED = Path(__file__).with_name("pip_audit_recorded.json")


# What OSV answers for Jinja 3.1.2 (one of its advisories, as OSV's API gives it).
JINJA_ADVISORY = {
    "id": "GHSA-h5c8-rqwp-cp95",
    "aliases": ["CVE-2024-22195"],
    "summary": "Jinja vulnerable to HTML attribute injection when passing user input as keys",
    "affected": [
        {
            "package": {"name": "jinja2", "ecosystem": "PyPI"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.1.3"}]}],
        }
    ],
}
# (HTTP status, JSON body) for a (package, version) asked about
Answers = Callable[[str, str], tuple[int, object]]


def audit(
    *args: str, offline: bool = False, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    # Offline for real: in a network namespace of its own, with no network at all.
    netless = ["unshare", "--net"] if os.geteuid() == 0 else ["unshare", "--net", "--map-root-user"]
    return subprocess.run(
        [*(netless if offline else []), *AUDIT, *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env=env,
    )


@pytest.fixture
def advisory_service() -> Iterator[Callable[[Answers], dict[str, str]]]:
    """Give it how to answer; it gives the environment that sends pip-audit to it."""

    class Service(BaseHTTPRequestHandler):
        def do_CONNECT(self) -> None:  # as a proxy: PyPI (https) cannot be reached
            self.send_error(403)

        def do_POST(self) -> None:  # as OSV's /v1/query
            query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            status, body = answers(query["package"]["name"], query["version"])
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Service)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    address = f"http://127.0.0.1:{server.server_address[1]}"

    answers: Answers = only_jinja_312

    def answering(told: Answers) -> dict[str, str]:
        nonlocal answers
        answers = told
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        return env | {
            "HTTPS_PROXY": address,
            "https_proxy": address,
            "NO_PROXY": "127.0.0.1",
            "PIP_AUDIT_OSV_URL": f"{address}/v1/query",
        }

    try:
        yield answering
    finally:
        server.shutdown()
        server.server_close()


def only_jinja_312(package: str, version: str) -> tuple[int, object]:
    return 200, ({"vulns": [JINJA_ADVISORY]} if (package, version) == ("jinja2", "3.1.2") else {})


def test_with_no_network_the_audit_says_nothing_was_checked_and_does_not_fail():
    done = audit(offline=True)
    assert done.returncode == 0, done.stdout + done.stderr
    said = done.stdout
    assert "No advisory database could be used" in said and "nothing was checked" in said
    assert "pypi: no connection" in said and "osv: no connection" in said
    assert "it is not a pass" in said and "Traceback" not in done.stderr


def test_a_vulnerability_found_fails_naming_it_and_its_fix(tmp_path):
    done = audit("--report", str(RECORDED), "--ignore", str(tmp_path / "none.toml"))
    assert done.returncode == 1
    assert "jinja2 3.1.2: GHSA-h5c8-rqwp-cp95, CVE-2024-22195 (fixed in 3.1.3)" in done.stdout
    assert "2 packages of requirements.lock checked" in done.stdout
    assert "not checked: cm101-studio" in done.stdout


def test_an_advisory_ignored_with_its_reason_passes_and_is_still_named(tmp_path):
    ignore = tmp_path / "audit-ignore.toml"
    ignore.write_text(
        '[[ignore]]\nid = "CVE-2024-22195"\n'
        'reason = "the course never passes user input as keys to xmlattr"\n'
        '[[ignore]]\nid = "GHSA-0000-0000-0000"\nreason = "an old advisory since fixed upstream"\n'
    )
    done = audit("--report", str(RECORDED), "--ignore", str(ignore))
    assert done.returncode == 0, done.stdout
    assert "Ignored (tools/audit-ignore.toml): jinja2 3.1.2: GHSA-h5c8-rqwp-cp95" in done.stdout
    assert "never passes user input as keys" in done.stdout
    assert "GHSA-0000-0000-0000 is in tools/audit-ignore.toml but no longer found" in done.stdout


def test_an_ignore_without_a_reason_is_refused(tmp_path):
    ignore = tmp_path / "audit-ignore.toml"
    ignore.write_text('[[ignore]]\nid = "CVE-2024-22195"\nreason = "fine"\n')
    done = audit("--report", str(RECORDED), "--ignore", str(ignore))
    assert done.returncode == 2 and "needs its id and a reason" in done.stdout


def test_the_checked_in_ignore_file_is_valid_and_a_database_knowing_no_package_checks_nothing(
    tmp_path,
):
    report = tmp_path / "report.json"
    report.write_text(
        '{"dependencies": [{"name": "jinja2", "skip_reason": "Dependency not found on PyPI"}]}'
    )
    done = audit("--report", str(report))  # the ignore file as checked in
    assert done.returncode == 0, done.stdout
    assert "nothing was checked" in done.stdout and "answered for none" in done.stdout


def test_a_lock_that_is_not_there_fails_the_audit_itself(tmp_path):
    done = audit("--lock", str(tmp_path / "missing.lock"))
    assert done.returncode == 2, done.stdout
    assert done.stdout.startswith("The audit itself failed, so nothing was checked:")
    assert "missing.lock is not a file" in done.stdout and "No advisory database" not in done.stdout


def test_a_lock_pip_audit_cannot_read_fails_the_audit_itself_even_offline(tmp_path):
    lock = tmp_path / "bad.lock"
    lock.write_text("jinja2==3.1.6\nthis is not a requirement\n")
    done = audit("--lock", str(lock), offline=True)
    assert done.returncode == 2, done.stdout
    assert "The audit itself failed" in done.stdout and "invalid specifier at line 2" in done.stdout
    assert "No advisory database" not in done.stdout and "network" in done.stdout


def test_a_database_that_flags_nothing_not_even_the_probe_checked_nothing(advisory_service):
    env = advisory_service(lambda package, version: (200, {}))  # "no vulnerabilities" for all
    done = audit(env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "pypi: no connection (the proxy refused)" in done.stdout
    assert "osv: it answered, but has no advisory for jinja2 3.1.2" in done.stdout
    assert "nothing was checked" in done.stdout and "No known vulnerabilities" not in done.stdout


def test_a_database_that_flags_the_probe_decides(advisory_service, tmp_path):
    env = advisory_service(only_jinja_312)
    done = audit(env=env)  # the real lock: Jinja 3.1.6 there
    assert done.returncode == 0, done.stdout + done.stderr
    assert "packages of requirements.lock checked" in done.stdout
    assert done.stdout.rstrip().endswith("No known vulnerabilities.")
    lock = tmp_path / "old.lock"
    lock.write_text("jinja2==3.1.2\nmarkupsafe==3.0.2\n")
    done = audit("--lock", str(lock), env=env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "2 packages of requirements.lock checked" in done.stdout
    assert "jinja2 3.1.2: CVE-2024-22195, GHSA-h5c8-rqwp-cp95 (fixed in 3.1.3)" in done.stdout


def test_a_database_answering_server_errors_could_not_be_used(advisory_service):
    done = audit(env=advisory_service(lambda package, version: (503, {"error": "down"})))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "osv: the service answered with a server error (HTTP 5xx)" in done.stdout
    assert "nothing was checked" in done.stdout
