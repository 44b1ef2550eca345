"""Stage 4, render: the intermediate model through the Jinja2 templates into Python source.

Templates come from the top-level `templates/` folder (packaged as `generator/templates` in the
wheel); `--templates DIR` overrides single templates by file name. Templates only loop and print:
names, types, imports and test data are decided in Python (`views.py`), and spec text goes
through the escaping filters. Every template receives the same four variables: `header`, `api`
(the intermediate model), `package` (a `views.PackageView`) and `path`, the file it renders
(`client.py.jinja` renders both `client.py` and `async_client.py`, each with its client's view).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import GeneratorError
from generator.parse.reserved import builtin_templates

if (
    TYPE_CHECKING
):  # imported when rendering, so that `check`'s fast path never loads them
    import jinja2

    from generator.model import Api
    from generator.render.views import PackageView

# (template, path inside the package); the tests are left out with --no-tests.
# The files copied without a template are listed in `generator.static`.
PACKAGE_FILES = (
    ("__init__.py.jinja", "__init__.py"),
    ("errors.py.jinja", "errors.py"),
    ("models.py.jinja", "models.py"),
    ("client.py.jinja", "client.py"),
)
ASYNC_FILES = (("client.py.jinja", "async_client.py"),)
TEST_FILES = (
    ("tests/test_client.py.jinja", "tests/test_client.py"),
    ("tests/test_models.py.jinja", "tests/test_models.py"),
)


def template_names(with_tests: bool, with_async: bool = True) -> list[tuple[str, str]]:
    files = PACKAGE_FILES + (ASYNC_FILES if with_async else ())
    return list(files + (TEST_FILES if with_tests else ()))


@dataclass(frozen=True)
class RenderOptions:
    header: str  # comment lines opening every Python file
    with_tests: bool
    templates: Path | None  # the user's override folder
    with_async: bool = True


def environment(overrides: Path | None) -> jinja2.Environment:
    import jinja2

    from generator.render import escape, printer
    from generator.render.code import all_order, isort_order

    search = [str(overrides)] if overrides else []
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*search, str(builtin_templates())]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters.update(
        literal=escape.py_literal,
        comment=escape.comment,
        docstring=escape.docstring,
        code=printer.lay_out,
        isorted=isort_order,
        all_sorted=all_order,
    )
    return env


def render(api: Api, options: RenderOptions, package: PackageView) -> dict[str, str]:
    """Source text by path inside the package, unformatted."""
    import jinja2

    env = environment(options.templates)
    context = {"header": options.header, "api": api, "package": package}
    rendered = {}
    for template_name, path in template_names(options.with_tests, options.with_async):
        try:
            template = env.get_template(template_name)
            rendered[path] = template.render(context, path=path)
        except jinja2.TemplateSyntaxError as error:
            raise GeneratorError(
                f"template {error.filename}:{error.lineno}: {error.message}"
            ) from None
        except jinja2.TemplateError as error:
            raise GeneratorError(f"template {template_name} failed: {error}") from None
    return rendered


def check_overrides(overrides: Path | None) -> None:
    """A `--templates` folder must exist, and every template file in it (`*.py.jinja`) must be
    one this version renders: an override of a retired template would be silently ignored.
    Other files (macros for `{% import %}`, say) may sit beside them."""
    if overrides is None:
        return
    if not overrides.is_dir():
        raise GeneratorError(f"--templates {overrides}: no such folder")
    known = {name for name, _ in template_names(with_tests=True)}
    for path in sorted(overrides.rglob("*.jinja")):
        name = path.relative_to(overrides).as_posix()
        if name in _RETIRED or (name.endswith(".py.jinja") and name not in known):
            raise GeneratorError(
                f"--templates {overrides}: {name} is not a template of this version"
                f"{_RETIRED.get(name, '')}; the templates are {', '.join(sorted(known))}"
            )


# Templates earlier versions had, and why they went.
_RETIRED = {
    "_runtime.py.jinja": " (the runtime is now copied into the package as it is, from"
    " generator/static/_runtime.py)",
    "py.typed.jinja": " (py.typed is written without a template)",
    "tests/__init__.py.jinja": " (tests/__init__.py is written without a template)",
}


def overridden_outputs(
    overrides: Path | None, with_tests: bool, with_async: bool = True
) -> set[str]:
    """The package paths rendered from a user's template rather than a built-in one."""
    if overrides is None:
        return set()
    return {
        path
        for name, path in template_names(with_tests, with_async)
        if (overrides / name).is_file()
    }


def template_sources(overrides: Path | None, with_tests: bool) -> dict[str, str]:
    """The text of every template a generation uses, for the manifest's fingerprint: the
    user's override when there is one, as jinja2's FileSystemLoader would find it."""
    folders = [overrides, builtin_templates()] if overrides else [builtin_templates()]
    sources = {}
    for name, _ in template_names(with_tests):
        path = next(f / name for f in folders if (f / name).is_file())
        sources[name] = path.read_bytes().decode("utf-8")
    return sources
