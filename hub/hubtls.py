"""HTTPS for the workshop hub: passwords cross the room's network only encrypted.

Called by hub/jupyterhub_config.py. On 127.0.0.1 (the default, or behind an HTTPS reverse
proxy on the same machine) plain HTTP is fine: nothing leaves the machine. On a network
address the hub starts only with a certificate (CM101_HUB_SSL_CERT and CM101_HUB_SSL_KEY, see
hub/README.md), or when the risk is waived on purpose (CM101_HUB_INSECURE_OK=1).
"""

from __future__ import annotations

import ipaddress
import os
import pwd
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

HOW = (
    "Give it a certificate: CM101_HUB_SSL_CERT=/path/cert.pem CM101_HUB_SSL_KEY=/path/key.pem "
    "(hub/README.md, 'HTTPS for the room', shows how to make one), or put an HTTPS reverse "
    "proxy in front of the hub on 127.0.0.1. To run without HTTPS anyway, on a network you "
    "trust, set CM101_HUB_INSECURE_OK=1."
)


def is_loopback(ip: str) -> bool:
    """True if `ip` only listens on this machine (127.x.x.x, ::1, localhost)."""
    if ip == "localhost":
        return True
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False  # a host name, or '' (every address): reachable from the network


def account(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"user id {uid}"


def certificate(ip: str, env: Mapping[str, str] = os.environ) -> tuple[str, str] | None:
    """The certificate and key the hub serves HTTPS with, or None for plain HTTP (on this
    machine only, or waived with CM101_HUB_INSECURE_OK=1, which prints a warning). Stops the
    hub, saying what to do, when it would otherwise take passwords in clear from the network."""
    cert, key = env.get("CM101_HUB_SSL_CERT", ""), env.get("CM101_HUB_SSL_KEY", "")
    if cert or key:
        if not (cert and key):
            raise SystemExit(
                "HTTPS needs both CM101_HUB_SSL_CERT (the certificate) and CM101_HUB_SSL_KEY "
                "(its private key); only one is given."
            )
        for what, path in (("certificate", cert), ("private key", key)):
            if not Path(path).is_file():
                raise SystemExit(f"The hub's {what} {path} is not a file this machine has.")
        held = Path(key).stat()  # (a link, as Let's Encrypt's live/ has, is followed)
        if held.st_uid != os.geteuid():
            # Its owner can read it whatever its mode, and change the mode back.
            raise SystemExit(
                f"The hub's private key {key} belongs to {account(held.st_uid)}, not to "
                f"{account(os.geteuid())}, the account the hub runs as: make it root's, "
                f"`chown root:root {key}` and `chmod 600 {key}`."
            )
        if held.st_mode & 0o077:
            raise SystemExit(
                f"The hub's private key {key} can be read by other accounts on this machine "
                f"(trainees' servers run here): make it root's only, `chmod 600 {key}`."
            )
        return cert, key
    if is_loopback(ip):
        return None
    if env.get("CM101_HUB_INSECURE_OK") == "1":
        print(
            f"WARNING: the hub listens on {ip or 'every address'} without HTTPS "
            "(CM101_HUB_INSECURE_OK=1): passwords and pages cross the network in clear.",
            file=sys.stderr,
        )
        return None
    raise SystemExit(
        f"The hub would listen on {ip or 'every address'} without HTTPS: trainees' passwords "
        f"would cross the network in clear, so it does not start. {HOW}"
    )


def serve(c: Any, ip: str, port: int, env: Mapping[str, str] = os.environ) -> None:
    """The hub's public address on `c` (JupyterHub's config), HTTPS when a certificate is
    given; stops the hub if it would serve plain HTTP to the network (see certificate)."""
    tls = certificate(ip, env)
    if tls:
        c.JupyterHub.ssl_cert, c.JupyterHub.ssl_key = tls
    c.JupyterHub.bind_url = f"{'https' if tls else 'http'}://{ip}:{port}"
