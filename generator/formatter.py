"""Stage 5, format: black's output, computed without black where possible.

The built-in templates print black's spacing, quotes and blank lines; `layout` splits long
statements with black's algorithm, about twenty-five times faster than running black. A file
rendered from a user's template (the tests compare `layout` with black on the built-in ones
only), or holding a statement `layout` does not cover, is formatted by black itself,
in-process, with a fixed mode so that output is the same everywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator import forking, layout
from generator.errors import GeneratorError

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


def format_source(path: str, source: str) -> str:
    if not path.endswith(".py"):
        return source
    try:
        return layout.lay_out(source)
    except layout.Unsupported:
        return format_with_black(path, source)


def black_mode() -> black.Mode:
    import black  # imported only when black runs: most generations never need it
    from black.mode import TargetVersion

    return black.Mode(target_versions={TargetVersion.PY310}, line_length=88)


def format_with_black(path: str, source: str) -> str:
    import black
    from black.parsing import InvalidInput

    try:
        return black.format_str(source, mode=black_mode())
    except InvalidInput as error:
        # A template produced invalid Python: a bug in the template, not in the spec.
        raise GeneratorError(f"generated {path} is not valid Python: {error}") from None
