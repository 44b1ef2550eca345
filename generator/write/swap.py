"""Stage 6, write: put the generated files on disk so that a kill at any moment loses nothing.

The package folder holds a manifest (`.connector-codegen.json`) of what was written: file hashes
and the inputs they were made from. A generation:

1. stages every file whose bytes on disk differ from what it generates (whether an input
   changed, or the file was edited or deleted by hand), complete, in a sibling folder
   `.<package>.staging/`, and the manifest always;
2. writes the journal `.<package>.journal.json` (atomically): the commit point, listing the
   files to move in (the manifest among them, always) and the stale files to remove;
3. moves each staged file but the manifest into the package folder (`os.replace`, atomic per
   file), removes the stale files, and moves the manifest in last of all: while it is still
   staged, moves or removals remain, so a journal is never left with work it cannot see;
4. deletes the journal and the staging folder.

Killed before step 2, the old output is intact and the next run discards the staging folder;
killed after it, the package folder may hold old and new files side by side until the next
`generate` completes the swap from the journal (`check` reports it, exit 1, and writes nothing).
An I/O error during step 3 is rolled back from the old texts held in memory. Unchanged files are
never rewritten, and files the manifest does not list (yours, `__pycache__`) are never touched:
a journal may move in only files the new manifest lists and remove only files the old one lists,
and a file no longer generated is removed only while its bytes are still the ones the manifest
recorded (edited since, it is kept and named: the manifest may have been edited to list it).
All file operations go through `disk.Tree`, which refuses symbolic links.
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import GeneratorError
from generator.write.disk import DiskError, Tree
from generator.write.manifest import (
    MANIFEST,
    Journal,
    Manifest,
    UntrustedRecord,
    parse_journal,
    parse_manifest,
    read_manifest,
    sha256,
)

# Test hook: `step` or `step:N` kills the process (SIGKILL) at the Nth time it reaches `step`.
CRASH_ENV = "CONNECTOR_CODEGEN_CRASH_AT"
CRASH_STEPS = (
    "writing",
    "staging",
    "committed",
    "moving",
    "removing",
    "manifest",
    "journal",
)


def staging_dir(package_dir: Path) -> Path:
    return package_dir.with_name(f".{package_dir.name}.staging")


def journal_path(package_dir: Path) -> Path:
    return package_dir.with_name(f".{package_dir.name}.journal.json")


@dataclass(frozen=True)
class Places:
    """The three managed places of one package, each behind the link guard."""

    package: Tree
    staging: Tree
    beside: Tree  # the output folder, trusted, for the journal
    journal: str  # the journal's name inside `beside`

    @staticmethod
    def of(package_dir: Path) -> Places:
        output = package_dir.parent.resolve()  # --output is resolved once and trusted
        package = output / package_dir.name
        return Places(
            Tree(package),
            Tree(staging_dir(package)),
            Tree(output),
            journal_path(package).name,
        )


@dataclass(frozen=True)
class WriteReport:
    written: list[str]  # files whose bytes on disk changed
    unchanged: list[str]
    removed: list[str]  # files that existed and were removed
    restored: list[tuple[str, str]] = field(
        default_factory=list
    )  # (file, what was wrong)
    kept: list[str] = field(
        default_factory=list
    )  # no longer generated, but edited: left


def pending_journal(places: Places) -> Journal | None:
    """The journal of a generation interrupted after its commit point, validated; None when
    there is none."""
    text = places.beside.read_text(places.journal)
    if text is None:
        return None
    journal = parse_journal(text, places.beside.path(places.journal))
    _check_journal(places, journal)
    return journal


def write_package(
    package_dir: Path, files: dict[str, str], *, force: bool
) -> WriteReport:
    """Make the package folder hold exactly `files` (path -> text, the manifest included):
    every file that differs from `files` on disk is replaced, whatever made it differ (an
    input, a hand edit, a deletion), so that one run repairs what `check` reports."""
    places = Places.of(package_dir)
    recover(places, force=force)
    manifest = _trusted_manifest(places, force)
    _check_ownership(places.package, force, manifest)
    listed = manifest.files if manifest else {}
    old = {path: places.package.read_text(path) for path in sorted(files)}
    changed = [path for path in sorted(files) if old[path] != files[path]]
    stale, kept = _stale(places, listed, files, old)
    unchanged = [path for path in sorted(files) if path not in changed]
    if not changed and not stale:
        return WriteReport([], unchanged, [], [], kept)
    # The manifest always moves in, last: while it is staged, moves remain (see _swap).
    moves = sorted({*changed, MANIFEST})
    _stage(places, {path: files[path] for path in moves})
    journal = Journal(tuple(moves), tuple(stale))
    places.beside.write_atomic(places.journal, journal.text())
    _crash_point("committed")
    try:
        _swap(places, journal)
    except DiskError as error:
        _roll_back(places, journal, old, error)
    restored = _restored(manifest, files, old, changed)
    return WriteReport(changed, unchanged, stale, restored, kept)


def _stale(
    places: Places,
    listed: dict[str, str],
    files: dict[str, str],
    old: dict[str, str | None],
) -> tuple[list[str], list[str]]:
    """The files the manifest lists that are no longer generated: those still as generated,
    to remove; those edited since, to keep (a manifest is untrusted: one naming a file of the
    user's must not get it deleted)."""
    remove: list[str] = []
    keep: list[str] = []
    for path in sorted(set(listed) - set(files)):
        text = places.package.read_text(path)
        if text is None and not places.package.exists(path):
            continue
        old[path] = text
        (remove if as_generated(text, listed[path]) else keep).append(path)
    return remove, keep


def as_generated(text: str | None, digest: str) -> bool:
    """Whether a file's text is still what the manifest recorded: only then may generate
    remove it once it is no longer generated (`check` says what generate will do)."""
    return text is not None and sha256(text) == digest


def _restored(
    manifest: Manifest | None,
    files: dict[str, str],
    old: dict[str, str | None],
    changed: list[str],
) -> list[tuple[str, str]]:
    """The changed files that differed from what the last generation wrote, with how: their
    repair, as opposed to a change an input made."""
    if manifest is None:
        return []
    found = []
    for path in changed:
        before = old[path]
        if path == MANIFEST:
            if (
                before is not None
                and json.loads(files[path])["inputs"] == manifest.inputs
            ):
                found.append((path, "edited by hand"))
        elif path in manifest.files:
            if before is None:
                found.append((path, "deleted"))
            elif sha256(before) != manifest.files[path]:
                found.append((path, "edited by hand"))
    return found


def recover(places: Places, *, force: bool) -> None:
    """Finish a generation interrupted after its commit point; drop one interrupted before.
    With `force`, a journal that cannot be trusted is discarded instead of refused."""
    try:
        journal = pending_journal(places)
    except UntrustedRecord:
        if not force:
            raise
        places.beside.remove(places.journal)
        journal = None
    if journal is not None:
        _swap(places, journal)
    places.staging.remove_all()
    places.beside.remove(f".{places.journal}.tmp")  # a journal never committed


def _trusted_manifest(places: Places, force: bool) -> Manifest | None:
    try:
        return read_manifest(places.package)
    except UntrustedRecord:
        if force:
            return None
        raise


def _check_ownership(package: Tree, force: bool, manifest: Manifest | None) -> None:
    root = package.path()
    if os.path.lexists(root) and not root.is_dir():
        raise GeneratorError(f"{root} exists and is not a folder")
    if force or not root.is_dir() or manifest is not None:
        return
    if any(root.iterdir()):
        raise GeneratorError(
            f"{root} exists and was not written by connector-codegen (no {MANIFEST});"
            " use --force to generate into it anyway"
        )


def _stage(places: Places, files: dict[str, str]) -> None:
    places.staging.remove_all()
    try:
        for path, text in files.items():
            places.staging.write_atomic(
                path, text, on_half=lambda: _crash_point("writing")
            )
            _crash_point("staging")
    except DiskError:
        _quietly(places.staging.remove_all)
        raise


def _check_journal(places: Places, journal: Journal) -> None:
    """A journal may move in only what the new manifest lists and remove only what the old one
    lists (the old manifest stays in place until the removals are done)."""
    journal_file = places.beside.path(places.journal)
    if MANIFEST not in journal.move:
        raise UntrustedRecord(
            journal_file, f"it does not move {MANIFEST} in (every generation does)"
        )
    new_text = places.staging.read_text(MANIFEST)
    if (
        new_text is None
    ):  # the new manifest is in place: nothing is left but to clean up
        return
    new = parse_manifest(new_text, places.staging.path(MANIFEST))
    for path in journal.move:
        if path != MANIFEST and path not in new.files:
            raise UntrustedRecord(
                journal_file, f"entry {path!r} under 'move' is not in the new manifest"
            )
    old = read_manifest(places.package)
    listed = set(old.files) if old else set()
    for path in journal.remove:
        if path not in listed:
            raise UntrustedRecord(
                journal_file, f"entry {path!r} under 'remove' is not in the manifest"
            )


def _swap(places: Places, journal: Journal) -> None:
    # Once the new manifest is in place every move and removal is done: only cleaning up is left.
    if places.staging.exists(MANIFEST):
        for path in journal.move:
            if path != MANIFEST and places.staging.exists(
                path
            ):  # absent: moved already
                places.package.move_in(places.staging.path(path), path)
                _crash_point("moving")
        for path in journal.remove:
            places.package.remove(path)
            _crash_point("removing")
        places.package.move_in(places.staging.path(MANIFEST), MANIFEST)
        _crash_point("manifest")
    places.beside.remove(places.journal)
    _crash_point("journal")
    places.staging.remove_all()


def _roll_back(
    places: Places, journal: Journal, old: dict[str, str | None], error: DiskError
) -> None:
    """Put back the old texts after an I/O error in the swap, then re-raise the error; if even
    that fails, the journal stays for the next run to complete."""
    try:
        for path in (*journal.move, *journal.remove):
            text = old[path]
            if places.package.read_text(path) == text:
                continue
            if text is None:
                places.package.remove(path)
            else:
                places.package.write_atomic(path, text)
        places.beside.remove(places.journal)
        places.staging.remove_all()
    except DiskError:
        raise DiskError(
            f"{error.message}; the old output could not be put back either, so the"
            " generation is pending: run generate again once the cause is fixed"
        ) from None
    raise DiskError(f"{error.message}; the old output was put back") from None


def _quietly(action: Callable[[], None]) -> None:
    try:
        action()
    except DiskError:
        pass


_crash_counts: dict[str, int] = {}


def _crash_point(step: str) -> None:
    wanted = os.environ.get(CRASH_ENV)
    if not wanted:
        return
    name, _, nth = wanted.partition(":")
    if name != step:
        return
    _crash_counts[step] = _crash_counts.get(step, 0) + 1
    if _crash_counts[step] == int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
