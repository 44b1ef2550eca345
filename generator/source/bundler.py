"""Stage 1b, bundle: references to other files of the spec's own folder tree, copied in.

`$ref: "common.yaml#/definitions/Pet"` becomes `$ref: "#/definitions/Pet"` with the target copied
into the document's `definitions` (or `parameters`, `responses`, by where the reference sits;
`Pet_2` when the name is taken). References inside a copied part are followed the same way, from
that file's folder. A reference that is a URL (`http:`, `https:`, `file:`, any scheme), an
absolute path or a path leaving the spec's folder is refused before anything is read, so that no
stage touches the network or a file outside the spec's tree.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from pathlib import Path
from typing import Any

from generator.errors import SpecError
from generator.findings import Finding
from generator.source.document import iter_references, pointer_exists, resolve_pointer
from generator.source.loader import SourceFile, join_pointer, load_spec, split_pointer

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def bundle(main: SourceFile) -> SourceFile:
    """The document with every reference to another file resolved into it; the main file as it
    is when it has none. Refused or broken references raise SpecError, each located."""
    if all(ref.startswith("#") for _, ref in iter_references(main.data)):
        return main
    return _Bundler(main).run()


class _Bundler:
    def __init__(self, main: SourceFile) -> None:
        self.main = main
        self.root = main.path.resolve().parent
        self.data = copy.deepcopy(main.data)
        self.files: dict[Path, SourceFile] = {main.path.resolve(): main}
        self.placed: dict[tuple[Path, str], str] = {}  # (file, pointer) -> pointer here
        self.origins: dict[str, tuple[SourceFile, str]] = {}
        self.problems: list[Finding] = []
        self.broken: set[Path] = set()

    def run(self) -> SourceFile:
        self._rewrite(self.data, "", self.main, "")
        if self.problems:
            raise SpecError(self.problems)
        references = {
            source.display_name: source.digest
            for path, source in sorted(self.files.items())
            if source is not self.main
        }
        return dataclasses.replace(
            self.main, data=self.data, origins=self.origins, references=references
        )

    def _rewrite(self, value: Any, here: str, source: SourceFile, there: str) -> None:
        """Point every reference inside `value` (at `here` in the bundle, at `there` in
        `source`) into the bundle."""
        for relative, reference in sorted(iter_references(value)):
            holder = _at(value, relative)
            if reference.startswith("#") and source is self.main:
                continue
            where = there + relative + "/$ref"
            target = self._target(reference, source, where)
            if target is None:
                continue
            file, pointer = target
            if not pointer_exists(file.data, pointer):
                message = f"reference {reference!r} does not resolve: {file.display_name} has no {pointer or '/'}"
                self.problems.append(source.finding(message, where))
                continue
            holder["$ref"] = "#" + self._place(file, pointer, _kind(here + relative))

    def _target(
        self, reference: str, source: SourceFile, where: str
    ) -> tuple[SourceFile, str] | None:
        """The file and pointer a reference names, or None after recording why it is refused."""
        name, _, fragment = reference.partition("#")
        if not name:
            return source, fragment
        problem = None
        if _SCHEME.match(name):
            problem = "is a URL; only files in the spec's folder are read"
        elif name.startswith(("/", "\\")):
            problem = "is an absolute path; only files in the spec's folder are read"
        else:
            try:
                path = (source.path.resolve().parent / name).resolve()
                if not path.is_relative_to(self.root):
                    problem = "leaves the spec's folder; only files inside it are read"
                elif not path.is_file():
                    problem = "names no file"
            except (OSError, ValueError) as error:  # too long, a NUL byte, ...
                problem = f"names no file that can be read ({getattr(error, 'strerror', None) or error})"
        if problem:
            self.problems.append(
                source.finding(f"reference {reference!r} {problem}", where)
            )
            return None
        file = self._file(path)
        return None if file is None else (file, fragment)

    def _file(self, path: Path) -> SourceFile | None:
        """The loaded file; None (its problems recorded) when it cannot be read."""
        if path not in self.files and path not in self.broken:
            display = path.relative_to(self.root).as_posix()
            base = Path(self.main.display_name).parent
            try:
                self.files[path] = load_spec(path, (base / display).as_posix())
            except SpecError as error:
                self.problems += error.findings
                self.broken.add(path)
                return None
        return None if path in self.broken else self.files[path]

    def _place(self, source: SourceFile, pointer: str, kind: str) -> str:
        """Where the target lives in the bundle, copying it in the first time."""
        key = (source.path.resolve(), pointer)
        if source is self.main:
            return pointer
        if key in self.placed:
            return self.placed[key]
        target = resolve_pointer(source.data, pointer)
        section = self.data.setdefault(kind, {})
        parts = split_pointer(pointer)
        base = parts[-1] if parts else source.path.stem
        name, counter = base, 1
        while name in section:
            counter += 1
            name = f"{base}_{counter}"
        local = join_pointer([kind, name])
        self.placed[key] = local
        self.origins[local] = (source, pointer)
        section[name] = copy.deepcopy(target)
        self._rewrite(section[name], local, source, pointer)
        return local


def _at(value: Any, pointer: str) -> Any:
    for part in split_pointer(pointer):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


def _kind(pointer: str) -> str:
    """The section a referenced part belongs to, by where the reference sits: a parameter in a
    `parameters` list, a response under `responses`, a schema everywhere else."""
    parts = split_pointer(pointer)
    if len(parts) == 2 and parts[0] in ("parameters", "responses"):
        return parts[0]
    if parts and parts[0] == "paths" and len(parts) >= 3:
        if parts[-2] == "parameters":
            return "parameters"
        if parts[-2] == "responses" and len(parts) in (4, 5):
            return "responses"
    return "definitions"
