"""The generator's layout keeps its promises: stages as sub-packages whose imports never run in
a circle or back up to the commands, a core without click, and exits that carry their code.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from ..conftest import PYTHON, ROOT, run

GENERATOR = ROOT / "generator"
STAGES = ("source", "parse", "render", "testgen", "write", "api_record", "static")
# The top: the commands and what drives the stages. A stage importing one of these would be
# an arrow running back up.
TOP = ("cli", "pipeline", "check", "memo", "config", "formatter", "__main__")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def generator_imports(path: Path) -> set[str]:
    """The generator modules a file imports (`from generator.x import y` counts x and x.y)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "generator"
        ):
            module = node.module or ""
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("generator")}
    return found


def graph() -> dict[str, set[str]]:
    modules = {module_name(path): path for path in GENERATOR.rglob("*.py")}
    return {
        name: {imported for imported in generator_imports(path) if imported in modules}
        for name, path in modules.items()
    }


def part(module: str) -> str:
    """The sub-package or top-level module a module belongs to."""
    return module.split(".")[1] if "." in module else module


def test_the_stages_are_sub_packages_and_the_old_pairs_are_gone() -> None:
    for stage in STAGES:
        assert (GENERATOR / stage / "__init__.py").is_file(), stage
    flat = {path.stem for path in GENERATOR.glob("*.py")}
    for confusing in (
        "naming",
        "names",
        "samples",
        "examples",
        "docs",
        "apidoc",
        "records",
    ):
        assert confusing not in flat, confusing


def test_no_stage_imports_the_top_and_no_two_parts_import_each_other() -> None:
    edges = {
        (part(module), part(imported))
        for module, imports in graph().items()
        for imported in imports
        if part(module) != part(imported)
    }
    back_up = sorted((a, b) for a, b in edges if a in STAGES and b in TOP)
    assert not back_up, back_up
    circles = sorted((a, b) for a, b in edges if (b, a) in edges)
    assert not circles, circles


def test_rendering_does_not_import_test_generation() -> None:
    render = {m: i for m, i in graph().items() if part(m) == "render"}
    assert render, "no render stage found"
    offending = {
        m: sorted(i) for m, i in render.items() if any(".testgen" in x for x in i)
    }
    assert not offending, offending


def test_the_intermediate_model_and_the_errors_do_not_import_click() -> None:
    script = (
        "import sys\nimport generator.model, generator.errors, generator.findings\n"
        "print('click' in sys.modules)"
    )
    done = run([PYTHON, "-c", script], ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_no_command_exits_through_system_exit() -> None:
    offending = []
    for path in GENERATOR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Name) and node.id == "SystemExit":
                offending.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offending, offending


def test_nothing_after_parsing_imports_the_source_stage() -> None:
    """The stages after parsing see the intermediate model only: no dialect's reader, no
    document access (so that a second input dialect changes nothing after parsing)."""
    after_parsing = ("render", "testgen", "write", "api_record", "formatter")
    offending = {
        module: sorted(i for i in imports if part(i) == "source")
        for module, imports in graph().items()
        if part(module) in after_parsing and any(part(i) == "source" for i in imports)
    }
    assert not offending, offending


def test_the_parse_passes_read_the_document_only_through_the_reader() -> None:
    """Operations, parameters, responses, security and schemas reach the parse passes as the
    reader's typed records: no pass reads a key of the document's dicts itself (`.get("...")`,
    `["..."]`) or walks `paths` and an operation's parameters on its own."""
    raw_reads = re.compile(
        r"\.get\(\"|\[\"[^\]]*\"\]|document\.(operations|effective_parameters|resolve)\("
    )
    offending = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in (GENERATOR / "parse").glob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if raw_reads.search(line)
    ]
    assert not offending, offending
