"""Progress that travels: export, import, import again; nothing lost, nothing twice."""

from __future__ import annotations

import json

import pytest
from builders import signed_in

from cmcourse.core.accounts import Accounts
from cmcourse.core.store import ProgressStore
from cmcourse.trainer.scores import trainee_scores
from cmcourse.trainer.transfer import TransferError, export_progress, import_progress, main


def field_laptop(folder):
    """Two trainees' work on a laptop in the field."""
    amina, _ = signed_in(folder, "Amina Yusuf", "4821")
    bilal, _ = signed_in(folder, "Bilal Haddad", "7395")
    a = ProgressStore(amina, folder)
    a.save_answer("m1-six-steps", "c", False, 0, 1)
    a.save_answer("m1-six-steps", "b", True, 1, 1)
    a.save_reflection("m1-r-setting", "In the camp, the committee identifies children.")
    a.visit("1.2")
    a.close()
    b = ProgressStore(bilal, folder)
    b.save_answer("m1-key-messages", "g", True, 1, 1)
    b.close()
    return amina, bilal


def test_export_import_and_import_again_loses_nothing_and_adds_nothing_twice(tmp_path):
    laptop, office = tmp_path / "laptop", tmp_path / "office"
    amina, bilal = field_laptop(laptop)
    room = export_progress(laptop)
    first = import_progress(room, office)
    assert first.trainees == 2 and first.new_trainees == 2 and first.rows == 5
    again = import_progress(room, office)
    assert again.rows == 0 and again.new_trainees == 0 and not again.notes
    there = ProgressStore(amina, office)
    assert there.current().tries == {"m1-six-steps": 2}  # both tries, once each
    assert there.current().answers["m1-six-steps"]["answer"] == "b"  # the last one counts
    assert there.current().reflections["m1-r-setting"].startswith("In the camp")
    assert there.last_page() == "1.2"
    office_accounts = Accounts(office)
    assert office_accounts.check("Amina Yusuf", "4821").id == amina  # the same PIN works
    assert office_accounts.find(bilal).label == Accounts(laptop).find(bilal).label
    scores = {r.name: r.points for r in trainee_scores(office)}  # the report reads it
    assert scores["Amina Yusuf"] == 1 and scores["Bilal Haddad"] == 1


def test_work_done_on_both_servers_is_merged_and_a_conflict_resolved_by_time(tmp_path):
    laptop, office = tmp_path / "laptop", tmp_path / "office"
    amina, _ = field_laptop(laptop)
    import_progress(export_progress(laptop), office)
    later = ProgressStore(amina, office)
    later.save_reflection("m1-r-setting", "Rewritten at head office, later.")
    later.save_answer("m1-key-messages", "g", True, 1, 1)
    later.close()
    on_laptop = ProgressStore(amina, laptop)
    on_laptop.save_answer("m1-key-messages", "a", False, 0, 1)
    on_laptop.close()
    report = import_progress(export_progress(laptop), office)
    assert report.rows == 1  # the laptop's new try; its older reflection does not win
    assert any("the one here, written later, was kept" in n for n in report.notes)
    merged = ProgressStore(amina, office).current()
    assert merged.reflections["m1-r-setting"] == "Rewritten at head office, later."
    assert merged.tries["m1-key-messages"] == 2


def test_one_trainee_can_travel_alone(tmp_path):
    laptop, office = tmp_path / "laptop", tmp_path / "office"
    _amina, bilal = field_laptop(laptop)
    label = Accounts(laptop).find(bilal).label
    report = import_progress(export_progress(laptop, {label}), office)
    assert report.trainees == 1 and Accounts(office).trainees()[0].id == bilal


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        (lambda b: b.replace(b"Amina Yusuf", b"Amina Yusof", 1), "checksum does not match"),
        (lambda b: b[: len(b) // 2], "not a CM 101 progress file"),
        (lambda b: b"\x89PNG not json", "not a CM 101 progress file"),
    ],
)
def test_a_changed_or_damaged_file_is_refused_whole_in_plain_words(tmp_path, damage, says):
    laptop, office = tmp_path / "laptop", tmp_path / "office"
    field_laptop(laptop)
    with pytest.raises(TransferError, match=says):
        import_progress(damage(export_progress(laptop)), office)
    assert not list(office.glob("trainees/*.sqlite"))


def test_the_command_line_exports_and_imports(tmp_path, monkeypatch, capsys):
    laptop, office = tmp_path / "laptop", tmp_path / "office"
    field_laptop(laptop)
    file = tmp_path / "room.cm101.json"
    monkeypatch.setenv("CM101_DATA_DIR", str(laptop))
    assert main(["export", str(file)]) == 0
    assert json.loads(file.read_text())["content"]["format"] == "cm101-progress"
    monkeypatch.setenv("CM101_DATA_DIR", str(office))
    assert main(["import", str(file)]) == 0
    assert main(["import", str(file)]) == 0
    assert "Everything in the file was already here" in capsys.readouterr().out
    assert main(["import", str(tmp_path / "missing.json")]) == 1
