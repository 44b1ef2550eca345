"""The file-system boundary of the write stage: every write, move and delete goes through here.

Two rules hold for every operation, so that no caller can forget them:

- Nothing is written, replaced or deleted through a symbolic link at or below the folder being
  managed (the package folder, its staging folder, its journal): each path is checked component
  by component with `lstat` immediately before it is used, and a link is a `DiskError`.
- An `OSError` becomes a `DiskError`: one line naming the path and the cause, exit code 2.

`lock_output` serialises runs on one output folder (see its docstring).
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

from generator.errors import GeneratorError

# How long `generate` waits for another run holding the same output folder.
LOCK_WAIT_SECONDS = 300.0
_LOCK_POLL_SECONDS = 0.1


class DiskError(GeneratorError):
    """A file-system operation that failed or was refused; exit code 2."""


class LinkRefused(DiskError):
    """A symbolic link where connector-codegen would write, replace or delete."""


def describe(error: OSError, path: Path) -> str:
    """`path: cause` in words, for an OSError raised while working on `path`."""
    cause = error.strerror or str(error)
    if error.errno == errno.ENAMETOOLONG:
        cause += " (choose a shorter --package or --output)"
    elif error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        cause += " (free space or raise the limit, then run generate again)"
    return f"{path}: {cause}"


@contextmanager
def failures_reported(path: Path) -> Iterator[None]:
    """Turn an OSError inside the block into a DiskError naming `path` (or the error's own)."""
    try:
        yield
    except DiskError:
        raise
    except OSError as error:
        culprit = Path(error.filename) if error.filename else path
        raise DiskError(describe(error, culprit)) from None


def refuse_links(root: Path, relative: str | Path = "") -> Path:
    """`root / relative`, after checking that neither `root` nor any component below it is a
    symbolic link. Components that do not exist yet are fine."""
    target = root
    for part in ("", *Path(relative).parts):
        target = target / part if part else target
        try:
            mode = os.lstat(target).st_mode
        except FileNotFoundError:
            return root / relative
        except OSError as error:
            raise DiskError(describe(error, target)) from None
        if stat.S_ISLNK(mode):
            raise LinkRefused(
                f"{target} is a symbolic link; connector-codegen never writes, replaces or"
                " deletes through a link inside the folders it manages: remove the link"
            )
    return target


# The primitive operations, each on a path whose components were checked just before. Tests
# replace these to inject an OSError with a given errno.
def write_bytes(path: Path, data: bytes, on_half: Callable[[], None]) -> None:
    """Write a new file (never an existing one, never through a link), fsynced."""
    descriptor = os.open(
        path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644
    )
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(data[: len(data) // 2])
        stream.flush()
        on_half()
        stream.write(data[len(data) // 2 :])
        stream.flush()
        os.fsync(stream.fileno())


def replace(source: Path, target: Path) -> None:
    os.replace(source, target)


def unlink(path: Path) -> None:
    path.unlink(missing_ok=True)


def make_folder(path: Path) -> None:
    path.mkdir(exist_ok=True)


def remove_folder(path: Path) -> None:
    path.rmdir()


def remove_tree(path: Path) -> None:
    shutil.rmtree(path)  # never follows links inside: it unlinks them


def read_bytes(path: Path) -> bytes:
    return path.read_bytes()


class Tree:
    """Guarded operations inside one managed folder (`root`), by relative path."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, relative: str | Path = "") -> Path:
        return refuse_links(self.root, relative)

    def exists(self, relative: str | Path = "") -> bool:
        return os.path.lexists(self.path(relative))

    def read_text(self, relative: str | Path) -> str | None:
        """The file's text; None when it is absent, a folder or not UTF-8."""
        path = self.path(relative)
        try:
            return read_bytes(path).decode("utf-8")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None
        except UnicodeDecodeError:
            return None
        except OSError as error:
            raise DiskError(describe(error, path)) from None

    def make_parents(self, relative: str | Path) -> None:
        parent = Path(relative).parent
        for depth in range(len(parent.parts) + 1):
            folder = Path(*parent.parts[:depth]) if depth else Path("")
            path = self.path(folder)
            if not path.is_dir():
                with failures_reported(path):
                    make_folder(path)

    def write_atomic(
        self,
        relative: str | Path,
        text: str,
        on_half: Callable[[], None] = lambda: None,
    ) -> None:
        """Write `text` to a temporary sibling, then rename it over the file."""
        self.make_parents(relative)
        target = self.path(relative)
        temporary = self.path(Path(relative).with_name(f".{target.name}.tmp"))
        with failures_reported(temporary):
            unlink(temporary)
            write_bytes(temporary, text.encode("utf-8"), on_half)
        self.move_in(temporary, relative)

    def move_in(self, source: Path, relative: str | Path) -> None:
        """Rename `source` (a checked path) over `relative`, atomically."""
        self.make_parents(relative)
        target = self.path(relative)
        with failures_reported(target):
            replace(source, target)

    def remove(self, relative: str | Path) -> None:
        """Delete a file, then the folders it leaves empty up to the root."""
        path = self.path(relative)
        with failures_reported(path):
            unlink(path)
        folder = Path(relative).parent
        while folder.parts:
            path = self.path(folder)
            if not path.is_dir() or any(path.iterdir()):
                break
            with failures_reported(path):
                remove_folder(path)
            folder = folder.parent

    def remove_all(self) -> None:
        """Delete the root folder and everything in it (a staging folder)."""
        path = self.path()
        if os.path.lexists(path):
            with failures_reported(path):
                remove_tree(path)


@contextmanager
def lock_output(output: Path, *, wait: bool, what: str) -> Iterator[None]:
    """Hold a lock on the output folder for the block: exclusive to write (`wait`: a second
    `generate` waits, saying so, up to LOCK_WAIT_SECONDS), shared to read (a `check` during a
    `generate` fails at once). The lock is the folder itself, locked with `flock`, so that no
    lock file is ever left where users commit; the kernel drops it when the process ends,
    however it ends. A writer creates the folder; a reader finds nothing to lock where there is
    no folder yet."""
    if not wait and not output.is_dir():
        yield
        return
    with failures_reported(output):
        output.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(output, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        fcntl = _fcntl()
        mode = fcntl.LOCK_EX if wait else fcntl.LOCK_SH
        if not _try_lock(fcntl, descriptor, mode):
            if not wait:
                raise DiskError(
                    f"{output}: a generation is in progress there; run {what} again when"
                    " it has finished"
                )
            print(
                f"waiting for another connector-codegen run to finish with {output} ...",
                file=sys.stderr,
                flush=True,
            )
            deadline = time.monotonic() + LOCK_WAIT_SECONDS
            while not _try_lock(fcntl, descriptor, mode):
                if time.monotonic() > deadline:
                    raise DiskError(
                        f"{output}: another connector-codegen run held it for over"
                        f" {LOCK_WAIT_SECONDS:.0f} s; gave up waiting"
                    )
                time.sleep(_LOCK_POLL_SECONDS)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def _fcntl() -> ModuleType:
    """POSIX file locks; elsewhere (Windows) a clear error rather than an import traceback."""
    try:
        import fcntl
    except ImportError:
        raise DiskError(
            "connector-codegen locks the output folder with POSIX file locks (fcntl):"
            " it runs on Linux and macOS"
        ) from None
    return fcntl


def _try_lock(fcntl: ModuleType, descriptor: int, mode: int) -> bool:
    try:
        fcntl.flock(descriptor, mode | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
