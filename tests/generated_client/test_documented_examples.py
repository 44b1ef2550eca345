"""The documented examples stand alone: every Python block of README and docs/ passes
`mypy --strict`, and each runs against a local server as it is written (only the URL pointed
at the server; the live API client's example runs in test_twilio_api_session)."""

from __future__ import annotations

import json
import re
import runpy
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from twilio_connector import Message
from werkzeug import Request, Response

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
def test_every_documented_example_passes_mypy_strict(tmp_path: Path) -> None:
    documents = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    blocks = [block for document in documents for block in python_blocks(document)]
    assert len(blocks) >= 5, "the examples were not found"
    for number, block in enumerate(blocks):
        (tmp_path / f"example_{number}.py").write_text(block)
    checked = run(
        [*MYPY_STRICT, *(str(p) for p in sorted(tmp_path.glob("*.py")))],
        tmp_path,
        {"MYPYPATH": str(COMMITTED)},
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def connector(request: Request) -> Response:
    """The connector's three message endpoints, in JSON or, as asked, XML."""
    path = request.path.removeprefix(ACCOUNT)
    if path == "/Messages.json" and request.method == "GET":
        page = {"messages": [MESSAGE, {**MESSAGE, "sid": "SM2"}], "next_page_uri": None}
        return Response(json.dumps(page), content_type="application/json")
    sid = path.removeprefix("/Messages/").removesuffix(".json")
    if sid == "SM000":
        return Response(
            json.dumps({"code": 20404}), 404, content_type="application/json"
        )
    message = {**MESSAGE, "sid": sid if path != "/Messages.json" else "SM1"}
    if "xml" in request.headers.get("Accept", ""):
        xml = Message.from_dict(message).to_xml()
        return Response(xml, content_type="application/xml")
    return Response(json.dumps(message), content_type="application/json")


def test_the_generated_client_examples_run_against_a_local_server(
    tmp_path: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    blocks = python_blocks(ROOT / "docs" / "generated-client.md")
    connector_blocks = [block for block in blocks if "twilio_connector" in block]
    assert len(connector_blocks) == 3  # sync, async, XML
    httpserver.expect_request(re.compile(f"^{ACCOUNT}/")).respond_with_handler(
        connector
    )
    for number, block in enumerate(connector_blocks):
        assert EXAMPLE_URL in block, number
        script = tmp_path / f"example_{number}.py"
        script.write_text(
            block.replace(EXAMPLE_URL, httpserver.url_for("").rstrip("/"))
        )
        runpy.run_path(str(script), run_name="__main__")
    printed = capsys.readouterr().out.splitlines()
    assert (
        printed == ["SM1 delivered", "SM2 delivered"] * 2
    )  # the sync and async listings
    posts = [r for r, _ in httpserver.log if r.method == "POST"]
    assert [r.headers["Content-Type"] for r in posts] == [
        "application/json",
        "application/json",
        "application/xml",
    ]
