"""The hub on the room's network (issue 17, low): plain HTTP only on this machine; on a
network address the hub starts only with a certificate (CM101_HUB_SSL_CERT/KEY) or an explicit
waiver (CM101_HUB_INSECURE_OK=1, with a warning)."""

from __future__ import annotations

import os
import re
import secrets
import ssl
import subprocess
import sys
from pathlib import Path

import pytest
import requests

HUB = Path(__file__).resolve().parents[2] / "hub"
BIN = Path(sys.executable).parent
sys.path.insert(0, str(HUB))

import hubtls  # noqa: E402
from throwaway import ThrowawayHub  # noqa: E402

from cmcourse.core.serve import room_address  # noqa: E402

pytestmark = pytest.mark.hub
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="the hub runs as root")


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 made as hub/README.md shows (openssl, one day)."""
    cert, key = folder / "hub-cert.pem", folder / "hub-key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    key.chmod(0o600)
    return cert, key


def test_plain_http_is_for_this_machine_only_unless_waived(tmp_path, capsys):
    assert hubtls.certificate("127.0.0.1", {}) is None
    assert hubtls.certificate("localhost", {}) is None
    for ip in ("0.0.0.0", "192.0.2.2", ""):
        with pytest.raises(SystemExit, match="without HTTPS: trainees' passwords"):
            hubtls.certificate(ip, {})
    assert hubtls.certificate("0.0.0.0", {"CM101_HUB_INSECURE_OK": "1"}) is None
    assert "WARNING: the hub listens on 0.0.0.0 without HTTPS" in capsys.readouterr().err
    cert, key = self_signed(tmp_path)
    given = {"CM101_HUB_SSL_CERT": str(cert), "CM101_HUB_SSL_KEY": str(key)}
    assert hubtls.certificate("0.0.0.0", given) == (str(cert), str(key))
    with pytest.raises(SystemExit, match="only one is given"):
        hubtls.certificate("0.0.0.0", {"CM101_HUB_SSL_CERT": str(cert)})
    key.chmod(0o644)  # trainees' servers run on this machine: they could read it
    with pytest.raises(SystemExit, match="can be read by other accounts"):
        hubtls.certificate("0.0.0.0", given)


@as_root
def test_a_private_key_another_account_owns_is_refused_whatever_its_mode(tmp_path):
    """hub/README.md: the key is root's only. Its owner reads it whatever its mode."""
    cert, key = self_signed(tmp_path)
    given = {"CM101_HUB_SSL_CERT": str(cert), "CM101_HUB_SSL_KEY": str(key)}
    os.chown(key, 65534, 65534)  # nobody, say: the account of a trainee's server
    key.chmod(0o600)
    with pytest.raises(SystemExit, match=r"belongs to (nobody|user id 65534), not to root"):
        hubtls.certificate("0.0.0.0", given)
    os.chown(key, 0, 0)
    assert hubtls.certificate("0.0.0.0", given) == (str(cert), str(key))


@as_root
def test_a_hub_on_a_network_address_without_https_does_not_start(tmp_path):
    env = os.environ | {
        "CM101_HUB_STATE": str(tmp_path / "state"),
        "CM101_HUB_IP": "0.0.0.0",
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
    }
    env.pop("CM101_HUB_INSECURE_OK", None)
    done = subprocess.run(
        [str(BIN / "jupyterhub"), "-f", str(HUB / "jupyterhub_config.py")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "would listen on 0.0.0.0 without HTTPS" in done.stderr + done.stdout
    assert "CM101_HUB_SSL_CERT" in done.stderr + done.stdout
    assert not (tmp_path / "state").exists()  # stopped before it made anything


@as_root
def test_a_hub_given_a_self_signed_certificate_serves_https_on_the_network(tmp_path):
    cert, key = self_signed(tmp_path)
    tag = secrets.token_hex(3)
    env = {
        "CM101_HUB_IP": "0.0.0.0",
        "CM101_HUB_SSL_CERT": str(cert),
        "CM101_HUB_SSL_KEY": str(key),
    }
    with ThrowawayHub([f"sara-{tag}"], [f"amina-{tag}"], env=env) as hub:
        assert hub.url.startswith("https://")
        port = int(hub.url.rsplit(":", 1)[1])
        # The certificate the hub shows is the one it was given...
        shown = ssl.get_server_certificate(("127.0.0.1", port))
        assert ssl.PEM_cert_to_DER_cert(shown) == ssl.PEM_cert_to_DER_cert(cert.read_text())
        # ...and nothing answers in plain HTTP on that port.
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://127.0.0.1:{port}/hub/login", timeout=10)
        # A trainee signs in over HTTPS (the certificate trusted, nothing waived); the hub's
        # cookie is sent back only over HTTPS.
        with requests.Session() as browser:
            login = browser.get(f"{hub.url}/hub/login", verify=str(cert), timeout=30)
            xsrf = re.search(r'name="_xsrf" value="([^"]+)"', login.text).group(1)
            name = f"amina-{tag}"
            reply = browser.post(
                f"{hub.url}/hub/login",
                data={"username": name, "password": hub.passwords[name], "_xsrf": xsrf},
                allow_redirects=False,
                verify=str(cert),
                timeout=30,
            )
            assert reply.status_code == 302, reply.text[:500]
            sent = {c.name: c.secure for c in browser.cookies}
            assert sent["jupyterhub-hub-login"] and sent["jupyterhub-session-id"]
        # It listens on this machine's network address, with the same certificate.
        address = room_address()
        assert address != "127.0.0.1", "this test needs a network address besides 127.0.0.1"
        assert ssl.get_server_certificate((address, port)) == shown
