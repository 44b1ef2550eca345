"""The CI and pre-commit recipes of docs/regeneration.md work as written: in a user's project
holding this repository at `connector-codegen/` (cloned, as a submodule would be), with a
generated client committed and pushed to `origin/main`."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ..conftest import ROOT, TWILIO_SPEC, run

pytestmark = pytest.mark.slow

DOCS = ROOT / "docs" / "regeneration.md"
GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOCS.read_text(), re.DOTALL)


def git(project: Path, *args: str) -> str:
    done = subprocess.run(
        [*GIT, *args], cwd=project, capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A user's project: a spec, its generated client (made by this checkout), the generator
    at connector-codegen/, all committed and pushed to origin/main."""
    if shutil.which("git") is None:
        pytest.fail("git is needed to test the recipes")
    folder = tmp_path_factory.mktemp("recipes")
    origin, project = folder / "origin.git", folder / "project"
    subprocess.run(["git", "init", "-q", "--bare", str(origin)], check=True)
    project.mkdir()
    (project / "spec").mkdir()
    shutil.copy(TWILIO_SPEC, project / "spec" / "twilio.yaml")
    (project / "pyproject.toml").write_text(
        '[tool.connector-codegen]\nspec = "spec/twilio.yaml"\noutput = "generated"\n'
    )
    generated = run([sys.executable, "-m", "generator", "generate"], project)
    assert generated.returncode == 0, generated.stderr
    subprocess.run(
        ["git", "clone", "-q", str(ROOT), str(project / "connector-codegen")],
        check=True,
    )
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "spec", "pyproject.toml", "generated")
    git(project, "commit", "-q", "-m", "generated client")
    git(project, "remote", "add", "origin", str(origin))
    git(project, "push", "-q", "origin", "main")
    return project


def test_the_github_actions_steps_pass_on_a_current_client(
    project: Path, tmp_path: Path
) -> None:
    [steps_text] = [b for b in blocks("yaml") if "connector-codegen check" in b]
    steps = yaml.safe_load(steps_text)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    path = f"{venv / 'bin'}:/usr/bin:/bin"
    for step in steps:
        done = run(["bash", "-e", "-c", step["run"]], project, {"PATH": path})
        assert done.returncode == 0, (
            step["name"],
            done.stdout[-3000:],
            done.stderr[-3000:],
        )
        if "check --diff" in step["run"]:
            assert done.stdout.splitlines()[-1] == "generated code is current"
        else:
            assert done.stdout.splitlines()[-1] == "no change to the public API"
    client = project / "generated" / "twilio_connector" / "client.py"
    original = client.read_text()
    client.write_text(original + "# edited\n")
    try:
        stale = run(["bash", "-e", "-c", steps[0]["run"]], project, {"PATH": path})
    finally:
        client.write_text(original)
    assert stale.returncode == 1
    assert "client.py: edited by hand since it was generated" in stale.stdout


def test_the_pre_commit_hook_passes_tried_and_pinned(
    project: Path, tmp_path: Path
) -> None:
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    assert pre_commit, "pre-commit is a dev dependency"
    environment = {"PRE_COMMIT_HOME": str(tmp_path / "cache")}
    [trial] = [b for b in blocks("sh") if "try-repo" in b]
    tried = run(
        ["bash", "-e", "-c", trial.replace("pre-commit", pre_commit, 1)],
        project,
        environment,
    )
    assert tried.returncode == 0, tried.stdout[-3000:] + tried.stderr[-3000:]
    assert re.search(r"connector-codegen check\.+Passed", tried.stdout), tried.stdout
    [config] = [b for b in blocks("yaml") if "repos:" in b]
    commit = git(project / "connector-codegen", "rev-parse", "HEAD").strip()
    pinned = re.sub(r"rev: [0-9a-f]{40}", f"rev: {commit}", config)
    assert pinned != config  # the documented rev is a full commit hash
    (project / ".pre-commit-config.yaml").write_text(pinned)
    git(
        project, "add", ".pre-commit-config.yaml"
    )  # pre-commit runs a staged config only
    ran = run([pre_commit, "run", "--all-files"], project, environment)
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    assert re.search(r"connector-codegen check\.+Passed", ran.stdout), ran.stdout
