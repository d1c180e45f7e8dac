"""Check the Kubernetes values before `helm upgrade` (hub/README.md, part 2):

    .venv/bin/python hub/z2jh/check_values.py [values.yaml course-service.yaml live-service.yaml]

Says, and exits with 1, if a CHANGE-ME is left in any of the files, or if a hub service's token
(the course's, cm101-course, and the live view's, cm101-live) is too short to be secret, not
the same in values.yaml and in that service's manifest (the service could then not reach the
hub), or the same as the other service's (each must be told from the other). The hub itself
refuses to start with a placeholder token too (hub.extraConfig.cm101 in values.yaml).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from workshopauth import MIN_TOKEN, placeholders, weak_token  # noqa: E402

# Each hub service of values.yaml, and the manifest whose Secret of the same name holds its token.
SERVICES = {"cm101-course": "course-service.yaml", "cm101-live": "live-service.yaml"}


def manifest_token(docs: list[Any], service: str) -> Any:
    """The api-token of the Secret named after `service` in a manifest's documents, or None."""
    for doc in docs:
        if doc and doc.get("kind") == "Secret" and doc.get("metadata", {}).get("name") == service:
            return (doc.get("stringData") or {}).get("api-token")
    return None


def problems(values_path: Path, *manifest_paths: Path) -> list[str]:
    """What is still to fill in or to fix, one plain sentence each (none: ready to install)."""
    values = yaml.safe_load(values_path.read_text(encoding="utf-8")) or {}
    found = [f"{values_path.name}: {where} is still CHANGE-ME" for where in placeholders(values)]
    manifests = {}
    for path in manifest_paths:
        docs = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
        manifests[path.name] = docs
        for n, doc in enumerate(docs):
            kind = f"{(doc or {}).get('kind', 'document')} {n + 1}"
            found += [
                f"{path.name}: {where} ({kind}) is still CHANGE-ME" for where in placeholders(doc)
            ]
    services = values.get("hub", {}).get("services", {})
    tokens = {}
    for service, manifest in SERVICES.items():
        hub_token = services.get(service, {}).get("apiToken")
        own = manifest_token(manifests.get(manifest, []), service)
        for name, token in ((values_path.name, hub_token), (manifest, own)):
            if not placeholders(token) and weak_token(token):
                found.append(
                    f"{name}: the {service} token is missing or shorter than {MIN_TOKEN} "
                    "characters (make one with `openssl rand -hex 32`)"
                )
        if hub_token != own and not (placeholders(hub_token) or placeholders(own)):
            found.append(f"the {service} token differs between {values_path.name} and {manifest}")
        if not weak_token(hub_token):
            tokens[service] = hub_token
    if len(tokens) == len(SERVICES) and len(set(tokens.values())) < len(tokens):
        found.append(
            f"{' and '.join(tokens)} have the same token: give each its own "
            "(`openssl rand -hex 32` twice)"
        )
    return found


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    paths = [Path(a) for a in args] or [
        HERE / "values.yaml",
        *(HERE / m for m in SERVICES.values()),
    ]
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
