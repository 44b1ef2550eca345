"""The print and format stages against black itself: what they print, black leaves as it is."""

from __future__ import annotations

from pathlib import Path

import black
import pytest

from generator import formatter, pipeline
from generator.formatter import black_mode
from generator.parse import parser
from generator.pipeline import build
from generator.render import printer, renderer
from generator.source import bundler, loader
from tests.conftest import CONNECTION_SPEC, LEDGER_SPEC, TWILIO_SPEC, make_job

HOSTILE_SPEC = Path(__file__).parent.parent / "specs" / "hostile.json"


def _rendered(spec: Path) -> dict[str, str]:
    source = bundler.bundle(loader.load_spec(spec, spec.name))
    api = parser.parse(source, None)
    options = renderer.RenderOptions("# header", True, None)
    return renderer.render(api, options, pipeline.package_view(api, True, True)[0])


@pytest.mark.slow
@pytest.mark.parametrize(
    "spec",
    [TWILIO_SPEC, LEDGER_SPEC, HOSTILE_SPEC, CONNECTION_SPEC],
    ids=lambda p: p.name,
)
def test_the_templates_need_no_black(spec: Path) -> None:
    """Every module, the tests' included, comes out of the printer as black leaves it, in its
    stable and its preview style (the hostile spec's absurdly long names excepted: those files
    go through black, and must still be stable in both)."""
    rendered = _rendered(spec)
    assert {path for path in rendered if path.endswith(".py")} == formatter.PRINTED
    for path, text in rendered.items():
        unsure = printer.unsure_lines(text)
        assert spec == HOSTILE_SPEC or not unsure, (path, unsure)
        formatted = formatter.format_source(path, text)
        for mode in (black_mode(), black_mode(preview=True)):
            assert black.format_str(formatted, mode=mode) == formatted, (path, mode)


def test_a_long_line_the_printer_has_no_layout_for_is_left_to_black() -> None:
    long = "a_rather_long_name_that_takes_room"
    source = f"x = {long} + {long} * {long} - {long} / 2 % {long}\n"
    assert printer.unsure_lines(source) == [source.rstrip()]
    expected = black.format_str(source, mode=black_mode())
    assert formatter.format_source("client.py", source) == expected
    assert expected != source


def test_files_split_between_two_processes_come_out_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rendered = _rendered(LEDGER_SPEC)
    alone = formatter.format_files(rendered)
    monkeypatch.setattr(formatter, "PARALLEL_MIN_CHARS", 0)
    assert formatter.format_files(rendered) == alone


def test_a_file_from_a_user_template_is_formatted_by_black(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The printer's layouts are verified for the built-in templates only: a user's template
    goes through black itself, and the other files do not."""
    overrides = tmp_path / "templates"
    overrides.mkdir()
    builtin = renderer.builtin_templates() / "errors.py.jinja"
    (overrides / "errors.py.jinja").write_text(builtin.read_text(), encoding="utf-8")
    by_black: list[str] = []
    original = formatter.format_with_black

    def spy(path: str, source: str) -> str:
        by_black.append(path)
        return original(path, source)

    monkeypatch.setattr(formatter, "format_with_black", spy)
    job = make_job(TWILIO_SPEC, tmp_path / "out", templates=overrides)
    files = build(job).files
    assert by_black == ["errors.py"]
    assert files["errors.py"] == black.format_str(files["errors.py"], mode=black_mode())


@pytest.mark.slow
def test_the_large_specs_modules_need_no_black() -> None:
    """No line of Argo's package or tests is one the printer has no layout for: a file that
    had one would go through black, which takes minutes on the large specs."""
    from tests.corpus.test_corpus import CORPUS

    spec = CORPUS / "large" / "argo-workflows.swagger.json"
    if not spec.exists():
        pytest.skip(f"no corpus at {CORPUS}")
    for path, text in _rendered(spec).items():
        assert printer.unsure_lines(text) == [], path
