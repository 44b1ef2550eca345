"""Stage 5, format: every file left as black leaves it, computed without black where possible.

Every module the built-in templates render (the package's and its tests) is printed in its
final layout where it is rendered (`printer`): it passes through unchanged, unless the printer
left a long line it has no layout for, and then black formats that file. A file rendered from a
user's template is formatted by black itself, in-process, with a fixed mode so that output is
the same everywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator import forking
from generator.errors import GeneratorError
from generator.render import printer

if TYPE_CHECKING:
    import black


# Below this much Python text, formatting in one process is quicker than forking.
PARALLEL_MIN_CHARS = 2_000_000


def format_files(
    rendered: dict[str, str], by_black: frozenset[str] = frozenset()
) -> dict[str, str]:
    """Every file formatted; a large package's Python files shared between two processes.

    Files in `by_black` (rendered from a user's templates, which the tests never compared
    with black) are formatted by black itself."""
    sizes = {path: len(text) for path, text in rendered.items() if path.endswith(".py")}
    if sum(sizes.values()) < PARALLEL_MIN_CHARS or not forking.available():
        return _format(rendered, list(rendered), by_black)
    mine, theirs = _halves(sizes)
    child = forking.start(lambda: _format(rendered, theirs, by_black))
    try:
        formatted = _format(rendered, mine, by_black)
    finally:
        done = child()  # waited for even when this half failed: no child is left behind
    formatted.update(done or _format(rendered, theirs, by_black))
    return {path: formatted.get(path, text) for path, text in rendered.items()}


def _format(
    rendered: dict[str, str], paths: list[str], by_black: frozenset[str]
) -> dict[str, str]:
    return {
        path: (
            format_with_black(path, rendered[path])
            if path in by_black and path.endswith(".py")
            else format_source(path, rendered[path])
        )
        for path in paths
    }


def _halves(sizes: dict[str, int]) -> tuple[list[str], list[str]]:
    """Two lists of paths of about equal total size: the largest file first, to the lighter."""
    halves: tuple[list[str], list[str]] = ([], [])
    totals = [0, 0]
    for path in sorted(sizes, key=lambda p: (-sizes[p], p)):
        lighter = 0 if totals[0] <= totals[1] else 1
        halves[lighter].append(path)
        totals[lighter] += sizes[path]
    return halves


# The files the built-in templates print in their final layout.
PRINTED = frozenset(
    {
        "__init__.py",
        "async_client.py",
        "client.py",
        "errors.py",
        "models.py",
        "tests/test_client.py",
        "tests/test_models.py",
    }
)


def format_source(path: str, source: str) -> str:
    if not path.endswith(".py"):
        return source
    if path in PRINTED and not printer.unsure_lines(source):
        return source
    return format_with_black(path, source)


def black_mode(*, preview: bool = False) -> black.Mode:
    import black  # imported only when black runs: most generations never need it
    from black.mode import TargetVersion

    return black.Mode(
        target_versions={TargetVersion.PY310}, line_length=88, preview=preview
    )


def format_with_black(path: str, source: str) -> str:
    import black
    from black.parsing import InvalidInput

    try:
        return black.format_str(source, mode=black_mode())
    except InvalidInput as error:
        # A template produced invalid Python: a bug in the template, not in the spec.
        raise GeneratorError(f"generated {path} is not valid Python: {error}") from None
