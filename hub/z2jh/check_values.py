"""Check the Kubernetes values before `helm upgrade` (hub/README.md, part 2):

    .venv/bin/python hub/z2jh/check_values.py [values.yaml live-service.yaml]

Says, and exits with 1, if a CHANGE-ME is left in either file, if the live view's token is
too short to be secret, or if the two files give it different tokens (the live view could
then not reach the hub). The hub itself refuses to start with a placeholder token too
(hub.extraConfig.cm101 in values.yaml).
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from workshopauth import MIN_TOKEN, placeholders, weak_token  # noqa: E402

SERVICE = "cm101-live"


def problems(values_path: Path, live_path: Path) -> list[str]:
    """What is still to fill in or to fix, one plain sentence each (none: ready to install)."""
    values = yaml.safe_load(values_path.read_text(encoding="utf-8")) or {}
    live = list(yaml.safe_load_all(live_path.read_text(encoding="utf-8")))
    found = [f"{values_path.name}: {where} is still CHANGE-ME" for where in placeholders(values)]
    for n, doc in enumerate(live):
        kind = f"{(doc or {}).get('kind', 'document')} {n + 1}"
        found += [
            f"{live_path.name}: {where} ({kind}) is still CHANGE-ME" for where in placeholders(doc)
        ]
    hub_token = values.get("hub", {}).get("services", {}).get(SERVICE, {}).get("apiToken")
    secrets = [
        d for d in live if d and d.get("kind") == "Secret" and d["metadata"]["name"] == SERVICE
    ]
    live_token = secrets[0].get("stringData", {}).get("api-token") if secrets else None
    for name, token in ((values_path.name, hub_token), (live_path.name, live_token)):
        if not placeholders(token) and weak_token(token):
            found.append(
                f"{name}: the {SERVICE} token is missing or shorter than {MIN_TOKEN} characters "
                "(make one with `openssl rand -hex 32`)"
            )
    if hub_token != live_token and not (placeholders(hub_token) or placeholders(live_token)):
        found.append(f"the {SERVICE} token differs between {values_path.name} and {live_path.name}")
    return found


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    paths = [Path(a) for a in args] or [HERE / "values.yaml", HERE / "live-service.yaml"]
    found = problems(*paths)
    for problem in found:
        print(problem)
    if found:
        print(
            f"\nNot ready to install: fill in the {len(found)} place(s) above, then run this again."
        )
        return 1
    print("The values are filled in: ready for helm upgrade.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
