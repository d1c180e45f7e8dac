"""WorkshopAuthenticator.refresh_user (issue 17, low; review), the backstop that ends a removed
account's rights and a former trainer's group where the hub was not told at once (a hub not
running at the removal, Kubernetes): the hub calls it at a user's first visit after a start and
every auth_refresh_age, and acts on what it returns (False: signed out; a model: its groups)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "hub"))

import workshopauth


def with_accounts(folder: Path, roles: dict[str, str]) -> workshopauth.WorkshopAuthenticator:
    accounts = {name: {"role": role, "hash": "scrypt$x"} for name, role in roles.items()}
    workshopauth.save_accounts({"workshop": "May", "accounts": accounts}, folder)
    return workshopauth.WorkshopAuthenticator(state=str(folder))


def refreshed(auth: workshopauth.WorkshopAuthenticator, name: str) -> object:
    return asyncio.run(auth.refresh_user(SimpleNamespace(name=name)))


def test_a_removed_account_is_signed_out_at_its_next_check(tmp_path):
    auth = with_accounts(tmp_path, {"amina": "trainee", "sara": "trainer"})
    assert refreshed(auth, "amina") == {"groups": []}
    with_accounts(tmp_path, {"sara": "trainer"})  # amina removed, the hub not told
    assert refreshed(auth, "amina") is False
    assert auth.auth_refresh_strict  # her tokens stop working too, not only her cookie


def test_a_trainer_made_a_trainee_leaves_the_trainers_group_and_back(tmp_path):
    auth = with_accounts(tmp_path, {"sara": "trainer"})
    assert auth.manage_groups  # the hub applies the groups refresh_user returns
    assert refreshed(auth, "sara") == {"groups": [workshopauth.TRAINERS_GROUP]}
    with_accounts(tmp_path, {"sara": "trainee"})
    assert refreshed(auth, "sara") == {"groups": []}
    with_accounts(tmp_path, {"sara": "trainer"})
    assert refreshed(auth, "sara") == {"groups": [workshopauth.TRAINERS_GROUP]}


def test_a_damaged_accounts_file_signs_nobody_out(tmp_path):
    auth = with_accounts(tmp_path, {"amina": "trainee"})
    workshopauth.accounts_path(tmp_path).write_text("{not json")
    assert refreshed(auth, "amina") is True  # kept as they are; sign-in refuses all meanwhile
