"""The layout stage against black itself: same output, byte for byte, or black runs instead."""

from __future__ import annotations

from pathlib import Path

import black
import pytest

from generator import bundler, formatter, layout, loader, parser, printer, render
from generator.formatter import black_mode
from generator.pipeline import build
from tests.conftest import CONNECTION_SPEC, LEDGER_SPEC, TWILIO_SPEC, make_job

HOSTILE_SPEC = Path(__file__).parent / "specs" / "hostile.json"

LONG = "a_rather_long_name_that_takes_room"

# Statements of every shape the port covers, each longer than a line.
SHAPES = {
    "call that fits on one indented line": f"result = compute({LONG}, {LONG}, 1)\n",
    "call exploded by its magic trailing comma": "value = call(\n    a,\n    b,\n)\n",
    "keyword arguments one per line": (
        f"client.send(first={LONG}, second={LONG}, third={LONG}, fourth=[1, 2, 3])\n"
    ),
    "nested literals": (
        f'DATA = {{"key": {{"inner": ["{LONG}", "{LONG}"], "other": {{"deep": "{LONG}"}}}},'
        f' "k2": [{{"a": 1}}, {{"b": -2.5e-05}}], "k3": ("one",), "k4": (("x",),)}}\n'
    ),
    "a one-element collection split": f'x = {{"only_key_here": ["{LONG}{LONG}{LONG}"]}}\n',
    "a method chain after a call": (
        "class A:\n    def f(self) -> None:\n"
        f"        return self.with_raw_response.operation_with_a_long_name({LONG}).parse()\n"
    ),
    "a value that fits once parenthesised": f'NAME_{LONG.upper()} = "{LONG}{LONG[:20]}"\n',
    "an annotation that is too long": (
        "class A:\n"
        f"    field_name: VeryLongModelNameThatGoesOnAndOn{LONG} | None | Unset = UNSET\n"
    ),
    "a def with one parameter": (
        f"def function_with_a_long_name_{LONG}(parameter_{LONG}: int) -> None:\n"
        "    pass\n"
    ),
    "a def with many parameters and a long return annotation": (
        f"def f(self, first: str | None = None, *, second: int | None = None, {LONG}:"
        f" dict[str, Any] | None = None) -> RawResponse[{LONG}]:\n    pass\n"
    ),
    "a class with a long name": f"class Model{LONG}{LONG}(ApiModel):\n    pass\n",
    "a long import": f"from .models import {LONG}_a, {LONG}_b, {LONG}_c\n",
    "a with statement": (
        f'with Client(url_for({LONG}), auth=("user-1", "secret-1"), retries={LONG}) as c:\n'
        "    pass\n"
    ),
    "a for statement": (
        f'for path, page in [("/first/{LONG}", first), ("/next/{LONG}", second)]:\n'
        "    pass\n"
    ),
    "an if with boolean operators": (
        f"if {LONG} and {LONG} or not {LONG} and {LONG} is not None:\n    pass\n"
    ),
    "an assert with a comparison": (
        f'assert result.field_{LONG} == Model(a="{LONG}", b=[1, None], c={{"x": True}})\n'
    ),
    "an assert with a message": f'assert {LONG} in {LONG}, f"{LONG} {LONG} {LONG}"\n',
    "a lambda argument": f"param = pytest.param(Model, lambda: Model(a={LONG}, b={LONG}))\n",
    "a comprehension": (
        f"names = [item.name_{LONG} for item in items_{LONG} if item.flag_{LONG}]\n"
    ),
    "a conditional expression": f"x = {LONG} if {LONG} is not None else {LONG}_default\n",
    "implicit string concatenation": f'message = compose("{LONG}" "{LONG}", "{LONG}")\n',
    "unpacking": f'merged = {{**first_{LONG}, "next_page_uri": url_for("/next/{LONG}")}}\n',
    "a decorator": (
        f'@pytest.mark.parametrize(("status", "error"), [pytest.param(401, {LONG}, id="401")])\n'
        "def test() -> None:\n    pass\n"
    ),
    "a delete": f"del mapping_{LONG}[key_{LONG}], other_{LONG}\n",
    "wide characters": f'label = describe("{"漢字" * 30}", "{LONG}")\n',
    "quotes and escapes in strings": (
        f'text = join(\'it\\\'s "quoted" {LONG}\', "# not a comment {LONG}", \'"""\')\n'
    ),
    "a subscript": f"value = mapping_{LONG}[key_{LONG}][other_key_{LONG}]\n",
    "empty brackets and dotted access": f"x = a.b().c({LONG}).d[0].e({LONG}, {LONG})\n",
    "a raise": f'raise ValueError(f"{{name!r}} {LONG} {LONG}", code_{LONG})\n',
    "an atom too long to split": f"x = {LONG}{LONG}{LONG}\n",
    "a string too long for any line": f'call(first, "{LONG * 3}", last)\n',
    "a returned dict": (
        f'def f() -> Any:\n    return {{"a": {LONG}, "b": [{LONG}, {LONG}], "c": 1}}\n'
    ),
    "calls of calls": f"x = factory({LONG})(argument_{LONG})[index_{LONG}](last)\n",
    "nested generics in parameters": (
        f"def f(self, body: dict[str, list[Model{LONG}]] | None, other: tuple[int, ...]"
        f" = (1,)) -> dict[str, list[Model{LONG}]]:\n    pass\n"
    ),
    "arithmetic": f"total = {LONG} + {LONG} * {LONG} - {LONG} / 2 % {LONG}\n",
    "a long right-hand call in a comparison": (
        f"assert {LONG} == compute({LONG}, {LONG}, {LONG}, {LONG})\n"
    ),
}


