"""The names the generated modules bind themselves, read from the templates and the runtime.

A class, field or parameter named from the spec must not shadow a name the generated code
imports or defines (`ApiKey`, `Credential`, `Enum`, `copy`, ...). Those names are not kept in a
hand-written list that could drift: they are read from the templates' own module-level
statements (imports, `def`, `class`, assignments: every statement at the start of a line that
holds no template expression) and from the copied runtime's own module-level names, plus the
standard-library names that `render.py` adds to import lines. `tests/parse/test_reserved_names.py` checks them against the names every generated module
really binds.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

from generator import static

# The standard-library names `render.py` may add to the import lines of generated modules.
STDLIB_NAMES = frozenset(
    {"copy", "warnings", "Callable", "Iterator", "TracebackType", "Any", "BinaryIO"}
    | {"AsyncIterator", "Literal", "ClassVar"}
    | {"final", "dataclass", "field", "Enum", "TypeAlias"}
)
_EXPRESSION = re.compile(r"\{\{.*?\}\}")
_PLACEHOLDER = "_spec_name_"
_IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*"
_IMPORT = re.compile(r"(?:from [.\w]+ )?import ([\w., ]+?)\s*$")
_DEFINITION = re.compile(rf"(?:async def|def|class) ({_IDENTIFIER})")
_ASSIGNMENT = re.compile(rf"({_IDENTIFIER})\s*(?::[^=]*)?=")


def builtin_templates() -> Path:
    """The built-in templates: `generator/templates` installed, `templates/` in a checkout."""
    package = Path(__file__).resolve().parent.parent  # generator/
    installed = package / "templates"
    return installed if installed.is_dir() else package.parent / "templates"


@cache
def module_names() -> frozenset[str]:
    """Every name a built-in template binds at module level, and the standard-library names
    the renderer may import."""
    names = set(STDLIB_NAMES) | _module_level_names(static.runtime_path())
    for template in sorted(builtin_templates().rglob("*.jinja")):
        for line in template.read_text(encoding="utf-8").splitlines():
            names |= _bound_by(line)
    return frozenset(names)


def _module_level_names(path: Path) -> set[str]:
    """The names a Python module binds at its top level."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def _bound_by(line: str) -> set[str]:
    """The names a module-level statement binds; a name printed from the spec is left out."""
    if not (line[:1].isalpha() or line.startswith("_")) or line.startswith("{%"):
        return set()
    line = _EXPRESSION.sub(_PLACEHOLDER, line)
    imported = _IMPORT.match(line)
    if imported:
        names = {  # `import a.b` binds `a`
            part.split(" as ")[-1].strip().split(".")[0]
            for part in imported.group(1).split(",")
        }
    else:
        defined = _DEFINITION.match(line) or _ASSIGNMENT.match(line)
        names = {defined.group(1)} if defined else set()
    return {name for name in names if name and _PLACEHOLDER not in name}
