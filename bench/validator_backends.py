"""What pinning openapi-spec-validator's JSON Schema backend costs: the whole validation of a
spec (the Swagger 2.0 schema check and the keyword checks) with the `jsonschema` backend the
generator pins, beside the same validation with jsonschema-rs in its place (what the validator
picks by itself whenever jsonschema-rs is importable). CPU time of this process, median of
interleaved runs.

    .venv/bin/python bench/validator_backends.py [--runs N]

jsonschema-rs must be installed (`pip install jsonschema-rs`) for the second column.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.source import bundler, loader, validator

CORPUS = ROOT.parent / "shared" / "corpus"
SPECS = [
    ROOT / "spec" / "twilio.yaml",
    CORPUS / "large" / "argo-workflows.swagger.json",
    CORPUS / "large" / "kubernetes-1.36.swagger.json",
]


def rust_schema_validator() -> Any:
    from openapi_spec_validator.schemas.backend.jsonschema_rs import create_validator
    from openapi_spec_validator.schemas.utils import get_schema_content

    return create_validator(dict(get_schema_content("2.0")))


def cpu(work: Callable[[], object]) -> float:
    started = time.process_time()
    work()
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    pinned = validator.swagger_schema_validator()
    rust = rust_schema_validator()
    print("| spec | jsonschema (pinned) | jsonschema-rs | rs / pinned |")
    print("| --- | --- | --- | --- |")
    for spec in SPECS:
        source = bundler.bundle(loader.load_spec(spec, spec.name))
        timings: dict[str, list[float]] = {"pinned": [], "rs": []}
        for _ in range(runs):
            for name, schema_validator in (("pinned", pinned), ("rs", rust)):
                validator.swagger_schema_validator = lambda v=schema_validator: v  # type: ignore[misc]
                timings[name].append(cpu(functools.partial(validator.validate, source)))
        ours, theirs = (statistics.median(timings[name]) for name in ("pinned", "rs"))
        print(f"| {spec.name} | {ours:.2f} s | {theirs:.2f} s | {theirs / ours:.2f}x |")


if __name__ == "__main__":
    main()
