"""`check`: compare what `generate` would write now with what is on disk, writing nothing.

Every stale file gets a reason: which input changed since the last generation (read from the
manifest it left), or that the file was edited, is missing, or is no longer produced.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import GeneratorError
from generator.pipeline import Generated, Job, build
from generator.write.disk import Tree
from generator.write.manifest import MANIFEST, read_manifest, sha256
from generator.write.swap import Places, as_generated, pending_journal


@dataclass(frozen=True)
class Stale:
    path: Path
    reason: str
    diff: str
    needs_force: bool = False  # generate refuses to repair it without --force


def check(job: Job) -> list[Stale]:
    """Every stale file of the job's output, by a full comparison; a current output is
    remembered for the fast path."""
    from generator import memo

    generated = build(job)
    stale = _compare(generated)
    if not stale:
        memo.remember(job, generated.package_dir, generated.warnings)
    return stale


def _compare(generated: Generated) -> list[Stale]:
    package_dir = generated.package_dir
    places = Places.of(package_dir)
    if pending_journal(places) is not None:
        reason = "a generation was interrupted while replacing files; run generate to complete it"
        return [Stale(package_dir, reason, "")]
    old = read_manifest(places.package)
    new_inputs = json.loads(generated.files[MANIFEST])["inputs"]
    input_changes = _input_changes(old.inputs if old else None, new_inputs)
    stale = []
    for path, expected in sorted(generated.files.items()):
        actual = places.package.read_text(path)
        if actual == expected:
            continue
        forced = False
        if path == MANIFEST and old is None and places.package.exists():
            reason = (
                "no manifest: this folder was not written by generate, which refuses to"
                " write into it (generate --force writes into it anyway)"
            )
            forced = True
        elif actual is None:
            reason = "missing: generate would create it"
        elif old is not None and old.files.get(path) not in (None, sha256(actual)):
            reason = "edited by hand since it was generated"
        elif path == MANIFEST and old is not None and _renamed(old.inputs, new_inputs):
            reason = (
                f"this copy was generated as package {old.inputs['package']} and renamed"
                f" by hand; {_generate_as(package_dir)} makes it current (generate a"
                " package under the name you want rather than copying it)"
            )
        else:
            reason = "stale: " + (
                input_changes or "differs from what generate would write"
            )
        stale.append(
            Stale(
                package_dir / path, reason, _diff(path, actual or "", expected), forced
            )
        )
    if not places.package.exists():
        stale[:0] = _elsewhere(package_dir, new_inputs["spec"])
    listed = old.files if old else {}
    for path in sorted(set(listed) - set(generated.files)):
        if places.package.exists(path):
            stale.append(
                Stale(package_dir / path, _left_behind(places, listed, path), "")
            )
    return stale


def _left_behind(places: Places, listed: dict[str, str], path: str) -> str:
    """What generate does with a file the manifest lists that is no longer generated."""
    if as_generated(places.package.read_text(path), listed[path]):
        return "no longer generated: generate would remove it"
    return "no longer generated, but edited by hand since: generate leaves it to you"


def _elsewhere(package_dir: Path, spec: str) -> list[Stale]:
    """Where the output folder holds no such package but one generated from the same spec,
    a line naming it: `check` was most likely run without the `--package` it was made with.
    """
    found: list[Stale] = []
    try:
        folders = sorted(package_dir.parent.iterdir())
    except OSError:  # no output folder at all
        return found
    for folder in folders:
        try:
            manifest = read_manifest(Tree(folder)) if folder.is_dir() else None
        except GeneratorError:  # an untrusted record is that package's own problem
            continue
        if manifest is None or manifest.inputs.get("spec") != spec:
            continue
        if manifest.inputs.get("package") not in (None, folder.name):
            reason = (
                f"missing: no package folder here, but {folder.name}/ is a copy of the"
                f" package generated from the same spec as {manifest.inputs['package']},"
                f" renamed by hand; {_generate_as(folder)} makes it current (generate a"
                " package under the name you want rather than copying it)"
            )
        else:
            reason = (
                f"missing: no package folder here, but {folder.name}/ was generated from the"
                f" same spec: generated with --package {folder.name}, or named by an earlier"
                f" naming rule (the default name is now {package_dir.name}; docs/naming.md"
                " lists the names the rule changed)"
            )
        found.append(Stale(package_dir, reason, ""))
    return found


def _generate_as(package_dir: Path) -> str:
    output = package_dir.parent
    with contextlib.suppress(ValueError):
        output = output.resolve().relative_to(Path.cwd().resolve())
    return shlex.join(
        [
            "generate",
            "...",
            "--output",
            output.as_posix(),
            "--package",
            package_dir.name,
        ]
    )


def _renamed(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """The manifest was made for another package name: a copy renamed by hand."""
    return old.get("package") not in (None, new["package"])


def _input_changes(old: dict[str, Any] | None, new: dict[str, Any]) -> str:
    """What changed between two manifests' inputs, in words."""
    if not old:
        return ""
    changes = []
    if old.get("spec_sha256") != new["spec_sha256"] or old.get("spec") != new["spec"]:
        changes.append(f"the spec {new['spec']} changed")
    old_references, new_references = old.get("references", {}), new.get(
        "references", {}
    )
    changes += [
        f"the referenced file {name} changed"
        for name in sorted(set(old_references) | set(new_references))
        if old_references.get(name) != new_references.get(name)
    ]
    old_templates = old.get("templates") or {}
    changes += [
        f"template {name} changed"
        for name, digest in sorted(new["templates"].items())
        if old_templates.get(name, digest)
        != digest  # a template new to the set is no change
    ]
    for option in ("package", "tests", "async"):
        if old.get(option, True) != new[option]:
            changes.append(
                f"option {option} changed ({old.get(option)!r} -> {new[option]!r})"
            )
    if (
        old.get("generator") != new["generator"]
        or old.get("generator_source") != new["generator_source"]
    ):
        changes.append(f"the generator changed (now {new['generator']})")
    return "; ".join(changes)


def _diff(path: str, actual: str, expected: str) -> str:
    lines = difflib.unified_diff(
        actual.splitlines(keepends=True),
        expected.splitlines(keepends=True),
        fromfile=f"{path} (on disk)",
        tofile=f"{path} (generated)",
    )
    return "".join(lines)
