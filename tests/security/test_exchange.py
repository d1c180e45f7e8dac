"""nbgrader exchange squatting (issue 17): the exchange is writable by all, so the course's
folders are made, root's, when the hub starts (on Kubernetes, before each trainee's server);
one a trainee made first is moved aside."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "hub"))

import workshophub

pytestmark = [
    pytest.mark.hub,
    pytest.mark.skipif(os.geteuid() != 0, reason="the hub runs as root: it owns the exchange"),
]
NOBODY = 65534


def modes(course: Path) -> dict[str, tuple[int, int]]:
    return {
        sub: (os.lstat(course / sub).st_uid, os.lstat(course / sub).st_mode & 0o7777)
        for sub in workshophub.EXCHANGE_FOLDERS
    }


EXPECTED = {sub: (0, mode) for sub, mode in workshophub.EXCHANGE_FOLDERS.items()}
VALUES = Path(__file__).resolve().parents[2] / "hub" / "z2jh" / "values.yaml"


def on_kubernetes(exchange: Path, trainee: str = "amina", uid: str = "10007") -> Path | None:
    """What a trainee's pod's root container does to the exchange (hub/z2jh/values.yaml),
    run here on `exchange` with what the hub gives it (the pre_spawn_hook's CM101_TRAINEE and
    CM101_UID): where a course folder was moved aside, if one was."""
    import yaml

    pods = yaml.safe_load(VALUES.read_text())["singleuser"]["initContainers"]
    command = next(c for c in pods if c["name"] == "cm101-exchange")["command"]
    exchange.mkdir(parents=True, exist_ok=True)
    script = command[-1].replace("/exchange", str(exchange))
    # as the container runs it: root with CHOWN and FOWNER only (no DAC_OVERRIDE)
    caps = values_capabilities()
    setpriv = ["setpriv", f"--inh-caps=-all,{caps}", f"--bounding-set=-all,{caps}"]
    env = {"PATH": os.environ["PATH"], "CM101_TRAINEE": trainee, "CM101_UID": uid}
    subprocess.run([*setpriv, *command[:-1], script], check=True, env=env, capture_output=True)
    return next(exchange.glob(".cm101-moved-aside-*/*"), None)


def values_capabilities() -> str:
    import yaml

    pods = yaml.safe_load(VALUES.read_text())["singleuser"]["initContainers"]
    context = next(c for c in pods if c["name"] == "cm101-exchange")["securityContext"]
    assert context["capabilities"]["drop"] == ["ALL"]
    return ",".join(f"+{cap.lower()}" for cap in context["capabilities"]["add"])


@pytest.fixture(params=["one machine", "kubernetes"])
def prepare(request):
    return workshophub.prepare_exchange if request.param == "one machine" else on_kubernetes


def test_the_course_folders_are_roots_before_the_first_release(tmp_path, prepare):
    exchange = tmp_path / "exchange"
    assert prepare(exchange) is None
    assert os.stat(exchange).st_mode & 0o7777 == 0o1777
    assert modes(exchange / "cm101") == EXPECTED


def test_a_course_folder_a_trainee_made_first_is_moved_aside(tmp_path, prepare):
    exchange = tmp_path / "exchange"
    squat = exchange / "cm101" / "outbound" / "module1"
    squat.mkdir(parents=True)
    (squat / "module1.ipynb").write_text("{}")  # their own notebook, for everyone to fetch
    for path in (exchange / "cm101", exchange / "cm101" / "outbound", squat):
        os.chown(path, NOBODY, NOBODY)
    moved = prepare(exchange)
    assert moved is not None and (moved / "outbound" / "module1" / "module1.ipynb").exists()
    # in a folder only root may enter: the trainee can no longer reach or rename it
    aside = os.stat(moved.parent)
    assert aside.st_uid == 0 and aside.st_mode & 0o777 == 0o700
    assert modes(exchange / "cm101") == EXPECTED
    assert not (exchange / "cm101" / "outbound" / "module1").exists()


def test_a_link_in_place_of_the_course_folder_is_moved_aside(tmp_path, prepare):
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (exchange / "cm101").symlink_to(elsewhere)
    moved = prepare(exchange)
    assert moved is not None and moved.is_symlink()
    assert not (exchange / "cm101").is_symlink() and modes(exchange / "cm101") == EXPECTED
    assert list(elsewhere.iterdir()) == []  # nothing made through the link


def test_a_folder_a_trainee_makes_just_after_the_check_is_moved_aside(tmp_path, monkeypatch):
    """The race: the course folder is missing when checked, and a trainee makes it, with a
    link to a folder of root's inside, before the hub makes it. Nothing is done through it."""
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    checked = workshophub._not_roots
    planted = []

    def a_trainee_right_after(folder: Path) -> bool:
        answer = checked(folder)
        if folder == exchange / "cm101" and not planted:
            (exchange / "cm101").mkdir()
            (exchange / "cm101" / "inbound").symlink_to(elsewhere)
            for path in (exchange / "cm101", exchange / "cm101" / "inbound"):
                os.lchown(path, NOBODY, NOBODY)
            planted.append(folder)
        return answer

    monkeypatch.setattr(workshophub, "_not_roots", a_trainee_right_after)
    moved = workshophub.prepare_exchange(exchange)
    assert planted and moved is not None and (moved / "inbound").is_symlink()
    assert modes(exchange / "cm101") == EXPECTED
    assert os.stat(elsewhere).st_mode & 0o7777 == 0o700 and os.stat(elsewhere).st_uid == 0


def test_each_pod_records_whose_it_is_for_collecting_and_refuses_a_bad_name(tmp_path):
    """Collecting checks a hand-in's owner against exchange/cm101/owners/<name>
    (cmcourse/assignments/collect.py): on Kubernetes the pod's root container writes it."""
    from cmcourse.assignments.collect import owner

    exchange = tmp_path / "exchange"
    on_kubernetes(exchange, "amina", "10007")
    on_kubernetes(exchange, "bilal", "10008")
    on_kubernetes(exchange, "amina", "10007")  # her next start
    assert owner(exchange / "cm101", "amina") == 10007
    assert owner(exchange / "cm101", "bilal") == 10008
    assert sorted(p.name for p in (exchange / "cm101" / "owners").iterdir()) == ["amina", "bilal"]
    on_kubernetes(exchange, "nour", "10008")  # bilal's user id given again
    assert owner(exchange / "cm101", "nour") == 10008
    assert owner(exchange / "cm101", "bilal") is None
    for name, uid in [("../inbound/x", "10009"), ("", "10009"), ("eve", "1e4"), ("eve", "")]:
        with pytest.raises(subprocess.CalledProcessError):
            on_kubernetes(exchange, name, uid)
    assert sorted(p.name for p in (exchange / "cm101" / "owners").iterdir()) == ["amina", "nour"]
