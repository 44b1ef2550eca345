"""README's examples stand alone: each Python block runs against a local server as it is
written (only the URL pointed at the server), and passes `mypy --strict`."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from ..conftest import COMMITTED, MYPY_STRICT, ROOT, run

ACCOUNT = "/2010-04-01/Accounts/AC123"
EXAMPLE_URL = "http://127.0.0.1:8080"
MESSAGE = {"sid": "SM1", "status": "delivered", "to": "+15552223333"}


def python_blocks(document: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", document.read_text(), re.DOTALL)


def test_the_readme_has_one_example_and_it_runs_against_a_local_server(
    tmp_path: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    [example] = python_blocks(ROOT / "README.md")
    assert EXAMPLE_URL in example
    httpserver.expect_request(
        f"{ACCOUNT}/Messages.json", method="POST"
    ).respond_with_json(MESSAGE)
    httpserver.expect_request(
        f"{ACCOUNT}/Messages.json", method="GET"
    ).respond_with_json(
        {"messages": [MESSAGE, {**MESSAGE, "sid": "SM2"}], "next_page_uri": None}
    )
    httpserver.expect_request(f"{ACCOUNT}/Messages/SM000.json").respond_with_json(
        {"code": 20404}, status=404
    )
    script = tmp_path / "example.py"
    script.write_text(example.replace(EXAMPLE_URL, httpserver.url_for("").rstrip("/")))
    runpy.run_path(str(script))
    assert capsys.readouterr().out.splitlines() == [
        "sent SM1",
        "SM1 delivered",
        "SM2 delivered",
        "404 Message not found",
    ]


@pytest.mark.slow
def test_the_readme_examples_pass_mypy_strict(tmp_path: Path) -> None:
    blocks = python_blocks(ROOT / "README.md")
    for number, block in enumerate(blocks):
        (tmp_path / f"example_{number}.py").write_text(block)
    checked = run(
        [*MYPY_STRICT, *(str(p) for p in sorted(tmp_path.glob("*.py")))],
        tmp_path,
        {"MYPYPATH": str(COMMITTED)},
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
