from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import SpecError
from generator.source.loader import load_spec, resolve_scalar

from ..conftest import TWILIO_SPEC


@pytest.mark.parametrize(
    "text",
    [
        "2010-04-01",
        "on",
        "off",
        "yes",
        "no",
        "0123",
        "1_000",
        "0x1F",
        "0o17",
        "1:30",
        "+.inf",
        ".nan",
        "1e",
        "y",
    ],
)
def test_yaml_scalars_that_yaml_1_1_would_type_stay_strings(text: str) -> None:
    assert resolve_scalar(text) == text


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("true", True),
        ("False", False),
        ("TRUE", True),
        ("null", None),
        ("~", None),
        ("", None),
        ("0", 0),
        ("-12", -12),
        ("+7", 7),
        ("1.5", 1.5),
        ("-0.25e3", -250.0),
        (".5", 0.5),
    ],
)
def test_yaml_core_scalars_are_typed(text: str, value: object) -> None:
    result = resolve_scalar(text)
    assert result == value
    assert type(result) is type(value)


def test_quoted_scalars_are_never_typed() -> None:
    assert resolve_scalar("true", plain=False) == "true"
    assert resolve_scalar("12", plain=False) == "12"


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def test_a_yaml_document_keeps_dates_versions_and_keys_as_strings(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        "s.yaml",
        "version: 2010-04-01\nresponses:\n  200: {description: ok}\nflag: on\n",
    )
    data = load_spec(path, "s.yaml").data
    assert data == {
        "version": "2010-04-01",
        "responses": {"200": {"description": "ok"}},
        "flag": "on",
    }


def test_positions_point_at_the_value_in_yaml_and_json(tmp_path: Path) -> None:
    source = load_spec(TWILIO_SPEC, "spec/twilio.yaml")
    lines = TWILIO_SPEC.read_text().splitlines()
    line, column = source.locate("/paths/~1Messages~1{MessageId}.json/get/operationId")  # type: ignore[misc]
    assert lines[line - 1][column - 1 :] == "GetMessage"
    json_path = write(tmp_path, "s.json", '{\n  "a": {"b": [1, {"c": "here"}]}\n}')
    assert load_spec(json_path, "s.json").locate("/a/b/1/c") == (2, 24)


def test_a_missing_pointer_locates_its_nearest_parent(tmp_path: Path) -> None:
    path = write(tmp_path, "s.json", '{\n  "a": {\n    "b": 1}}')
    assert load_spec(path, "s.json").locate("/a/zzz") == (2, 8)


def error_for(path: Path) -> str:
    with pytest.raises(SpecError) as caught:
        load_spec(path, path.name)
    assert len(caught.value.findings) == 1
    return str(caught.value.findings[0])


def test_malformed_yaml_names_file_line_and_column(tmp_path: Path) -> None:
    assert error_for(write(tmp_path, "bad.yaml", "a: 1\nb: [1, 2\n")).startswith(
        "bad.yaml:3:1: invalid YAML"
    )


def test_malformed_json_names_file_line_and_column(tmp_path: Path) -> None:
    message = error_for(write(tmp_path, "bad.json", '{\n  "a": 1,\n}'))
    assert message.startswith("bad.json:3:1: invalid JSON")


def test_missing_empty_directory_and_non_utf8_inputs_are_reported(
    tmp_path: Path,
) -> None:
    assert error_for(tmp_path / "absent.yaml") == "absent.yaml: no such file"
    assert error_for(write(tmp_path, "empty.yaml", "  \n")) == "empty.yaml: is empty"
    (tmp_path / "folder.yaml").mkdir()
    assert (
        error_for(tmp_path / "folder.yaml")
        == "folder.yaml: is a directory, not a spec file"
    )
    assert (
        error_for(write(tmp_path, "latin1.yaml", b"a: caf\xe9\n"))
        == "latin1.yaml:1:7: is not UTF-8 text (byte 0xe9)"
    )


def test_duplicate_keys_and_non_mapping_documents_are_refused(tmp_path: Path) -> None:
    assert (
        error_for(write(tmp_path, "dup.yaml", "a: 1\na: 2\n"))
        == "dup.yaml:2:1: duplicate key 'a' (first at line 1, column 1)"
    )
    assert "must be a mapping" in error_for(write(tmp_path, "list.yaml", "- 1\n"))


@pytest.mark.slow
def test_yaml_aliases_expand_within_the_documented_limit(tmp_path: Path) -> None:
    ok = write(tmp_path, "ok.yaml", "a: &x {b: 1}\nc: *x\n")
    assert load_spec(ok, "ok.yaml").data == {"a": {"b": 1}, "c": {"b": 1}}
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [
        f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)
    ]
    bomb = write(tmp_path, "bomb.yaml", "\n".join(levels) + "\n")
    assert "alias expansion limit" in error_for(bomb)


def test_json_escaped_surrogate_pairs_come_out_intact(tmp_path: Path) -> None:
    path = write(tmp_path, "emoji.json", '{"title": "\\ud83d\\ude00 ok"}')
    assert load_spec(path, "emoji.json").data == {"title": "\U0001f600 ok"}


def test_the_digest_ignores_line_endings(tmp_path: Path) -> None:
    unix = write(tmp_path, "unix.yaml", "a: 1\nb: 2\n")
    windows = write(tmp_path, "windows.yaml", "a: 1\r\nb: 2\r\n")
    assert load_spec(unix, "u").digest == load_spec(windows, "w").digest
