"""Files copied into every generated package as they are: no template, nothing from a spec.

`_runtime.py` is an ordinary module of this repository (linted, type-checked and unit-tested
where it is written) that the generated client, models and errors import. Each copied module
opens with the package's header comment; `tests/__init__.py` is that header alone, and the
`py.typed` marker is empty.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).parent

# Python modules: path inside the package -> the module of this folder copied there (None: the
# header alone).
PACKAGE_MODULES: dict[str, str | None] = {"_runtime.py": "_runtime.py"}
TEST_MODULES: dict[str, str | None] = {
    "tests/__init__.py": None,
    "tests/harness.py": "harness.py",
}


def copied_files(header: str, with_tests: bool) -> dict[str, str]:
    """The copied files by path inside the package."""
    modules = PACKAGE_MODULES | (TEST_MODULES if with_tests else {})
    files = {
        path: header + "\n" + (source_text(module) if module else "")
        for path, module in modules.items()
    }
    return files | {"py.typed": ""}


def source_text(module: str) -> str:
    return (_HERE / module).read_text(encoding="utf-8")


def runtime_path() -> Path:
    return _HERE / "_runtime.py"
