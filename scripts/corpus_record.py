"""Record what the generator says and writes for every spec of the shared corpus, to compare a
refactoring's before and after.

    .venv/bin/python scripts/corpus_record.py record OUT.jsonl [--corpus DIR]
    .venv/bin/python scripts/corpus_record.py compare BEFORE.jsonl AFTER.jsonl

For each spec (every `.json`/`.yaml` file of every corpus set, example files and shared type
files included, since a command must treat them the same way too): the exit code and output of
`validate`, `validate --lenient` and `generate --lenient`, and a digest of every generated file
(the manifest's `generator_source` and template digests blanked: they change with any edit of
the generator or a template that gives the same output). Run both records from the same folder
(specs are named relative to it). `compare` prints each spec whose record differs and exits 1
if any does.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.cli import main as cli

MANIFEST = ".connector-codegen.json"
TEMPORARY = re.compile(re.escape(tempfile.gettempdir()) + r"/tmp\w+")


def specs(corpus: Path) -> list[Path]:
    return sorted(
        path
        for pattern in ("*.json", "*.yaml", "*.yml")
        for path in corpus.rglob(pattern)
        if "node_modules" not in path.parts
        and path.name not in ("PROVENANCE.json", "package.json")
    )


def invoke(args: list[str]) -> dict[str, Any]:
    result = CliRunner().invoke(cli, args)
    crash = result.exception is not None and not isinstance(
        result.exception, SystemExit
    )
    return {
        "exit": result.exit_code,
        "output": result.output,
        "crash": repr(result.exception) if crash else None,
    }


def package_digest(output: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(output.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        data = path.read_bytes()
        if path.name == MANIFEST:
            manifest = json.loads(data)
            manifest["inputs"]["generator_source"] = ""
            manifest["inputs"][
                "templates"
            ] = {}  # their digests: a template may be reworded
            data = json.dumps(manifest, sort_keys=True).encode()
        digest.update(path.relative_to(output).as_posix().encode() + b"\0" + data)
    return digest.hexdigest()


def record(corpus: Path, out: Path) -> None:
    os.environ["CONNECTOR_CODEGEN_NO_CACHE"] = "1"
    if not specs(corpus):
        sys.exit(f"no specs under {corpus}")
    with out.open("w", encoding="utf-8") as stream:
        for spec in specs(corpus):
            name = spec.relative_to(corpus).as_posix()
            print(name, file=sys.stderr, flush=True)
            entry: dict[str, Any] = {"spec": name}
            entry["validate"] = invoke(["validate", str(spec)])
            entry["validate --lenient"] = invoke(["validate", str(spec), "--lenient"])
            with tempfile.TemporaryDirectory() as folder:
                generated = invoke(
                    ["generate", str(spec), "--lenient", "-o", folder, "--package", "p"]
                )
                entry["generate --lenient"] = generated
                if generated["exit"] == 0:
                    entry["files"] = package_digest(Path(folder))
            stream.write(json.dumps(entry, sort_keys=True) + "\n")


def compare(before: Path, after: Path) -> int:
    def read(path: Path) -> dict[str, dict[str, Any]]:
        text = TEMPORARY.sub("<output>", path.read_text(encoding="utf-8"))
        return {entry["spec"]: entry for entry in map(json.loads, text.splitlines())}

    old, new = read(before), read(after)
    differing = sorted(
        name for name in set(old) | set(new) if old.get(name) != new.get(name)
    )
    for name in differing:
        print(f"differs: {name}")
    print(f"{len(old)} specs before, {len(new)} after, {len(differing)} differ")
    return 1 if differing else 0


def main() -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    recording = commands.add_parser("record")
    recording.add_argument("out", type=Path)
    recording.add_argument(
        "--corpus", type=Path, default=ROOT.parent / "shared" / "corpus"
    )
    comparing = commands.add_parser("compare")
    comparing.add_argument("before", type=Path)
    comparing.add_argument("after", type=Path)
    arguments = parser.parse_args()
    if arguments.command == "record":
        record(arguments.corpus, arguments.out)
    else:
        sys.exit(compare(arguments.before, arguments.after))


if __name__ == "__main__":
    main()
