"""The cmsim command: plain output, --json, one clear line and a non-zero exit on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cmcourse.core.paths import NADIA_CASE

CMSIM = [sys.executable, "-m", "cmsim.cli"]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CMSIM, *args], capture_output=True, text=True, timeout=120)


def test_summary_prints_the_key_facts_of_nadia():
    out = run("summary", str(NADIA_CASE.parent))
    assert out.returncode == 0
    assert "Case CM-2022-0417: Closed" in out.stdout
    assert "Weeks open: 14" in out.stdout and "File kept until: 12/12/2027" in out.stdout


def test_summary_json_is_machine_readable():
    data = json.loads(run("summary", str(NADIA_CASE), "--json").stdout)
    assert [r["level"] for r in data["risk_history"]] == ["High", "High", "Medium"]
    assert data["closed_on"] == "12/12/2022"


def test_check_lists_the_checklist_and_overdue_items():
    out = run("check", str(NADIA_CASE), "--as-of", "01/01/2023")
    assert out.returncode == 0
    assert "Case Planning" in out.stdout and "[ N] The case plan clearly identifies" in out.stdout
    assert "Case review (after 03/10/2022): due 03/12/2022, OVERDUE" in out.stdout
    data = json.loads(run("check", str(NADIA_CASE), "--json", "--as-of", "01/01/2023").stdout)
    assert len(data["checklist"]) == 24


def test_a_saved_case_file_can_be_checked(tmp_path):
    from cmcourse.core.paths import nadia_case
    from cmsim import save_case_file

    path = tmp_path / "nadia.json"
    save_case_file(nadia_case().file, path)
    out = run("summary", str(path))
    assert out.returncode == 0 and "CM-2022-0417" in out.stdout


def test_a_missing_file_is_one_line_without_traceback(tmp_path):
    out = run("check", str(tmp_path / "nope.yaml"))
    assert out.returncode == 1
    assert out.stderr.strip().count("\n") == 0
    assert "nope.yaml" in out.stderr and "does not exist" in out.stderr
    assert "Traceback" not in out.stderr


def test_a_form_with_a_bad_field_names_the_file_and_the_field(tmp_path):
    folder = tmp_path / "case"
    folder.mkdir()
    source = Path(NADIA_CASE).parent
    (folder / "forms").mkdir()
    for form in (source / "forms").iterdir():
        (folder / "forms" / form.name).write_text(form.read_text())
    (folder / "case.yaml").write_text((source / "case.yaml").read_text())
    bad = folder / "forms" / "5B_review.yaml"
    bad.write_text(bad.read_text().replace("date: 03/10/2022", "date: 3/10/22"))
    out = run("check", str(folder))
    assert out.returncode == 1
    assert "5B_review.yaml" in out.stderr and "field 'date'" in out.stderr
    assert "day/month/year" in out.stderr and "Traceback" not in out.stderr


def test_a_bad_sop_file_is_reported_plainly(tmp_path):
    sop = tmp_path / "sop.yaml"
    sop.write_text("review:\n  high: soon\n  medium: 2 months\n  low: 3 months\n")
    out = run("summary", str(NADIA_CASE), "--sop", str(sop))
    assert out.returncode == 1
    assert "sop.yaml" in out.stderr and "review.high" in out.stderr


def test_a_bad_option_value_is_one_plain_line():
    out = run("check", str(NADIA_CASE), "--as-of", "2023-01-01")
    assert out.returncode == 2 and "dd/mm/yyyy" in out.stderr and "Traceback" not in out.stderr


def test_sop_prints_an_editable_file_that_loads_back(tmp_path):
    from cmsim import DEFAULT_SOP, load_sop

    out = run("sop")
    assert out.returncode == 0 and "follow_up:" in out.stdout
    path = tmp_path / "mine.yaml"
    path.write_text(out.stdout)
    assert load_sop(path) == DEFAULT_SOP


def test_simulate_prints_the_dashboard_indicators_and_repeats_with_the_same_seed():
    out = run("simulate", "--seed", "7", "--days", "120", "--scenario", "fewer_staff")
    assert out.returncode == 0
    assert "Caseload per caseworker" in out.stdout and "Overdue tasks" in out.stdout
    assert "SOP: The Nadia case study's SOP" in out.stdout  # risk-graded, as the simulator's
    first = json.loads(run("simulate", "--seed", "7", "--days", "120", "--json").stdout)
    again = json.loads(run("simulate", "--seed", "7", "--days", "120", "--json").stdout)
    assert first == again and first["indicators"]
    other = json.loads(run("simulate", "--seed", "8", "--days", "120", "--json").stdout)
    assert other["indicators"] != first["indicators"]


def test_simulate_with_a_bad_setting_is_one_plain_line():
    out = run("simulate", "--caseworkers", "0")
    assert out.returncode == 1 and "caseworkers" in out.stderr
    assert "Traceback" not in out.stderr and out.stderr.count("\n") == 1
