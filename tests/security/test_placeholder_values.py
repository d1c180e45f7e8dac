"""Placeholders in the Kubernetes values (issue 17, low): hub/z2jh/check_values.py, run
before `helm upgrade`, names every CHANGE-ME left and refuses a short, mismatched or shared
token for either hub service (the course, cm101-course, and the live view, cm101-live); the
hub's own config (the values file's extraConfig, as the chart runs it) refuses to start with a
placeholder or short token."""

from __future__ import annotations

import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[2]
Z2JH = ROOT / "hub" / "z2jh"
CHECK = [sys.executable, str(Z2JH / "check_values.py")]
IMAGES = {
    "CHANGE-ME-registry/cm101-course:CHANGE-ME-tag": "registry.example.org/cm101-course:5",
    "CHANGE-ME-registry/cm101-trainee:CHANGE-ME-tag": "registry.example.org/cm101-trainee:5",
    "CHANGE-ME-registry/cm101-trainee": "registry.example.org/cm101-trainee",
    "CHANGE-ME-tag": '"5"',
    "CHANGE-ME-a-ReadWriteMany-storage-class": "nfs-client",
}


def filled_in(
    tmp_path: Path, course: str, live: str, course_secret: str = "", live_secret: str = ""
) -> list[Path]:
    """Copies of the three files with every CHANGE-ME filled in, as an installer would: the
    tokens in values.yaml, and in each manifest's Secret (the same unless told otherwise)."""
    texts = {
        "values.yaml": (Z2JH / "values.yaml")
        .read_text()
        .replace("CHANGE-ME-the-token-of-course-service.yaml", course)
        .replace("CHANGE-ME-the-token-of-live-service.yaml", live),
        "course-service.yaml": (Z2JH / "course-service.yaml")
        .read_text()
        .replace("CHANGE-ME-the-token-of-values.yaml", course_secret or course),
        "live-service.yaml": (Z2JH / "live-service.yaml")
        .read_text()
        .replace("CHANGE-ME-the-token-of-values.yaml", live_secret or live),
    }
    paths = []
    for name, text in texts.items():
        for placeholder, value in IMAGES.items():
            text = text.replace(placeholder, value)
        (tmp_path / name).write_text(text)
        paths.append(tmp_path / name)
    return paths


def check(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*CHECK, *map(str, paths)], capture_output=True, text=True)


def test_the_values_as_checked_in_are_refused_naming_every_placeholder():
    done = check()
    assert done.returncode == 1
    for where in (
        "values.yaml: hub.services.cm101-course.apiToken",
        "values.yaml: hub.services.cm101-live.apiToken",
        "values.yaml: hub.extraEnv.CM101_COURSE_IMAGE",
        "values.yaml: singleuser.image.name",
        "values.yaml: singleuser.image.tag",
        "values.yaml: singleuser.initContainers[0].image",
        "course-service.yaml: spec.storageClassName (PersistentVolumeClaim 1)",
        "course-service.yaml: stringData.api-token (Secret 3)",
        "course-service.yaml: spec.template.spec.containers[0].image (Deployment 4)",
        "live-service.yaml: stringData.api-token (Secret 1)",
        "live-service.yaml: spec.template.spec.containers[0].image (Deployment 2)",
    ):
        assert where in done.stdout
    assert "Not ready to install" in done.stdout and "Traceback" not in done.stderr


def test_filled_in_values_pass_and_a_short_mismatched_or_shared_token_does_not(tmp_path):
    course, live = secrets.token_hex(32), secrets.token_hex(32)
    done = check(*filled_in(tmp_path, course, live))
    assert done.returncode == 0, done.stdout
    assert "ready for helm upgrade" in done.stdout
    for short in ({"course": "secret"}, {"live": "secret"}):
        done = check(*filled_in(tmp_path, **{"course": course, "live": live, **short}))
        assert done.returncode == 1 and "shorter than 32 characters" in done.stdout
        service = "cm101-course" if "course" in short else "cm101-live"
        assert f"the {service} token is missing" in done.stdout
    done = check(*filled_in(tmp_path, course, live, course_secret=secrets.token_hex(32)))
    assert done.returncode == 1
    assert "the cm101-course token differs between values.yaml and course-service.yaml" in (
        done.stdout
    )
    done = check(*filled_in(tmp_path, course, live, live_secret=secrets.token_hex(32)))
    assert done.returncode == 1 and "the cm101-live token differs" in done.stdout
    assert "cm101-course token differs" not in done.stdout
    done = check(*filled_in(tmp_path, course, course))
    assert done.returncode == 1 and "have the same token" in done.stdout


def hub_config(course: str, live: str) -> Config:
    """The values' extraConfig run as the chart's hub runs it: after the chart has put each
    service of hub.services, its apiToken as api_token, in c.JupyterHub.services."""
    values = yaml.safe_load((Z2JH / "values.yaml").read_text())
    c = Config()
    c.JupyterHub.services.append({"name": "cm101-course", "api_token": course})
    c.JupyterHub.services.append({"name": "cm101-live", "api_token": live})
    code = values["hub"]["extraConfig"]["cm101"].replace(
        "/usr/local/etc/jupyterhub/cm101", str(ROOT / "hub")
    )
    exec(compile(code, "hub.extraConfig.cm101", "exec"), {"c": c})
    return c


def test_the_hub_refuses_to_start_with_a_placeholder_token_for_either_service():
    good = secrets.token_hex(32)
    with pytest.raises(SystemExit) as stopped:
        hub_config(good, "CHANGE-ME-the-token-of-live-service.yaml")
    assert "API token of cm101-live is still the placeholder" in str(stopped.value)
    with pytest.raises(SystemExit) as stopped:
        hub_config("CHANGE-ME-the-token-of-course-service.yaml", good)
    assert "API token of cm101-course is still the placeholder" in str(stopped.value)
    with pytest.raises(SystemExit, match="shorter than 32 characters"):
        hub_config("abc123", good)
    c = hub_config(good, secrets.token_hex(32))
    assert c.JupyterHub.authenticator_class.__name__ == "WorkshopAuthenticator"
