"""`hub/accounts.py remove` while the hub is busy (issue 17, low; review): a hub that takes
the connection and does not answer in time is not "no hub running". The trainer is told
that the account can no longer sign in but its server and sessions may still be open, and
what to do; a hub that is not running (connection refused, or never started) needs nothing
said."""

from __future__ import annotations

import json
import secrets
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HUB = Path(__file__).resolve().parents[2] / "hub"
sys.path.insert(0, str(HUB))

import accounts  # noqa: E402
from workshopauth import load_accounts, save_accounts  # noqa: E402


def state_with(tmp_path: Path, name: str, port: int | None) -> Path:
    """A state folder with one trainee account and, if `port`, the hub's API file."""
    save_accounts(
        {"workshop": "test", "accounts": {name: {"role": "trainee", "hash": "x", "created": ""}}},
        tmp_path,
    )
    if port is not None:
        (tmp_path / "hub").mkdir()
        (tmp_path / "hub" / accounts.API_FILE).write_text(
            json.dumps({"url": f"http://127.0.0.1:{port}/hub/api", "token": "t" * 64})
        )
    return tmp_path


@pytest.fixture
def silent_hub() -> Iterator[int]:
    """A port that takes connections (the kernel's backlog) and never answers a request."""
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen(8)
        yield listening.getsockname()[1]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed once the block ends: connections are refused


def test_a_hub_that_does_not_answer_in_time_is_said_to_leave_sessions_open(
    tmp_path, silent_hub, monkeypatch
):
    monkeypatch.setattr(accounts, "HUB_ANSWER_SECONDS", 1)
    name = f"busy-{secrets.token_hex(3)}"  # no system account of that name: userdel not run
    state = state_with(tmp_path, name, silent_hub)
    said = accounts.remove(name, state)
    assert name not in load_accounts(state)["accounts"]  # no more sign-in, whatever the hub
    assert said.startswith("But the hub was not told (it did not answer within 1 s)")
    assert f"{name}'s running server and hub sessions may still be open" in said
    assert "admin page (/hub/admin, Stop Server)" in said and "restart the hub" in said


def test_no_hub_running_or_none_ever_started_needs_nothing_said(tmp_path):
    name = f"gone-{secrets.token_hex(3)}"
    assert accounts.remove(name, state_with(tmp_path / "refused", name, closed_port())) == ""
    assert accounts.remove(name, state_with(tmp_path / "never", name, None)) == ""
