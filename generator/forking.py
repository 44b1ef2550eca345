"""Work in a forked child process, for the two cores of a large spec's generation.

A child starts with this process's memory (the loaded spec, the rendered text), so nothing is
sent to it; its result comes back pickled through a pipe. A child that fails sends nothing,
and the caller does the work itself, where an error surfaces as it would without the child.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def available() -> bool:
    return hasattr(os, "fork") and (os.cpu_count() or 1) > 1


def start(work: Callable[[], T]) -> Callable[[], T | None]:
    """Run `work` in a child now; the returned call waits for its result (None if it failed)."""
    read_end, write_end = os.pipe()
    child = os.fork()
    if (
        child == 0
    ):  # pragma: no cover - runs in the child, whose coverage is not collected
        os.close(read_end)
        try:
            payload = pickle.dumps(work())
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
        finally:
            os._exit(0)
    os.close(write_end)

    def result() -> T | None:
        with os.fdopen(read_end, "rb") as pipe:
            payload = pipe.read()
        os.waitpid(child, 0)
        return pickle.loads(payload) if payload else None

    return result
