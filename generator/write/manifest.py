"""The records a generation leaves beside its files: the manifest and the journal.

Both travel with a vendored copy, so anyone can have written them: they are untrusted input.
Every path read from them must be a plain relative path inside the package folder (`/`-separated,
no `..` or `.`, no absolute or drive path, no backslash or control character); a record that
is not what this module writes is refused with `UntrustedRecord` (exit 2), which names the file
and the entry, before anything it lists is touched.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from generator.errors import GeneratorError
from generator.write.disk import Tree

MANIFEST = ".connector-codegen.json"
_DIGEST = re.compile(r"[0-9a-f]{64}")
_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f\\:]")
FORCE_HINT = (
    "generate --force ignores it (deleting nothing it lists) and writes a fresh one"
)


class UntrustedRecord(GeneratorError):
    """A manifest or journal that is not one connector-codegen wrote; nothing was deleted."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(
            f"{path}: {problem}; nothing was deleted or written ({FORCE_HINT})"
        )


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def plain_relative(entry: object) -> str | None:
    """`entry` when it is a plain relative path inside a folder, else None."""
    if not isinstance(entry, str) or not entry or _FORBIDDEN.search(entry):
        return None
    path = PurePosixPath(entry)
    if path.is_absolute() or path.as_posix() != entry:
        return None
    if any(part in ("", ".", "..") for part in entry.split("/")):
        return None
    return entry


@dataclass(frozen=True)
class Manifest:
    inputs: dict[str, Any]
    files: dict[str, str]  # relative path -> sha256 of its text

    @staticmethod
    def text(inputs: dict[str, Any], files: dict[str, str]) -> str:
        hashes = {path: sha256(text) for path, text in sorted(files.items())}
        manifest = {"inputs": inputs, "files": hashes}
        return json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=True) + "\n"


def parse_manifest(text: str, path: Path) -> Manifest:
    data = _json_object(text, path)
    inputs, files = data.get("inputs"), data.get("files")
    if not isinstance(inputs, dict) or not isinstance(files, dict):
        raise UntrustedRecord(path, "not a manifest (no 'inputs' and 'files' objects)")
    for entry, digest in files.items():
        _check_entry(entry, path, "files")
        if entry == MANIFEST:
            raise UntrustedRecord(path, "it lists itself under 'files'")
        if not isinstance(digest, str) or not _DIGEST.fullmatch(digest):
            raise UntrustedRecord(path, f"entry {entry!r}: not a sha256 digest")
    return Manifest(inputs, dict(files))


def read_manifest(package: Tree) -> Manifest | None:
    """The package folder's manifest; None when there is none."""
    text = package.read_text(MANIFEST)
    if text is None:
        if package.exists(MANIFEST):
            raise UntrustedRecord(package.path(MANIFEST), "not a UTF-8 text file")
        return None
    return parse_manifest(text, package.path(MANIFEST))


@dataclass(frozen=True)
class Journal:
    """The commit point of a generation: what to move in from staging, what to remove."""

    move: tuple[str, ...]
    remove: tuple[str, ...]

    def text(self) -> str:
        return json.dumps({"move": list(self.move), "remove": list(self.remove)})


def parse_journal(text: str, path: Path) -> Journal:
    data = _json_object(text, path)
    lists = {}
    for key in ("move", "remove"):
        entries = data.get(key)
        if not isinstance(entries, list):
            raise UntrustedRecord(path, f"not a journal (no {key!r} list)")
        lists[key] = tuple(_check_entry(entry, path, key) for entry in entries)
    return Journal(lists["move"], lists["remove"])


def _json_object(text: str, path: Path) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError as error:
        raise UntrustedRecord(path, f"not valid JSON ({error})") from None
    if not isinstance(data, dict):
        raise UntrustedRecord(path, "not a JSON object")
    return data


def _check_entry(entry: object, path: Path, key: str) -> str:
    checked = plain_relative(entry)
    if checked is None:
        raise UntrustedRecord(
            path,
            f"entry {entry!r} under {key!r} is not a plain relative path inside the package",
        )
    return checked
