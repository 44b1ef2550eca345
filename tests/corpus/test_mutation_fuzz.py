"""A mutation fuzzer over real connector definitions.

Each example takes a small corpus spec and applies a few random mutations (a key removed, a
value replaced by one of another JSON type or by hostile text, a subtree copied elsewhere, a
`$ref` pointed back at its own schema or at something that is no schema, a response key that
is no status code, an element of a list left out), then runs `validate` and `generate`, strict
and `--lenient`. Every outcome must be exit 0 or 2 with no traceback, `validate` must accept
exactly what `generate` generates, and every package generated must compile and import. CI runs a fixed number of examples from a fixed seed, so it cannot fail by chance;
`CONNECTOR_CODEGEN_FUZZ=2000 .venv/bin/python -m pytest tests/corpus/test_mutation_fuzz.py` runs that
many from a random seed, which the failure message names.
"""

from __future__ import annotations

import copy
import json
import os
import py_compile
import random
import traceback
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.cli import main

from ..conftest import PYTHON, run
from ..corpus.test_corpus import CORPUS

RANDOM_EXAMPLES = int(os.environ.get("CONNECTOR_CODEGEN_FUZZ", "0"))
EXAMPLES = RANDOM_EXAMPLES or 40
SEED = int(os.environ.get("CONNECTOR_CODEGEN_FUZZ_SEED", "0")) or (
    random.SystemRandom().randrange(2**32) if RANDOM_EXAMPLES else 20261201
)
SPECS = sorted(
    (CORPUS / "powerplatform").glob("*.json"), key=lambda p: p.stat().st_size
)[:6]
HOSTILE_TEXT = [
    '"""',
    "\\",
    "\ud800",
    "{{ x }}",
    "\n# noqa\nimport os",
    "",
    "0" * 300,
    "a b",
]

Node = tuple[Any, Any]  # (container, key or index)


def places(document: Any) -> list[Node]:
    """Every (container, key) of the document, without recursion."""
    found: list[Node] = []
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            items: list[tuple[Any, Any]] = list(value.items())
        elif isinstance(value, list):
            items = list(enumerate(value))
        else:
            continue
        for key, child in items:
            found.append((value, key))
            stack.append(child)
    return found


def other_value(rng: random.Random, document: Any) -> Any:
    kind = rng.randrange(8)
    if kind == 0:
        return rng.choice(HOSTILE_TEXT)
    if kind == 1:
        return rng.choice([0, -1, 2.5, 10**30, True, None])
    if kind == 2:
        return rng.choice(
            [[], {}, ["x"], {"type": "object"}, {"$ref": "#/definitions"}]
        )
    if kind == 3:
        return {
            "$ref": "#/definitions/"
            + rng.choice(list(document.get("definitions") or ["X"]))
        }
    container, key = rng.choice(places(document))
    return copy.deepcopy(container[key])  # a subtree from elsewhere


# Values a `$ref` is given: empty, the whole document, a section, a part that is no schema.
ODD_REFERENCES = ["", "#", "#/", "#/definitions", "#/paths", "#/info/title", "#/x"]
# Keys a response or parameter list may be given instead of a status code.
ODD_STATUSES = ["2XX", "1000", "099", "x-extension", "default ", "20"]


def retarget_reference(rng: random.Random, document: dict[str, Any]) -> bool:
    holders = [
        value
        for container, key in places(document)
        if isinstance(value := container[key], dict) and "$ref" in value
    ]
    if not holders:
        return False
    rng.choice(holders)["$ref"] = rng.choice(ODD_REFERENCES)
    return True


def rename_status(rng: random.Random, document: dict[str, Any]) -> bool:
    responses = [
        container[key]
        for container, key in places(document)
        if key == "responses" and isinstance(container[key], dict) and container[key]
    ]
    if not responses:
        return False
    chosen = rng.choice(responses)
    chosen[rng.choice(ODD_STATUSES)] = chosen.pop(rng.choice(sorted(chosen)))
    return True


def drop_item(rng: random.Random, document: dict[str, Any]) -> bool:
    """An element of a list left out: a path parameter, a required name, an enum value."""
    lists = [
        container[key]
        for container, key in places(document)
        if isinstance(container[key], list) and container[key]
    ]
    if not lists:
        return False
    chosen = rng.choice(lists)
    del chosen[rng.randrange(len(chosen))]
    return True


SHAPED = [retarget_reference, rename_status, drop_item]


def mutate(rng: random.Random, document: dict[str, Any]) -> None:
    for _ in range(rng.randint(1, 3)):
        if rng.random() < 0.3 and rng.choice(SHAPED)(rng, document):
            continue
        container, key = rng.choice(places(document))
        if isinstance(container, dict) and rng.random() < 0.3:
            del container[key]
        elif isinstance(container, dict) and rng.random() < 0.2:
            container[rng.choice(HOSTILE_TEXT)] = container.pop(key)  # a renamed key
        else:
            container[key] = other_value(rng, document)


def outcome(where: str, args: list[str]) -> tuple[int, str]:
    """The exit code and output of one command; a traceback fails the test."""
    result = CliRunner().invoke(main, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        crash = "".join(traceback.format_exception(*result.exc_info))
        pytest.fail(f"{where}: {crash}")
    return result.exit_code, result.output


def test_mutated_real_specs_never_crash_the_generator(tmp_path: Path) -> None:
    if not SPECS:
        pytest.fail(f"no corpus at {CORPUS} (set CONNECTOR_CODEGEN_CORPUS)")
    rng = random.Random(SEED)
    originals = {spec: json.loads(spec.read_text(encoding="utf-8")) for spec in SPECS}
    generated: list[Path] = []
    for number in range(EXAMPLES):
        spec = rng.choice(SPECS)
        document = copy.deepcopy(originals[spec])
        mutate(rng, document)
        path = tmp_path / f"mutant{number}.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        for mode in ([], ["--lenient"]):
            output = tmp_path / f"out{number}{''.join(mode)}"
            package = f"mutant{number}"
            where = f"seed {SEED}, example {number} ({spec.name}) {mode}"
            verdict, _ = outcome(where, ["validate", str(path), *mode])
            code, said = outcome(
                where,
                ["generate", str(path), "-o", str(output), "--package", package, *mode],
            )
            assert code in (0, 2), (where, said)
            # whatever validate accepts, generate generates, and the other way round
            assert verdict == code, (where, verdict, said)
            if code == 0:
                for module in (output / package).rglob("*.py"):
                    py_compile.compile(str(module), doraise=True)
                generated.append(output / package)
    importer = "import importlib, sys\nfor path in sys.argv[1:]:\n" + (
        "    sys.path.insert(0, str(__import__('pathlib').Path(path).parent))\n"
        "    importlib.import_module(__import__('pathlib').Path(path).name + '.client')\n"
    )
    imported = run([PYTHON, "-c", importer, *map(str, generated)], tmp_path)
    assert imported.returncode == 0, (SEED, imported.stderr[-3000:])
    assert (
        generated
    ), "no mutant generated at all: the mutations are too destructive to test"
