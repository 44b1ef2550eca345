"""Regeneration never touches what it does not own.

Untrusted manifests and journals, planted symbolic links, concurrent runs, kills at every step
of the swap, and I/O failures injected at the file-system boundary the writer uses
(`generator.write.disk`), plus a real file size limit.
"""

from __future__ import annotations

import errno
import json
import os
import resource
import shutil
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.write import disk
from generator.write.manifest import MANIFEST
from generator.write.swap import CRASH_ENV, CRASH_STEPS, journal_path, staging_dir

from ..conftest import PYTHON, invoke, run, tree

PACKAGE = "library_catalog_connector"
GENERATE = [PYTHON, "-m", "generator", "generate"]


@pytest.fixture
def generated(project: Path) -> Path:
    """The project after one generation; returns the package folder."""
    assert invoke("generate")[0] == 0
    return project / "out" / PACKAGE


def edit_spec(
    project: Path, old: str = "Books on a shelf", new: str = "On a shelf"
) -> None:
    spec = project / "spec" / "library.json"
    text = spec.read_text()
    assert old in text
    spec.write_text(text.replace(old, new))


def refused(args: list[str], *needles: str) -> str:
    """Run the CLI in-process; assert exit 2 (no traceback: `invoke` checks) and the words."""
    code, output = invoke(*args)
    assert code == 2, output
    for needle in needles:
        assert needle in output, output
    return output


# 1. The manifest and the journal are untrusted input.


@pytest.mark.parametrize(
    "entry",
    [
        "../../victim.txt",
        "/tmp/victim.txt",
        "a/../../victim.txt",
        "C:victim",
        "a\\b",
        "",
    ],
)
def test_a_manifest_entry_outside_the_package_is_refused_and_nothing_is_deleted(
    generated: Path, entry: str
) -> None:
    victim = generated.parent.parent / "victim.txt"
    victim.write_text("mine")
    manifest = json.loads((generated / MANIFEST).read_text())
    manifest["files"][entry] = "0" * 64
    (generated / MANIFEST).write_text(json.dumps(manifest))
    before = tree(generated.parent.parent)
    for command in (["generate", "--no-tests"], ["check", "--no-tests"]):
        refused(
            command,
            str(generated / MANIFEST),
            repr(entry),
            "generate --force ignores it",
        )
        assert tree(generated.parent.parent) == before
    code, output = invoke("generate", "--no-tests", "--force")
    assert code == 0, output
    assert victim.read_text() == "mine"
    assert entry not in json.loads((generated / MANIFEST).read_text())["files"]
    assert invoke("check", "--no-tests")[0] == 0


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        "[]",
        '{"files": []}',
        '{"inputs": {}, "files": {"a.py": 3}}',
        "\udcff",
    ],
)
def test_a_manifest_that_is_not_one_is_refused_until_forced(
    generated: Path, text: str
) -> None:
    (generated / MANIFEST).write_bytes(text.encode("utf-8", "surrogateescape"))
    refused(["generate"], str(generated / MANIFEST), "nothing was deleted")
    refused(["check"], str(generated / MANIFEST))
    assert invoke("generate", "--force")[0] == 0
    assert invoke("check")[0] == 0


@pytest.mark.parametrize(
    "journal",
    [
        {"move": [], "remove": ["../../victim.txt"]},
        {"move": ["../victim.txt"], "remove": []},
        {
            "move": [],
            "remove": ["mine.py"],
        },  # a plain path, but not one the manifest lists
        {"move": []},
    ],
)
def test_a_journal_is_untrusted_too(
    generated: Path, journal: dict[str, list[str]]
) -> None:
    victim = generated.parent.parent / "victim.txt"
    victim.write_text("mine")
    (generated / "mine.py").write_text("# mine\n")
    shutil.copytree(
        generated, staging_dir(generated)
    )  # a staging folder with a manifest
    journal_path(generated).write_text(json.dumps(journal))
    before = tree(generated.parent.parent)
    refused(["generate"], str(journal_path(generated)), "generate --force ignores it")
    refused(["check"], str(journal_path(generated)))
    assert tree(generated.parent.parent) == before
    assert invoke("generate", "--force")[0] == 0
    assert (
        victim.read_text() == "mine"
        and (generated / "mine.py").read_text() == "# mine\n"
    )
    assert not journal_path(generated).exists() and not staging_dir(generated).exists()


