"""Generation time of this checkout against an earlier revision, measured interleaved in one run.

    .venv/bin/python bench/revisions.py 72039e1                # spec/twilio.yaml, 15 runs each
    .venv/bin/python bench/revisions.py 72039e1 --spec X --runs 5

The revision is checked out into a temporary git worktree; both generate the same spec into
empty folders with the memo off (CONNECTOR_CODEGEN_NO_CACHE=1), whole processes, alternating
which goes first, and the medians and their ratio are printed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def seconds(checkout: Path, spec: Path, output: Path) -> float:
    shutil.rmtree(output, ignore_errors=True)
    command = [
        sys.executable,
        "-m",
        "generator",
        "generate",
        str(spec),
        "-o",
        str(output),
    ]
    environment = {**os.environ, "CONNECTOR_CODEGEN_NO_CACHE": "1"}
    started = time.perf_counter()
    subprocess.run(
        command, cwd=checkout, env=environment, check=True, capture_output=True
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("revision")
    parser.add_argument("--spec", type=Path, default=ROOT / "spec" / "twilio.yaml")
    parser.add_argument("--runs", type=int, default=15)
    options = parser.parse_args()
    spec = options.spec.resolve()
    with tempfile.TemporaryDirectory() as scratch:
        earlier = Path(scratch) / "earlier"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(earlier), options.revision],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        try:
            times: dict[str, list[float]] = {"this checkout": [], options.revision: []}
            checkouts = {"this checkout": ROOT, options.revision: earlier}
            for run in range(options.runs):
                order = list(checkouts) if run % 2 == 0 else list(checkouts)[::-1]
                for name in order:
                    output = Path(scratch) / "out"
                    times[name].append(seconds(checkouts[name], spec, output))
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(earlier)],
                cwd=ROOT,
                check=False,
                capture_output=True,
            )
    ours, theirs = (statistics.median(times[name]) for name in checkouts)
    print(
        f"{spec.name}, {options.runs} interleaved runs each, median whole-process seconds:"
    )
    print(f"  this checkout: {ours:.3f} s")
    print(f"  {options.revision}: {theirs:.3f} s")
    print(f"  ratio (this / {options.revision}): {ours / theirs:.2f}")


if __name__ == "__main__":
    main()
