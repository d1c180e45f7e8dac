"""Progress that travels: a field laptop's trainees' work as one file, taken in at head office.

    python -m cmcourse.trainer.transfer export room.cm101.json [--trainee LABEL ...]
    python -m cmcourse.trainer.transfer import room.cm101.json

The file is JSON: the trainees' accounts (names, labels, and secrets as their hashes, so a
trainee signs in at head office with the same PIN or code) and everything saved in their
progress files, with a SHA-256 checksum of it all. It holds names and answers: carry it as
you would the trainees' paper files.

Importing merges (`ProgressStore.merge`): every try, visit and break is kept and none twice,
so importing the same file again adds nothing. Where both servers hold a different reflection,
record or submission for the same attempt, the one written last is kept, and the import says
so. An account already on this server keeps its name and secret here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cmcourse.core.accounts import Accounts, SignInError
from cmcourse.core.names import BadName
from cmcourse.core.store import (
    TRAINEE_ID,
    ProgressError,
    ProgressReader,
    ProgressStore,
    all_trainees,
    data_dir,
)

FORMAT = "cm101-progress"
VERSION = 1
MAX_BYTES = 200 * 1024 * 1024  # far above a room's work: a file past it is not one of ours


class TransferError(ProgressError):
    """A file that cannot be imported, said plainly; nothing of it was kept."""


@dataclass
class Imported:
    trainees: int = 0  # trainees in the file
    new_trainees: int = 0  # of them, new on this server
    rows: int = 0  # saved items added
    notes: list[str] = field(default_factory=list)  # conflicts resolved, names kept


def _checksum(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def export_progress(folder: Path | None = None, labels: set[str] | None = None) -> bytes:
    """Every trainee's work (or only the trainees with these labels) as one file."""
    folder = folder or data_dir()
    accounts = Accounts(folder)
    trainees = []
    try:
        for trainee_id in all_trainees(folder):
            account = accounts.carried(trainee_id)
            if labels is not None and (account is None or account["label"] not in labels):
                continue
            try:
                reader = ProgressReader(folder / "trainees" / f"{trainee_id}.sqlite")
            except ProgressError:
                continue  # a damaged file stays where it is, for the trainer
            try:
                trainees.append(
                    {
                        "id": trainee_id,
                        "name": reader.name,
                        "account": account,
                        "rows": reader.rows(),
                    }
                )
            finally:
                reader.close()
    finally:
        accounts.close()
    content = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "trainees": trainees,
    }
    document = {"content": content, "sha256": _checksum(content)}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def _read(data: bytes) -> dict[str, Any]:
    if len(data) > MAX_BYTES:
        raise TransferError("This file is far larger than a room's progress: it was not read.")
    try:
        document = json.loads(data.decode("utf-8-sig"))
        content, checksum = document["content"], document["sha256"]
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError):
        raise TransferError(
            "This is not a CM 101 progress file (export one from the trainer's class list "
            "page or with `python -m cmcourse.trainer.transfer export`)."
        ) from None
    if not isinstance(content, dict) or content.get("format") != FORMAT:
        raise TransferError("This is not a CM 101 progress file.")
    if _checksum(content) != checksum:
        raise TransferError(
            "This progress file was changed or damaged on the way (its checksum does not "
            "match): nothing of it was imported. Export it again from the first server."
        )
    if content.get("version") != VERSION:
        raise TransferError(
            "This progress file comes from another version of the course: update this server's "
            "course first, then import it."
        )
    return content


def import_progress(data: bytes, folder: Path | None = None) -> Imported:
    """Merge a progress file into this server's trainees (see the module's rules)."""
    folder = folder or data_dir()
    content = _read(data)
    report = Imported()
    accounts = Accounts(folder)
    try:
        for trainee in content.get("trainees", []):
            trainee_id = str(trainee.get("id", ""))
            if not TRAINEE_ID.match(trainee_id):
                report.notes.append("a trainee with an unusable id was left out")
                continue
            report.trainees += 1
            known = accounts.find(trainee_id) is not None
            if trainee.get("account"):
                try:
                    note = accounts.adopt(trainee["account"])
                except (SignInError, BadName, KeyError) as exc:
                    report.notes.append(f"an account was left out: {exc}")
                    continue
                if note:
                    report.notes.append(note)
            report.new_trainees += 0 if known else 1
            who = trainee.get("name") or trainee_id
            store = ProgressStore(trainee_id, folder)
            try:
                merged = store.merge(trainee.get("rows", {}), trainee.get("name"))
            except ProgressError as exc:
                report.notes.append(f"{who}: {exc}")
                continue
            finally:
                store.close()
            report.rows += merged.added
            report.notes += [f"{who}: {c}" for c in merged.conflicts]
    finally:
        accounts.close()
    return report


def summary(report: Imported) -> str:
    """The import's outcome in a sentence or two."""
    text = (
        f"{report.trainees} trainee{'s' if report.trainees != 1 else ''} in the file "
        f"({report.new_trainees} new here); {report.rows} saved item"
        f"{'s' if report.rows != 1 else ''} added."
    )
    if report.rows == 0 and report.trainees:
        text += " Everything in the file was already here."
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cm101-transfer", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    out = sub.add_parser("export", help="write this server's trainees' progress to a file")
    out.add_argument("file", type=Path)
    out.add_argument("--trainee", action="append", metavar="LABEL", help="only this trainee")
    into = sub.add_parser("import", help="merge a progress file into this server")
    into.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "export":
            data = export_progress(labels=set(args.trainee) if args.trainee else None)
            args.file.write_bytes(data)
            count = len(json.loads(data)["content"]["trainees"])
            print(f"{count} trainee(s) written to {args.file}.")
        else:
            report = import_progress(args.file.read_bytes())
            print(summary(report))
            for note in report.notes:
                print(f"  - {note}")
    except (ProgressError, OSError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