# 2. Symbolic links.


def test_a_linked_tests_folder_is_never_written_through(
    generated: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    shutil.move(generated / "tests", outside)
    (generated / "tests").symlink_to(outside, target_is_directory=True)
    edit_spec(generated.parent.parent)
    before = tree(outside)
    refused(["generate"], f"{generated / 'tests'} is a symbolic link")
    refused(["generate", "--no-tests"], "is a symbolic link")  # would delete the tests
    refused(["check"], "is a symbolic link")
    assert tree(outside) == before


@pytest.mark.parametrize("place", ["staging", "journal", "package", "file"])
def test_a_planted_link_is_refused_with_a_message(
    generated: Path, tmp_path: Path, place: str
) -> None:
    target = tmp_path / "target"
    target.mkdir()
    (target / "keep.txt").write_text("keep")
    link = {
        "staging": staging_dir(generated),
        "journal": journal_path(generated),
        "package": generated,
        "file": generated / "client.py",
    }[place]
    if place == "package":
        shutil.rmtree(generated)
    else:
        link.unlink(missing_ok=True)
    link.symlink_to(target)
    edit_spec(generated.parent.parent)
    refused(["generate"], f"{link} is a symbolic link")
    assert tree(target) == {"keep.txt": b"keep"}


def test_the_output_folder_itself_may_be_a_link(project: Path, tmp_path: Path) -> None:
    real = tmp_path / "real-output"
    real.mkdir()
    (project / "out").symlink_to(real, target_is_directory=True)
    assert invoke("generate")[0] == 0
    assert (real / PACKAGE / "client.py").is_file()
    assert invoke("check")[0] == 0


# 3. Concurrent runs.


@pytest.mark.slow
def test_parallel_generations_leave_exactly_one_complete_generation(
    project: Path, tmp_path: Path
) -> None:
    variants = []
    for number in range(2):  # two different specs for the same package
        spec = project / "spec" / f"variant{number}.json"
        text = (project / "spec" / "library.json").read_text()
        spec.write_text(text.replace("Books on a shelf", f"Variant {number}"))
        fresh = tmp_path / f"fresh{number}"
        assert (
            run([*GENERATE, str(spec), "--output", str(fresh)], project).returncode == 0
        )
        variants.append((spec, tree(fresh / PACKAGE)))
    runs = [
        subprocess.Popen(
            [*GENERATE, str(variants[index % 2][0]), "--output", "out"],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "CONNECTOR_CODEGEN_NO_CACHE": "1"},
        )
        for index in range(6)
    ]
    results = [(process.wait(), *process.communicate()) for process in runs]
    assert all(code == 0 for code, _, _ in results), results
    assert tree(project / "out" / PACKAGE) in [files for _, files in variants]
    assert sorted(os.listdir(project / "out")) == [PACKAGE]  # no lock or staging left


