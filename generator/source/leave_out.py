"""--lenient's one rule: a part of the document that cannot be understood is left out, with a
located warning saying what and why, and everything else generates.

The parts are those `document.enclosing_part` names: a property of a schema, an operation, a
path, a definition, a shared parameter or response. A part is left out of a copy of the
document (the source stays as read, for the validator's verdict); what refers to a part left out
is then left out in turn, until nothing that remains refers to nothing.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from generator.findings import Finding
from generator.source.document import Part, enclosing_part, resolve_pointer
from generator.source.loader import SourceFile, split_pointer


@dataclass(frozen=True)
class LeftOut:
    """A part left out, and the problem (located) that made it so."""

    part: Part
    problem: Finding
    reason: str  # the problem, or what the part refers to that is left out

    def warning(self) -> Finding:
        return dataclasses.replace(
            self.problem,
            message=self.reason,
            fatal=False,
            left_out=self.part.description,
        )


def confine(
    source: SourceFile, already: tuple[LeftOut, ...] = ()
) -> tuple[SourceFile, tuple[LeftOut, ...]]:
    """The source without every part a structural problem makes impossible to understand
    (`validator.structural_problems`), with what was left out (after `already`, what was left
    out before); a problem outside every part stays for the verdict to refuse."""
    from generator.source.validator import structural_problems

    left = list(already)
    data = source.data
    while True:
        current = dataclasses.replace(source, data=data)
        added = False
        for problem in structural_problems(current):
            part = enclosing_part(data, problem.pointer or "")
            if part is None or any(gone.part.holds(problem.pointer) for gone in left):
                continue
            reason = _reason(data, problem, left)
            data = without(data, part.pointer)
            left.append(LeftOut(part, problem, reason))
            added = True
        if not added:
            return current, tuple(left)


def leave_out(
    source: SourceFile, part: Part, problem: Finding, reason: str
) -> tuple[SourceFile, LeftOut]:
    """The source without one part: a part the parser could not read."""
    pruned = dataclasses.replace(source, data=without(source.data, part.pointer))
    return pruned, LeftOut(part, problem, reason)


def _reason(data: Any, problem: Finding, left: list[LeftOut]) -> str:
    """Why: the part left out that the problem's `$ref` now misses, else the problem."""
    pointer = problem.pointer or ""
    try:
        reference = (
            resolve_pointer(data, pointer) if pointer.endswith("/$ref") else None
        )
    except KeyError:
        reference = None
    if isinstance(reference, str) and reference.startswith("#"):
        for gone in left:
            if gone.part.holds(reference[1:]):
                return f"it refers to {gone.part.description}, which is left out"
    return problem.message


def without(data: Any, pointer: str) -> Any:
    """A copy of `data` without the value at `pointer` (each container on the way copied, the
    rest shared); a property left out is also struck from its schema's `required`."""
    *parents, last = split_pointer(pointer)
    root = _copied(data)
    container = root
    for key in parents:
        index: Any = int(key) if isinstance(container, list) else key
        container[index] = _copied(container[index])
        container = container[index]
    del container[int(last) if isinstance(container, list) else last]
    if parents and parents[-1] == "properties":
        _strike_required(root, parents[:-1], last)
    return root


def _copied(value: Any) -> Any:
    return list(value) if isinstance(value, list) else dict(value)


def _strike_required(root: Any, schema_at: list[str], name: str) -> None:
    schema = root
    for key in schema_at:
        schema = schema[int(key) if isinstance(schema, list) else key]
    required = schema.get("required")
    if isinstance(required, list) and name in required:
        schema["required"] = [n for n in required if n != name]
