"""The course service takes the hub's variables out of its environment once read (issue 17): a
page's kernel started after that inherits neither the service's token (under either name the
hub gives it) nor the service's own account as a user."""

from __future__ import annotations

import os
import subprocess
import sys

from jupyterhub.services.auth import HubOAuth

from cmcourse.server import hubsignin

TOKEN = "f" * 64


def test_no_hub_token_or_user_is_left_for_a_kernel_to_inherit(monkeypatch):
    given = {
        "JUPYTERHUB_API_TOKEN": TOKEN,
        "JPY_API_TOKEN": TOKEN,
        "JUPYTERHUB_API_URL": "http://127.0.0.1:8081/hub/api",
        "JUPYTERHUB_BASE_URL": "/",
        "JUPYTERHUB_SERVICE_NAME": "cm101-course",
        "JUPYTERHUB_SERVICE_PREFIX": "/services/cm101-course/",
        "JUPYTERHUB_CLIENT_ID": "service-cm101-course",
        "JUPYTERHUB_OAUTH_CALLBACK_URL": "/services/cm101-course/oauth_callback",
        "JUPYTERHUB_USER": "cm101-course",
    }
    for name, value in given.items():
        monkeypatch.setenv(name, value)
    HubOAuth.clear_instance()
    try:
        auth = hubsignin.connect()
        assert auth.api_token == TOKEN  # read before they went
        assert auth.oauth_client_id == "service-cm101-course"
        kernel = subprocess.run(
            [sys.executable, "-c", "import os; print(sorted(os.environ))"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        HubOAuth.clear_instance()
    assert [name for name in given if name in os.environ] == []
    assert TOKEN not in kernel and "JUPYTERHUB" not in kernel and "JPY_" not in kernel
