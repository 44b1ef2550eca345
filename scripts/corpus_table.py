"""Print the README's table of corpus results: generate a client for every spec of the shared
corpus, run its generated tests, mypy --strict and ruff, and count what came out.

    .venv/bin/python scripts/corpus_table.py [CORPUS]   # default: ../shared/corpus
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from generator.parse.parser import parse
from generator.pipeline import Job, generate
from generator.source.loader import load_spec

ROOT = Path(__file__).resolve().parent.parent
CHECKS = {
    "tests": [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-c",
        "/dev/null",
    ],
    "mypy": [
        sys.executable,
        "-m",
        "mypy",
        "--strict",
        "--no-incremental",
        "--python-version",
        "3.10",
    ],
    "ruff": [
        sys.executable,
        "-m",
        "ruff",
        "check",
        "--isolated",
        "--no-cache",
        "--target-version",
        "py310",
    ],
}


def row(spec: Path, output: Path) -> str:
    source = load_spec(spec, spec.name)
    api = parse(source)
    folder = output / spec.stem
    generated, _ = generate(Job(spec, spec.name, folder, None, None, True))
    results = {}
    for name, command in CHECKS.items():
        done = subprocess.run(
            [*command, generated.package],
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
        )
        results[name] = done
    passed = re.search(r"(\d+) passed", results["tests"].stdout.splitlines()[-1])
    verdict = "pass" if all(r.returncode == 0 for r in results.values()) else "FAIL"
    iterators = sum(1 for op in api.operations if op.pager)
    deprecated = sum(1 for op in api.operations if op.deprecated)
    cells = [
        spec.stem.split("__")[-1],
        len(api.operations),
        len(api.models),
        len(api.enums),
        iterators,
        deprecated,
        len(api.warnings),
        passed.group(1) if passed else "0",
        verdict,
    ]
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def main() -> None:
    corpus = (
        Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus"
    )
    specs = sorted((corpus / "powerplatform").glob("*.json"))
    with tempfile.TemporaryDirectory() as output, ThreadPoolExecutor(2) as pool:
        rows = list(pool.map(lambda spec: row(spec, Path(output)), specs))
    print(
        "| spec | operations | models | enums | `iter_` methods | deprecated | warnings"
        " | generated tests passed | compile, import, mypy, ruff, tests |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
