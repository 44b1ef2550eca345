"""Options: command-line flags over `[tool.connector-codegen]` in the nearest pyproject.toml."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import GeneratorError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

SECTION = "connector-codegen"
KEYS = {"spec": str, "output": str, "package": str, "templates": str, "tests": bool}


@dataclass(frozen=True)
class Config:
    """The settings of one pyproject.toml; paths are already absolute."""

    file: Path | None
    values: dict[str, Any]

    @property
    def base(self) -> Path:
        """The folder that relative paths (and the spec name in headers) are relative to."""
        return self.file.parent if self.file else Path.cwd()

    def path(self, key: str) -> Path | None:
        value = self.values.get(key)
        return (self.base / value).resolve() if isinstance(value, str) else None


def find_pyproject(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_config(start: Path | None = None) -> Config:
    file = find_pyproject((start or Path.cwd()).resolve())
    if file is None:
        return Config(None, {})
    try:
        document = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as error:
        raise GeneratorError(
            f"{file}: cannot read the configuration: {error}"
        ) from None
    section = document.get("tool", {}).get(SECTION, {})
    if not isinstance(section, dict):
        raise GeneratorError(f"{file}: [tool.{SECTION}] must be a table")
    for key, value in section.items():
        if key not in KEYS:
            known = ", ".join(sorted(KEYS))
            raise GeneratorError(
                f"{file}: unknown key {key!r} in [tool.{SECTION}] (known: {known})"
            )
        if not isinstance(value, KEYS[key]):
            raise GeneratorError(
                f"{file}: [tool.{SECTION}] {key} must be a {KEYS[key].__name__}, not {value!r}"
            )
    return Config(file, dict(section))
