"""Generation time of each Swagger 2.0 description of the world corpus (`../shared/corpus/world`),
per operation: a whole `generate` process (interpreter start and imports included, no memo),
CPU time (user + sys of the child), median of interleaved runs.

    .venv/bin/python bench/world.py [--runs N]

A spec that is not valid strictly is generated with --lenient; one refused even so is listed
with its exit code.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORLD = (
    Path(os.environ.get("CONNECTOR_CODEGEN_CORPUS", ROOT.parent / "shared" / "corpus"))
    / "world"
)


def operations(spec: Path) -> int:
    sys.path.insert(0, str(ROOT))
    from generator.source.document import HTTP_METHODS
    from generator.source.loader import load_spec  # YAML as the generator reads it

    document = load_spec(spec, spec.name, lenient=True).data
    return sum(
        method in item
        for item in (document.get("paths") or {}).values()
        if isinstance(item, dict)
        for method in HTTP_METHODS
    )


def cpu_of(command: list[str]) -> tuple[int, float]:
    """(exit code, CPU seconds of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, capture_output=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    spent = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return done.returncode, spent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    specs = sorted(p for p in WORLD.iterdir() if p.suffix in (".json", ".yaml"))
    os.environ["CONNECTOR_CODEGEN_NO_CACHE"] = "1"
    program = [sys.executable, "-m", "generator"]
    modes: dict[Path, list[str]] = {}
    for spec in specs:
        code, _ = cpu_of([*program, "validate", str(spec)])
        modes[spec] = [] if code == 0 else ["--lenient"]
    timings: dict[Path, list[float]] = {spec: [] for spec in specs}
    codes: dict[Path, int] = {}
    for _ in range(runs):  # interleaved: one run of every spec per round
        for spec in specs:
            with tempfile.TemporaryDirectory() as output:
                command = [*program, "generate", str(spec), "-o", output, *modes[spec]]
                codes[spec], spent = cpu_of(command)
            timings[spec].append(spent)
    print("| spec | operations | mode | CPU, median | per operation |")
    print("| --- | ---: | --- | ---: | ---: |")
    for spec in specs:
        count = operations(spec)
        median = statistics.median(timings[spec])
        mode = " ".join(modes[spec]) or "strict"
        if codes[spec] != 0:
            mode += f" (refused, exit {codes[spec]})"
        per = f"{1000 * median / count:.1f} ms" if count else "-"
        print(f"| {spec.name} | {count} | {mode} | {median:.2f} s | {per} |")


if __name__ == "__main__":
    main()
