"""Stage 5, format: black, in-process, with a fixed mode so that output is the same everywhere."""

from __future__ import annotations

import black
from black.mode import TargetVersion
from black.parsing import InvalidInput

from generator.errors import GeneratorError

MODE = black.Mode(target_versions={TargetVersion.PY310}, line_length=88)


def format_source(path: str, source: str) -> str:
    if not path.endswith(".py"):
        return source
    try:
        return black.format_str(source, mode=MODE)
    except InvalidInput as error:
        # A template produced invalid Python: a bug in the template, not in the spec.
        raise GeneratorError(f"generated {path} is not valid Python: {error}") from None