@pytest.mark.parametrize("source", list(SHAPES.values()), ids=list(SHAPES))
def test_layout_splits_as_black_does(source: str) -> None:
    assert layout.lay_out(source) == black.format_str(source, mode=black_mode())


@pytest.mark.parametrize(
    "source",
    [
        f"x = call({LONG}, {LONG}, {LONG})  # a comment black moves\n",
        f"x = [value async for value in {LONG}_{LONG}_{LONG}]\n",
        f"x = {LONG} ** 2 + {LONG} ** 2 + {LONG}\n",
        f"a = b = call({LONG}, {LONG}, {LONG}, {LONG})\n",
    ],
)
def test_a_statement_outside_the_port_is_left_to_black(source: str) -> None:
    with pytest.raises(layout.Unsupported):
        layout.lay_out(source)
    expected = black.format_str(source, mode=black_mode())
    assert formatter.format_source("module.py", source) == expected


def _rendered(spec: Path) -> dict[str, str]:
    source = bundler.bundle(loader.load_spec(spec, spec.name))
    api = parser.parse(source, None)
    return render.render(api, render.RenderOptions("# header", True, None))


@pytest.mark.parametrize(
    "spec",
    [TWILIO_SPEC, LEDGER_SPEC, HOSTILE_SPEC, CONNECTION_SPEC],
    ids=lambda p: p.name,
)
def test_the_templates_need_no_black(spec: Path) -> None:
    """The package's modules come out of the printer as black leaves them, in its stable and
    its preview style (the hostile spec's absurdly long names excepted: those files go through
    black, and must still be stable in both); the generated tests come out of the layout port
    as black prints them."""
    for path, text in _rendered(spec).items():
        if path in formatter.PRINTED:
            unsure = printer.unsure_lines(text)
            assert spec == HOSTILE_SPEC or not unsure, (path, unsure)
            formatted = formatter.format_source(path, text)
            for mode in (black_mode(), black_mode(preview=True)):
                assert black.format_str(formatted, mode=mode) == formatted, (path, mode)
        elif path.endswith(".py"):
            assert layout.lay_out(text) == black.format_str(
                text, mode=black_mode()
            ), path


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
    """The port is compared with black on the built-in templates only: a user's template
    goes through black itself, and the other files do not."""
    overrides = tmp_path / "templates"
    overrides.mkdir()
    builtin = render.builtin_templates() / "errors.py.jinja"
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
