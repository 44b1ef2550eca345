"""The benchmark harness: connector-codegen against openapi-generator and the generated client
against bare httpx and http.client, measured side by side in one run on this machine.

    .venv/bin/python bench/run.py            # full: writes bench/RESULTS.md (about 30 minutes)
    .venv/bin/python bench/run.py --quick    # CI: fewer runs, no openapi-generator, no large
                                             # specs; writes bench/out/QUICK.md

Every generation figure is a whole process (interpreter start and imports included). "first"
is a run into an empty folder with an empty memo; "repeat" runs again on the current output
(the fast path); "repeat, no memo" runs the whole pipeline again (CONNECTOR_CODEGEN_NO_CACHE=1).
openapi-generator is installed into bench/out/oag-venv on first use (`pip install
openapi-generator-cli`, which needs Java) and its runs are interleaved with ours.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
CORPUS = Path(
    os.environ.get("CONNECTOR_CODEGEN_CORPUS", ROOT.parent / "shared" / "corpus")
)
TWILIO = ROOT / "spec" / "twilio.yaml"
ARGO = CORPUS / "large" / "argo-workflows.swagger.json"
KUBERNETES = CORPUS / "large" / "kubernetes-1.36.swagger.json"
OPERATIONS = {TWILIO: 3, ARGO: 73, KUBERNETES: 1123}


@dataclass
class Row:
    what: str
    ours: str
    other: str = ""
    ratio: str = ""
    note: str = ""


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float


def run_process(command: list[str], env: dict[str, str] | None = None) -> Run:
    """Wall time and peak memory (max RSS) of one child process, which must succeed."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    stderr = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise RuntimeError(f"{' '.join(command)} failed:\n{stderr[-2000:]}")
    return Run(elapsed, usage.ru_maxrss / 1024)


def ours(spec: Path, output: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "generator",
        "generate",
        str(spec),
        "-o",
        str(output),
        *extra,
    ]


def median(runs: list[Run]) -> float:
    return statistics.median(run.seconds for run in runs)


def seconds(value: float) -> str:
    return f"{value:.2f} s"


