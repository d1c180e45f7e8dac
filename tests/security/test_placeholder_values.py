"""Placeholders in the Kubernetes values (issue 17, low): hub/z2jh/check_values.py, run
before `helm upgrade`, names every CHANGE-ME left; the hub's own config (the values file's
extraConfig, as the chart runs it) refuses to start with a placeholder or short token."""

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


def filled_in(tmp_path: Path, hub_token: str, live_token: str) -> tuple[Path, Path]:
    """Copies of the two files with every CHANGE-ME filled in, as an installer would."""
    text = (Z2JH / "values.yaml").read_text()
    text = text.replace("CHANGE-ME-the-token-of-live-service.yaml", hub_token)
    text = text.replace("CHANGE-ME-registry/cm101:CHANGE-ME-tag", "registry.example.org/cm101:5")
    text = text.replace("CHANGE-ME-registry/cm101", "registry.example.org/cm101")
    text = text.replace("CHANGE-ME-tag", '"5"')
    live = (Z2JH / "live-service.yaml").read_text()
    live = live.replace("CHANGE-ME-the-token-of-values.yaml", live_token)
    live = live.replace("CHANGE-ME-a-ReadWriteMany-storage-class", "nfs-client")
    live = live.replace("CHANGE-ME-registry/cm101:CHANGE-ME-tag", "registry.example.org/cm101:5")
    values, service = tmp_path / "values.yaml", tmp_path / "live-service.yaml"
    values.write_text(text)
    service.write_text(live)
    return values, service


def check(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*CHECK, *map(str, paths)], capture_output=True, text=True)


def test_the_values_as_checked_in_are_refused_naming_every_placeholder():
    done = check()
    assert done.returncode == 1
    for where in (
        "values.yaml: hub.services.cm101-live.apiToken",
        "values.yaml: singleuser.image.name",
        "values.yaml: singleuser.image.tag",
        "values.yaml: singleuser.initContainers[0].image",
        "live-service.yaml: stringData.api-token (Secret 3)",
        "live-service.yaml: spec.storageClassName (PersistentVolumeClaim 1)",
        "live-service.yaml: spec.template.spec.containers[0].image (Deployment 4)",
    ):
        assert where in done.stdout
    assert "Not ready to install" in done.stdout and "Traceback" not in done.stderr


def test_filled_in_values_pass_and_a_short_or_mismatched_token_does_not(tmp_path):
    token = secrets.token_hex(32)
    done = check(*filled_in(tmp_path, token, token))
    assert done.returncode == 0, done.stdout
    assert "ready for helm upgrade" in done.stdout
    done = check(*filled_in(tmp_path, "secret", "secret"))
    assert done.returncode == 1 and "shorter than 32 characters" in done.stdout
    done = check(*filled_in(tmp_path, token, secrets.token_hex(32)))
    assert done.returncode == 1 and "token differs" in done.stdout


def hub_config(token: str) -> Config:
    """The values' extraConfig run as the chart's hub runs it: after the chart has put each
    service of hub.services, its apiToken as api_token, in c.JupyterHub.services."""
    values = yaml.safe_load((Z2JH / "values.yaml").read_text())
    c = Config()
    c.JupyterHub.services.append({"name": "cm101-live", "api_token": token})
    code = values["hub"]["extraConfig"]["cm101"].replace(
        "/usr/local/etc/jupyterhub/cm101", str(ROOT / "hub")
    )
    exec(compile(code, "hub.extraConfig.cm101", "exec"), {"c": c})
    return c


def test_the_hub_refuses_to_start_with_the_placeholder_token():
    with pytest.raises(SystemExit) as stopped:
        hub_config("CHANGE-ME-the-token-of-live-service.yaml")
    assert "API token of cm101-live is still the placeholder" in str(stopped.value)
    with pytest.raises(SystemExit, match="shorter than 32 characters"):
        hub_config("abc123")
    c = hub_config(secrets.token_hex(32))
    assert c.JupyterHub.authenticator_class.__name__ == "WorkshopAuthenticator"
