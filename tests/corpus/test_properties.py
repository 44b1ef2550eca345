"""Property test: random valid Swagger 2.0 documents with hostile names and text either generate
a package that compiles, is black-stable and imports, or are refused with a clear error; never a
traceback.

CI runs a few dozen examples; run more with
    CONNECTOR_CODEGEN_EXAMPLES=2000 .venv/bin/python -m pytest tests/corpus/test_properties.py
"""

from __future__ import annotations

import importlib
import itertools
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import black
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from generator.errors import GeneratorError
from generator.formatter import black_mode
from generator.pipeline import Job, build
from generator.write.swap import write_package

EXAMPLES = int(os.environ.get("CONNECTOR_CODEGEN_EXAMPLES", "30"))
# CI runs a fixed sequence of examples (it must never fail by chance); a developer's longer run
# with CONNECTOR_CODEGEN_EXAMPLES set draws random ones.
RANDOM = "CONNECTOR_CODEGEN_EXAMPLES" in os.environ
# Shrinking a failure to its smallest form can take minutes: only in a developer's longer run.
PHASES = [Phase.explicit, Phase.reuse, Phase.generate] + [Phase.shrink] * (
    "CONNECTOR_CODEGEN_EXAMPLES" in os.environ
)
HOSTILE_CHARACTERS = list("aZz_09 -.$@:;/\\\"'{}%#\n\r\t\x00\u2028\ufb01é😀")
HOSTILE_WORDS = [
    "__init__", "self", "None", "class", "1st", "to_dict", "from_dict", "httpx",
    "additional_properties", "{{ x }}", "{% y %}", '"""', "import os", "",
]  # fmt: skip

names = st.one_of(
    st.sampled_from(HOSTILE_WORDS),
    st.text(alphabet=HOSTILE_CHARACTERS, max_size=10),
)
texts = st.one_of(
    st.text(alphabet=HOSTILE_CHARACTERS, max_size=40), st.sampled_from(HOSTILE_WORDS)
)
scalars = st.sampled_from(
    [
        {"type": "string"},
        {"type": "integer"},
        {"type": "number"},
        {"type": "boolean"},
        {"type": "string", "format": "date-time"},
        {"type": "string", "format": "binary"},
    ]
)


@st.composite
def schemas(draw: st.DrawFn, definitions: list[str], depth: int = 0) -> dict[str, Any]:
    choices = ["scalar", "enum", "array", "map"] + ["ref"] * bool(definitions)
    choices += ["object"] * (depth < 2)
    kind = draw(st.sampled_from(choices))
    if kind == "scalar":
        return dict(draw(scalars), description=draw(texts))
    if kind == "enum":
        return {
            "type": "string",
            "enum": draw(st.lists(names, min_size=1, max_size=4, unique=True)),
        }
    if kind == "array":
        return {"type": "array", "items": draw(schemas(definitions, depth + 1))}
    if kind == "map":
        return {
            "type": "object",
            "additionalProperties": draw(schemas(definitions, depth + 1)),
        }
    if kind == "ref":
        target = (
            draw(st.sampled_from(definitions)).replace("~", "~0").replace("/", "~1")
        )
        return {"$ref": f"#/definitions/{target}"}
    properties = draw(
        st.dictionaries(names, schemas(definitions, depth + 1), max_size=4)
    )
    required = (
        draw(st.lists(st.sampled_from(sorted(properties)), unique=True))
        if properties
        else []
    )
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "description": draw(texts),
    }
    if required:
        schema["required"] = required
    return schema


@st.composite
def parameters(
    draw: st.DrawFn, location: str, definitions: list[str]
) -> dict[str, Any]:
    parameter: dict[str, Any] = {
        "name": draw(names),
        "in": location,
        "description": draw(texts),
    }
    if location == "body":
        parameter["name"] = parameter["name"] or "body"
        parameter["schema"] = draw(schemas(definitions))
    else:
        parameter.update({"type": "string"} if location == "path" else draw(scalars))
        if parameter.get("format") == "binary":
            parameter["format"] = "byte"
    parameter["required"] = location == "path" or draw(st.booleans())
    return parameter


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    definition_names = draw(st.lists(names, max_size=3, unique=True))
    definitions = {name: draw(schemas(definition_names)) for name in definition_names}
    paths: dict[str, Any] = {}
    operation_ids = iter(itertools.count())
    for _ in range(draw(st.integers(1, 3))):
        segment = draw(st.text(alphabet=list("ab-_.~%"), min_size=1, max_size=6))
        path_parameter = draw(parameters("path", definition_names))
        name = path_parameter["name"].replace("{", "").replace("}", "") or "id"
        path_parameter["name"] = name
        operation: dict[str, Any] = {
            "operationId": draw(names) + str(next(operation_ids)),
            "summary": draw(texts),
            "deprecated": draw(st.booleans()),
            "parameters": [path_parameter]
            + [
                draw(parameters(where, definition_names))
                for where in draw(
                    st.lists(st.sampled_from(["query", "header"]), max_size=3)
                )
            ],
            "responses": {
                draw(st.sampled_from(["200", "201", "default"])): {
                    "description": draw(texts),
                    "schema": draw(schemas(definition_names)),
                },
                "404": {"description": draw(texts)},
            },
        }
        method = draw(st.sampled_from(["get", "post", "put", "delete", "patch"]))
        if method in ("post", "put", "patch") and draw(st.booleans()):
            operation["parameters"].append(draw(parameters("body", definition_names)))
        paths[f"/{segment}/{{{name}}}"] = {method: operation}
    return {
        "swagger": "2.0",
        "info": {
            "title": draw(texts),
            "version": draw(texts),
            "description": draw(texts),
        },
        "paths": paths,
        "definitions": definitions,
    }


counter = itertools.count()
outcomes: Counter[str] = Counter()
# A clear error counts as a pass, so the documents must be good enough that this share of them
# generates, or the test would pass on a generator that refuses everything.
GENERATED_SHARE = 0.5


def test_random_documents_generate_working_code_or_a_clear_error(
    tmp_path_factory: Any,
) -> None:
    outcomes.clear()
    each_random_document(tmp_path_factory)
    total = sum(outcomes.values())
    assert total >= EXAMPLES // 2, outcomes  # hypothesis ran the examples
    assert outcomes["generated"] >= GENERATED_SHARE * total, outcomes


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    phases=PHASES,
    derandomize=not RANDOM,
    database=None if not RANDOM else settings.default.database,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(document=documents())
def each_random_document(tmp_path_factory: Any, document: dict[str, Any]) -> None:
    folder: Path = tmp_path_factory.mktemp("property")
    spec = folder / "spec.json"
    spec.write_text(json.dumps(document), encoding="utf-8")
    package = f"property_{next(counter)}"
    job = Job(spec, "spec.json", folder, package, None, with_tests=True)
    try:
        generated = build(job)
    except GeneratorError as error:
        assert "is not valid Python" not in error.message, error.message
        outcomes["refused"] += 1
        return
    outcomes["generated"] += 1
    for path, text in generated.files.items():
        if path.endswith(".py"):
            compile(text, path, "exec")
            assert black.format_str(text, mode=black_mode()) == text, path
    write_package(generated.package_dir, generated.files, force=False)
    sys.path.insert(0, str(folder))
    try:
        module = importlib.import_module(package)
        assert hasattr(module, "UNSET")
    finally:
        sys.path.remove(str(folder))
        # Thousands of examples in a long run: keep only one package imported at a time.
        for name in [name for name in sys.modules if name.split(".")[0] == package]:
            del sys.modules[name]
