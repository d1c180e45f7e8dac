"""Hub sign-in (issue 17, low): an unknown name is refused as slowly as a known name with a
wrong password, so the time a refusal takes does not tell which names have an account; and
the hub's event loop is not held up meanwhile (the unknown name's hash is made off it)."""

from __future__ import annotations

import asyncio
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "hub"))

import workshopauth


def refusal_seconds(auth: workshopauth.WorkshopAuthenticator, name: str) -> float:
    start = time.perf_counter()
    got = asyncio.run(auth.authenticate(None, {"username": name, "password": "wrong-guess"}))
    assert got is None
    return time.perf_counter() - start


def test_an_unknown_name_takes_as_long_to_refuse_as_a_wrong_password(tmp_path):
    stored = workshopauth.hash_password("k7pmq-x3rta")
    workshopauth.save_accounts(
        {"workshop": "May", "accounts": {"amina": {"role": "trainee", "hash": stored}}}, tmp_path
    )
    # Without the wait every refusal has (one second, the same for both), only the check shows.
    auth = workshopauth.WorkshopAuthenticator(state=str(tmp_path), failure_wait=0)
    assert asyncio.run(auth.authenticate(None, {"username": "amina", "password": "k7pmq-x3rta"}))
    known, unknown = [], []
    for _ in range(7):  # interleaved, so a busy moment slows both alike
        known.append(refusal_seconds(auth, "amina"))
        unknown.append(refusal_seconds(auth, "nobody-here"))
    known_s, unknown_s = statistics.median(known), statistics.median(unknown)
    # A password check (scrypt) takes about 30 ms; skipping it for an unknown name took < 1 ms.
    assert known_s > 0.005
    assert unknown_s > 0.5 * known_s, f"unknown name {unknown_s:.4f} s, known {known_s:.4f} s"


def test_the_hub_signs_others_in_while_the_first_unknown_name_is_checked(tmp_path, monkeypatch):
    """The first unknown name makes the hash it is checked against (a scrypt): not on the
    hub's event loop. Here that hash waits until another sign-in has been answered: on the
    loop it would hold the loop, and the other sign-in could not be answered."""
    workshopauth.save_accounts(
        {
            "workshop": "May",
            "accounts": {"amina": {"role": "trainee", "hash": workshopauth.hash_password("pw")}},
        },
        tmp_path,
    )
    auth = workshopauth.WorkshopAuthenticator(state=str(tmp_path), failure_wait=0)
    answered, loop_held = threading.Event(), []
    make_hash = workshopauth.hash_password

    def hash_once_another_is_answered(password: str) -> str:
        loop_held.append(not answered.wait(timeout=5))
        return make_hash(password)

    monkeypatch.setattr(workshopauth, "hash_password", hash_once_another_is_answered)
    workshopauth.unknown_name_hash.cache_clear()  # as at the hub's start: not made yet

    async def amina_signs_in() -> object:
        got = await auth.authenticate(None, {"username": "amina", "password": "pw"})
        answered.set()
        return got

    async def both() -> list[object]:
        unknown = auth.authenticate(None, {"username": "nobody-here", "password": "guess"})
        return await asyncio.gather(unknown, amina_signs_in())  # the unknown name first

    try:
        refused, amina = asyncio.run(both())
    finally:
        workshopauth.unknown_name_hash.cache_clear()  # not kept with the test's hash_password
    assert refused is None and amina == {"name": "amina", "groups": []}
    assert loop_held == [False], "the unknown name's hash was made on the hub's event loop"