def test_check_during_a_generation_says_so_and_generate_waits(generated: Path) -> None:
    project = generated.parent.parent
    edit_spec(project)  # so that the generate below has something to write
    with disk.lock_output(project / "out", wait=True, what="generate"):
        checked = run([PYTHON, "-m", "generator", "check"], project)
        assert checked.returncode == 2, checked.stderr
        assert "a generation is in progress there" in checked.stderr
        waiting = subprocess.Popen(
            GENERATE,
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert waiting.stderr is not None
        assert "waiting for another connector-codegen run" in waiting.stderr.readline()
        assert waiting.poll() is None  # still waiting while the lock is held
    assert waiting.wait(timeout=60) == 0


# 4. A kill at any step leaves the old generation, the new one, or a pending swap.


@pytest.mark.slow
@pytest.mark.parametrize("step", CRASH_STEPS)
def test_a_kill_at_every_step_leaves_a_state_readme_describes(
    project: Path, tmp_path: Path, step: str
) -> None:
    """The new generation changes a description and drops the tests (so files are both moved
    in and removed); each occurrence of `step` is killed in turn."""
    package = project / "out" / PACKAGE
    assert run(GENERATE, project).returncode == 0
    (package / "mine.py").write_text("# not generated\n")
    old = tree(package)
    edit_spec(project)
    fresh = tmp_path / "fresh"
    assert (
        run([*GENERATE, "--no-tests", "--output", str(fresh)], project).returncode == 0
    )
    new = {**tree(fresh / PACKAGE), "mine.py": old["mine.py"]}
    start = tree(project / "out")
    occurrence = 0
    while True:
        occurrence += 1
        shutil.rmtree(project / "out")
        for name, data in start.items():
            (project / "out" / name).parent.mkdir(parents=True, exist_ok=True)
            (project / "out" / name).write_bytes(data)
        killed = run(
            [*GENERATE, "--no-tests"], project, {CRASH_ENV: f"{step}:{occurrence}"}
        )
        if killed.returncode == 0:
            break  # the step occurs fewer times than this
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        after = tree(package)
        assert after["mine.py"] == old["mine.py"]
        if journal_path(package).exists():
            assert all(after[p] in (old.get(p), new.get(p)) for p in after), step
            before_check = tree(project)
            code, output = invoke("check", "--no-tests")
            assert code == 1 and "interrupted while replacing files" in output
            assert tree(project) == before_check  # check writes nothing, even then
        else:
            assert after in (old, new), (step, occurrence)
        assert invoke("generate", "--no-tests")[0] == 0
        assert tree(package) == new
        assert sorted(os.listdir(project / "out")) == [PACKAGE]
    assert occurrence > 1, f"{step} was never reached"


# 5. I/O failures are messages, and the old output stays.


def failing(
    monkeypatch: pytest.MonkeyPatch, name: str, code: int, when: str = ""
) -> None:
    """Make the disk primitive `name` raise OSError(code) (for paths ending in `when`)."""
    original: Callable[..., None] = getattr(disk, name)

    def fail(path: Path, *args: object) -> None:
        if str(path).endswith(when) or not when:
            raise OSError(code, os.strerror(code), str(path))
        original(path, *args)

    monkeypatch.setattr(disk, name, fail)


@pytest.mark.parametrize(
    ("name", "code", "when"),
    [
        ("write_bytes", errno.ENOSPC, ""),
        ("write_bytes", errno.EFBIG, ".client.py.tmp"),
        ("write_bytes", errno.EACCES, ""),
        ("make_folder", errno.EROFS, ".staging"),
        ("replace", errno.EPERM, "client.py"),  # an immutable file met during the swap
        ("unlink", errno.EACCES, "journal.json"),
    ],
)
def test_an_io_failure_is_one_line_and_the_old_output_stays(
    generated: Path, monkeypatch: pytest.MonkeyPatch, name: str, code: int, when: str
) -> None:
    project = generated.parent.parent
    old = tree(generated)
    edit_spec(project)
    with monkeypatch.context() as patch:
        failing(patch, name, code, when)
        output = refused(["generate"], os.strerror(code))
    assert "Traceback" not in output and output.startswith("error: ")
    if name != "unlink":  # the journal could not be removed: the swap stays pending
        assert tree(generated) == old
        assert not journal_path(generated).exists()
    assert invoke("generate")[0] == 0  # recovers with no hand cleanup
    assert invoke("check")[0] == 0
    assert sorted(os.listdir(project / "out")) == [PACKAGE]


def test_a_package_name_too_long_for_the_file_system_is_a_message(
    project: Path,
) -> None:
    refused(
        ["generate", "--package", "p" * 250], "File name too long", "shorter --package"
    )


@pytest.mark.slow
def test_a_real_file_size_limit(generated: Path) -> None:
    project = generated.parent.parent
    old = tree(generated)
    edit_spec(project)

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))

    limited = subprocess.run(
        GENERATE,
        cwd=project,
        capture_output=True,
        text=True,
        preexec_fn=limit,
        check=False,
    )
    assert limited.returncode == 2, limited.stderr
    assert "File too large" in limited.stderr and "Traceback" not in limited.stderr
    assert tree(generated) == old
    assert run(GENERATE, project).returncode == 0


def test_a_leftover_staging_folder_is_cleaned_by_the_next_generate(
    generated: Path,
) -> None:
    staging_dir(generated).mkdir()
    assert invoke("check")[0] == 0
    assert invoke("generate")[0] == 0
    assert not staging_dir(generated).exists()


def test_without_posix_locks_generate_says_so(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    edit_spec(generated.parent.parent)
    old = tree(generated)
    monkeypatch.setitem(sys.modules, "fcntl", None)  # as on Windows: the import fails
    refused(["generate"], "POSIX file locks (fcntl)")
    assert tree(generated) == old