class Bench:
    def __init__(self, quick: bool, runs: int) -> None:
        self.quick = quick
        self.runs = runs
        self.rows: list[Row] = []
        self.scratch = Path(tempfile.mkdtemp(prefix="connector-codegen-bench-"))
        self.cache = self.scratch / "cache"
        self.oag: Path | None = None if quick else self._openapi_generator()

    # -- generation ----------------------------------------------------------------------

    def fresh(self, name: str) -> tuple[Path, dict[str, str]]:
        """An empty output folder and an empty memo."""
        folder = self.scratch / name
        shutil.rmtree(folder, ignore_errors=True)
        cache = self.scratch / f"cache-{name}"
        shutil.rmtree(cache, ignore_errors=True)
        return folder, {"XDG_CACHE_HOME": str(cache)}

    def generation(
        self, label: str, spec: Path, runs: int, *extra: str, no_memo: bool = True
    ) -> dict[str, float]:
        """First, repeat and repeat-without-memo runs of ours, each interleaved with
        openapi-generator's run on the same spec when it is measured."""
        first: list[Run] = []
        repeat: list[Run] = []
        full: list[Run] = []
        theirs: list[Run] = []
        for index in range(runs):
            folder, env = self.fresh(f"{label}-{index}")
            first.append(run_process(ours(spec, folder, *extra), env))
            if self.oag is not None:
                theirs.append(self._theirs(spec, self.scratch / f"oag-{label}-{index}"))
            repeat.append(run_process(ours(spec, folder, *extra), env))
            if no_memo:
                no_cache = {**env, "CONNECTOR_CODEGEN_NO_CACHE": "1"}
                full.append(run_process(ours(spec, folder, *extra), no_cache))
        full = full or first  # large specs: the first run is the whole pipeline
        peak = max(run.peak_mb for run in first)
        other = ""
        ratio = ""
        if theirs:
            other = f"{seconds(median(theirs))} (peak {max(r.peak_mb for r in theirs):.0f} MB)"
            ratio = f"{median(theirs) / median(full):.2f}x (theirs / ours, no memo)"
        self.rows.append(
            Row(
                f"generate {label}, first run (cold)",
                f"{seconds(median(first))} (peak {peak:.0f} MB)",
                other,
                ratio,
                f"median of {runs}",
            )
        )
        self.rows.append(
            Row(f"generate {label}, repeat (memo)", seconds(median(repeat)))
        )
        if no_memo:
            self.rows.append(
                Row(f"generate {label}, repeat, no memo", seconds(median(full)))
            )
        return {"first": median(first), "full": median(full), "peak": peak}

    def corpus(self, runs: int) -> None:
        specs = sorted((CORPUS / "powerplatform").glob("*.json"))
        totals: list[float] = []
        repeats: list[float] = []
        theirs: list[float] = []
        for index in range(runs):
            total = repeat = other = 0.0
            for spec in specs:
                folder, env = self.fresh(f"corpus-{index}-{spec.stem}")
                total += run_process(ours(spec, folder), env).seconds
                repeat += run_process(ours(spec, folder), env).seconds
                if self.oag is not None:
                    other += self._theirs(
                        spec, self.scratch / f"oag-{spec.stem}"
                    ).seconds
            totals.append(total)
            repeats.append(repeat)
            theirs.append(other)
        self.rows.append(
            Row(
                f"generate all {len(specs)} corpus specs, one after another (first runs)",
                seconds(statistics.median(totals)),
                seconds(statistics.median(theirs)) if self.oag else "",
                (
                    f"{statistics.median(theirs) / statistics.median(totals):.2f}x"
                    if self.oag
                    else ""
                ),
                f"median of {runs} totals",
            )
        )
        self.rows.append(
            Row("generate the corpus again (memo)", seconds(statistics.median(repeats)))
        )

    def slope(self, measured: dict[Path, float]) -> None:
        """Marginal seconds per operation between small, medium and large specs."""
        points = sorted(measured.items(), key=lambda item: OPERATIONS[item[0]])
        for (small, t_small), (large, t_large) in itertools.pairwise(points):
            per_operation = (t_large - t_small) / (
                OPERATIONS[large] - OPERATIONS[small]
            )
            self.rows.append(
                Row(
                    f"marginal time per operation, {small.stem} -> {large.stem}",
                    f"{per_operation * 1000:.1f} ms",
                    note="slope of full runs; start-up cancels out",
                )
            )

    # -- check ---------------------------------------------------------------------------

    def check(self, runs: int) -> None:
        folder, env = self.fresh("check")
        run_process(ours(TWILIO, folder), env)
        command = [
            sys.executable,
            "-m",
            "generator",
            "check",
            str(TWILIO),
            "-o",
            str(folder),
        ]
        current = [run_process(command, env) for _ in range(runs)]
        (folder / "twilio_connector" / "models.py").write_text("# edited\n")
        stale = [run_process(command, env) for _ in range(runs)]
        self.rows.append(
            Row(
                "check, current output",
                seconds(median(current)),
                note="target < 0.25 s",
            )
        )
        self.rows.append(
            Row("check, stale output (full comparison)", seconds(median(stale)))
        )

    # -- the generated client ------------------------------------------------------------

    def client(self, calls: int, concurrent_calls: int) -> None:
        script = ROOT / "bench" / "client_bench.py"
        result = subprocess.run(
            [sys.executable, str(script), str(calls), str(concurrent_calls)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        figures = json.loads(result.stdout)
        client, bare, floor = (
            figures["client"],
            figures["httpx"],
            figures["http.client"],
        )
        self.rows.append(
            Row(
                f"{calls} sequential get_message calls, keep-alive",
                seconds(client),
                f"httpx.Client {seconds(bare)}; http.client {seconds(floor)}",
                f"{client / bare:.2f}x httpx (target <= 1.3x); {client / floor:.2f}x http.client",
            )
        )
        asynchronous, bare_async = figures["async client"], figures["httpx.AsyncClient"]
        self.rows.append(
            Row(
                f"{concurrent_calls:,} get_message calls, 50 in flight (AsyncTwilioClient)",
                seconds(asynchronous),
                f"httpx.AsyncClient {seconds(bare_async)}",
                f"{asynchronous / bare_async:.2f}x httpx (target <= 1.2x)",
                "best of 3, interleaved" if concurrent_calls >= 1000 else "one round",
            )
        )
        self.rows.append(
            Row(
                "hostile XML refused (Message.from_xml): a billion laughs; 1,000,000 levels",
                f"{figures['xml laughs'] * 1e6:.0f} us; {figures['xml deep'] * 1e3:.1f} ms",
                f"reading a MessageList of 1,000 messages from XML {figures['xml page'] * 1e3:.1f} ms",
                "",
                "refused before any entity is declared or expanded; median of 30",
            )
        )
        parse, loads = figures["parse"], figures["loads"]
        self.rows.append(
            Row(
                "MessageList of 1,000 messages: json.loads + from_dict",
                f"{parse * 1000:.1f} ms",
                f"json.loads alone {loads * 1000:.1f} ms",
                f"{parse / loads:.2f}x (target <= 3x)",
            )
        )

    # -- openapi-generator ---------------------------------------------------------------

    def _openapi_generator(self) -> Path | None:
        venv = OUT / "oag-venv"
        binary = venv / "bin" / "openapi-generator-cli"
        if not binary.exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            subprocess.run(
                [
                    str(venv / "bin" / "pip"),
                    "install",
                    "--quiet",
                    "openapi-generator-cli",
                ],
                check=True,
            )
        return binary

    def _theirs(self, spec: Path, output: Path) -> Run:
        assert self.oag is not None
        shutil.rmtree(output, ignore_errors=True)
        command = [
            str(self.oag),
            "generate",
            "-g",
            "python",
            "-i",
            str(spec),
            "-o",
            str(output),
        ]
        return run_process([*command, "--skip-validate-spec"])

    # -- report --------------------------------------------------------------------------

    def report(self, command: str, started: float) -> str:
        lines = [
            "# Benchmark results",
            "",
            f"- command: `{command}`",
            f"- date: {datetime.date.today().isoformat()}",
            (
                f"- machine: {os.cpu_count()} cores, {platform.machine()},"
                f" {platform.system()}, Python {platform.python_version()}"
            ),
            f"- the whole run took {time.perf_counter() - started:.0f} s",
            "",
            "| measurement | connector-codegen | compared with | ratio | note |",
            "| --- | --- | --- | --- | --- |",
        ]
        lines += [
            f"| {r.what} | {r.ours} | {r.other} | {r.ratio} | {r.note} |"
            for r in self.rows
        ]
        return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="CI mode: fewer runs, smaller scope"
    )
    parser.add_argument(
        "--runs", type=int, default=5, help="runs per figure (full mode)"
    )
    parser.add_argument(
        "--large-runs",
        type=int,
        default=5,
        help="runs for the corpus total and the two large specs (full mode)",
    )
    options = parser.parse_args()
    started = time.perf_counter()
    runs = (
        1 if options.quick else options.runs
    )  # quick: one run of each, to keep it alive
    bench = Bench(options.quick, runs)
    try:
        twilio = bench.generation("spec/twilio.yaml", TWILIO, runs)
        bench.check(runs + 1)
        measured = {TWILIO: twilio["full"]}
        if not options.quick:
            bench.corpus(options.large_runs)
            for spec in (ARGO, KUBERNETES):
                large = options.large_runs
                result = bench.generation(spec.name, spec, large, no_memo=False)
                measured[spec] = result["full"]
                bench.generation(
                    f"{spec.name} --no-tests", spec, large, "--no-tests", no_memo=False
                )
                if spec == KUBERNETES:  # the async client's share of the time
                    bench.generation(
                        f"{spec.name} --no-async",
                        spec,
                        large,
                        "--no-async",
                        no_memo=False,
                    )
            bench.slope(measured)
        bench.client(*((500, 200) if options.quick else (2000, 1000)))
    finally:
        shutil.rmtree(bench.scratch, ignore_errors=True)
    command = "python bench/run.py" + (" --quick" if options.quick else "")
    text = bench.report(command, started)
    target = OUT / "QUICK.md" if options.quick else ROOT / "bench" / "RESULTS.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
