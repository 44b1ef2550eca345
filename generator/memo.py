"""A memo of the last verified generation, so that `check` and a repeat `generate` on current
output skip validation, rendering and black.

After a full run has seen the output on disk equal to what the inputs give, it records a key
made of every input (the manifest's inputs: spec and referenced files, options, templates, the
generator's own source; plus --lenient and the versions of Python and of every package in
TOOLS) and the manifest's digest, in the user's cache folder
(`$XDG_CACHE_HOME/connector-codegen`, else `~/.cache/connector-codegen`). A later run whose key
and manifest are the same, and whose files on disk still have the manifest's hashes, is current
without rendering. Anything else (a changed input, an edited or missing file, an interrupted
swap, no record) falls back to the full run, so the verdict is always a full comparison's.
`CONNECTOR_CODEGEN_NO_CACHE=1` turns the memo off.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any

from generator.errors import GeneratorError
from generator.findings import Finding
from generator.pipeline import Job, job_inputs
from generator.write.manifest import MANIFEST, read_manifest, sha256
from generator.write.swap import Places

DISABLE_ENV = "CONNECTOR_CODEGEN_NO_CACHE"
# Every package whose version can change the output or the findings (the validator's JSON
# Schema backend is pinned to jsonschema: see validator.swagger_schema_validator).
TOOLS = (
    "black",
    "jinja2",
    "jsonschema",
    "openapi-schema-validator",
    "openapi-spec-validator",
    "pyyaml",
)


@dataclass(frozen=True)
class Current:
    """Output known to be current: where it is, how many files, the warnings it was made with."""

    package_dir: Path
    file_count: int  # the manifest included
    warnings: tuple[Finding, ...]


def current(job: Job) -> Current | None:
    """The output of `job`, when the memo proves it current; None when a full run must decide."""
    if os.environ.get(DISABLE_ENV):
        return None
    try:
        return _current(job)
    except (OSError, ValueError, KeyError, TypeError, GeneratorError):
        return None


def remember(job: Job, package_dir: Path, warnings: tuple[Finding, ...]) -> None:
    """Record that the output in `package_dir` is what `job`'s inputs give (best effort)."""
    if os.environ.get(DISABLE_ENV):
        return
    try:
        manifest_path = package_dir / MANIFEST
        manifest_text = manifest_path.read_text(encoding="utf-8")
        key = _key(job, json.loads(manifest_text)["inputs"])
        record = {
            "key": key,
            "manifest": sha256(manifest_text),
            "warnings": [finding.as_json() for finding in warnings],
        }
        path = _record_path(package_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(record), encoding="utf-8")
        os.replace(temporary, path)
    except (OSError, ValueError, KeyError):
        pass


def _current(job: Job) -> Current | None:
    from generator.source.loader import load_spec, text_digest

    source = load_spec(job.spec, job.spec_name, lenient=job.lenient)
    package = job.package or _default_package(source.data)
    package_dir = job.output / package
    places = Places.of(package_dir)
    manifest = read_manifest(places.package)
    # an interrupted generation, or one's leftovers, is the full run's to finish or clean up
    leftovers = (places.journal, f".{places.journal}.tmp", places.staging.root.name)
    if manifest is None or any(places.beside.exists(name) for name in leftovers):
        return None
    inputs = job_inputs(job, source.digest, package)
    references = manifest.inputs.get("references")
    if references:
        inputs["references"] = {
            name: text_digest(_reference_path(job, name).read_text(encoding="utf-8"))
            for name in references
        }
    if inputs != manifest.inputs:
        return None
    record = json.loads(_record_path(package_dir).read_text(encoding="utf-8"))
    manifest_text = places.package.read_text(MANIFEST) or ""
    if record["key"] != _key(job, inputs) or record["manifest"] != sha256(
        manifest_text
    ):
        return None
    for path, digest in manifest.files.items():
        text = places.package.read_text(path)
        if text is None or sha256(text) != digest:
            return None
    warnings = tuple(Finding(**finding) for finding in record["warnings"])
    return Current(package_dir, len(manifest.files) + 1, warnings)


def _default_package(data: Any) -> str:
    from generator.parse.identifiers import default_package_name

    info = data.get("info")
    info = info if isinstance(info, dict) else {}
    return default_package_name(str(info.get("title") or "API"))


def _reference_path(job: Job, name: str) -> Path:
    """A referenced file from its name in the manifest (relative to the spec's own name)."""
    relative = PurePosixPath(name).relative_to(PurePosixPath(job.spec_name).parent)
    return job.spec.parent / relative


def _key(job: Job, inputs: dict[str, Any]) -> str:
    versions = {tool: metadata.version(tool) for tool in TOOLS}
    material = {
        "inputs": inputs,
        "lenient": job.lenient,
        "python": list(sys.version_info[:2]),
        "tools": versions,
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


def _record_path(package_dir: Path) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    name = hashlib.sha256(str(package_dir.resolve()).encode()).hexdigest()[:32]
    return Path(base) / "connector-codegen" / f"{name}.json"
