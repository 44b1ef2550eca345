"""Options: command-line flags over `[tool.connector-codegen]` in the nearest pyproject.toml.

One client:                         Several clients:

    [tool.connector-codegen]            [tool.connector-codegen]
    spec = "spec/library.yaml"          output = "generated"          # defaults for each client
    output = "generated"                [[tool.connector-codegen.clients]]
                                        name = "library"
                                        spec = "spec/library.yaml"
"""

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
CLIENT_KEYS: dict[str, type] = {
    "name": str,
    "spec": str,
    "output": str,
    "package": str,
    "templates": str,
    "tests": bool,
    "async": bool,
    "lenient": bool,
}
SECTION_KEYS: dict[str, type] = {**CLIENT_KEYS, "clients": list}


@dataclass(frozen=True)
class ClientConfig:
    """The settings of one client; relative paths are relative to `base`."""

    name: str
    values: dict[str, Any]
    base: Path

    def path(self, key: str) -> Path | None:
        value = self.values.get(key)
        return (self.base / value).resolve() if isinstance(value, str) else None


@dataclass(frozen=True)
class Config:
    file: Path | None
    defaults: ClientConfig  # the section's own keys
    clients: tuple[ClientConfig, ...]  # empty: the section describes a single client

    @property
    def base(self) -> Path:
        """The folder that relative paths (and the spec name in headers) are relative to."""
        return self.defaults.base

    def selected(self, name: str | None) -> list[ClientConfig]:
        """The clients a command runs for: the named one, or all of them."""
        if not self.clients:
            if name is not None:
                raise GeneratorError(
                    f"--client {name!r}: the configuration defines no clients"
                )
            return [self.defaults]
        if name is None:
            return list(self.clients)
        for client in self.clients:
            if client.name == name:
                return [client]
        known = ", ".join(client.name for client in self.clients)
        raise GeneratorError(f"--client {name!r}: no such client (configured: {known})")


def find_pyproject(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_config(start: Path | None = None) -> Config:
    file = find_pyproject((start or Path.cwd()).resolve())
    if file is None:
        return Config(None, ClientConfig("default", {}, Path.cwd()), ())
    try:
        document = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as error:
        raise GeneratorError(
            f"{file}: cannot read the configuration: {error}"
        ) from None
    section = document.get("tool", {}).get(SECTION, {})
    where = f"{file}: [tool.{SECTION}]"
    if not isinstance(section, dict):
        raise GeneratorError(f"{where} must be a table")
    _check_keys(section, SECTION_KEYS, where)
    clients_data = section.pop("clients", [])
    base = file.parent
    defaults = ClientConfig(str(section.get("name", "default")), section, base)
    clients = []
    for index, entry in enumerate(clients_data):
        entry_where = f"{where} clients[{index}]"
        if not isinstance(entry, dict):
            raise GeneratorError(f"{entry_where} must be a table")
        _check_keys(entry, CLIENT_KEYS, entry_where)
        values = {**section, **entry}
        if "spec" not in entry:
            raise GeneratorError(f"{entry_where} has no spec")
        name = str(entry.get("name") or Path(entry["spec"]).stem)
        clients.append(ClientConfig(name, values, base))
    names = [client.name for client in clients]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise GeneratorError(f"{where} two clients are named {duplicates[0]!r}")
    return Config(file, defaults, tuple(clients))


def _check_keys(table: dict[str, Any], keys: dict[str, type], where: str) -> None:
    for key, value in table.items():
        if key not in keys:
            known = ", ".join(sorted(keys))
            raise GeneratorError(f"{where}: unknown key {key!r} (known: {known})")
        if not isinstance(value, keys[key]):
            raise GeneratorError(
                f"{where}: {key} must be a {keys[key].__name__}, not {value!r}"
            )
