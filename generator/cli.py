"""The command line: `connector-codegen validate | generate | check` (no command: generate)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from generator import __version__
from generator.config import Config, load_config
from generator.errors import EXIT_STALE, GeneratorError, SpecError
from generator.pipeline import Job, spec_name


def _job(
    config: Config,
    spec: str | None,
    output: str | None,
    package: str | None,
    templates: str | None,
    no_tests: bool,
) -> Job:
    spec_path = Path(spec).resolve() if spec else config.path("spec")
    if spec_path is None:
        raise GeneratorError(
            "no spec given: pass SPEC or set spec in [tool.connector-codegen]"
        )
    output_path = (
        Path(output).resolve() if output else config.path("output") or Path.cwd()
    )
    templates_path = (
        Path(templates).resolve() if templates else config.path("templates")
    )
    with_tests = not no_tests and config.values.get("tests", True)
    return Job(
        spec=spec_path,
        spec_name=spec_name(spec_path, config.base),
        output=output_path,
        package=package or config.values.get("package"),
        templates=templates_path,
        with_tests=with_tests,
    )


def _generation_options(function: Any) -> Any:
    options = [
        click.argument("spec", required=False, type=click.Path(dir_okay=True)),
        click.option(
            "--output",
            "-o",
            type=click.Path(file_okay=False),
            help="Folder that holds the package folder (config: output).",
        ),
        click.option(
            "--package",
            help="Name of the generated package (default: from info.title).",
        ),
        click.option(
            "--templates",
            type=click.Path(file_okay=False),
            help="Folder of templates overriding the built-in ones by file name.",
        ),
        click.option(
            "--no-tests", is_flag=True, help="Leave the generated test suite out."
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@click.group(invoke_without_command=True)
@click.version_option(__version__, prog_name="connector-codegen")
@click.pass_context
def main(context: click.Context) -> None:
    """Generate a typed, tested Python client from a Swagger 2.0 connector definition.

    With no command, runs `generate` with the settings of [tool.connector-codegen].
    """
    if context.invoked_subcommand is None:
        context.invoke(generate)


@main.command()
@click.argument("spec", required=False, type=click.Path(dir_okay=True))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    help="json prints machine-readable findings.",
)
def validate(spec: str | None, output_format: str) -> None:
    """Check a spec: exit 0 when it can be generated from, 2 with every problem otherwise."""
    from generator import loader, validator

    job = _job(load_config(), spec, None, None, None, True)
    try:
        source = loader.load_spec(job.spec, job.spec_name)
        validator.validate_or_raise(source)
    except SpecError as error:
        if output_format == "json":
            _print_json(error)
        raise
    if output_format == "json":
        click.echo(json.dumps({"findings": []}))
    else:
        click.echo(f"{job.spec_name}: valid Swagger 2.0")


@main.command()
@_generation_options
@click.option(
    "--force", is_flag=True, help="Generate into a package folder that has no manifest."
)
def generate(
    spec: str | None = None,
    output: str | None = None,
    package: str | None = None,
    templates: str | None = None,
    no_tests: bool = False,
    force: bool = False,
) -> None:
    """Generate the client package (written only when every stage succeeded)."""
    from generator.pipeline import generate as run

    job = _job(load_config(), spec, output, package, templates, no_tests)
    generated, report = run(job, force=force)
    where = _display(generated.package_dir)
    click.echo(
        f"{where}: {len(report.written)} written, {len(report.unchanged)} unchanged,"
        f" {len(report.removed)} removed"
    )


@main.command()
@_generation_options
@click.option("--diff", is_flag=True, help="Show a unified diff of what would change.")
@click.option(
    "--quiet", "-q", is_flag=True, help="Print nothing; the exit code says it all."
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    help="json prints machine-readable findings.",
)
def check(
    spec: str | None,
    output: str | None,
    package: str | None,
    templates: str | None,
    no_tests: bool,
    diff: bool,
    quiet: bool,
    output_format: str,
) -> None:
    """Exit 0 when the output on disk is what `generate` would write now, 1 when it is stale."""
    from generator.checker import check as run

    job = _job(load_config(), spec, output, package, templates, no_tests)
    try:
        stale = run(job)
    except SpecError as error:
        if output_format == "json" and not quiet:
            _print_json(error)
        raise
    if output_format == "json":
        if not quiet:
            findings = [{"file": _display(s.path), "message": s.reason} for s in stale]
            click.echo(json.dumps({"stale": findings}, indent=2))
    elif not quiet:
        for item in stale:
            click.echo(f"{_display(item.path)}: {item.reason}")
            if diff and item.diff:
                click.echo(item.diff, nl=False)
        if not stale:
            click.echo("generated code is current")
    if stale:
        raise SystemExit(EXIT_STALE)


def _print_json(error: SpecError) -> None:
    click.echo(
        json.dumps({"findings": [f.as_json() for f in error.findings]}, indent=2)
    )


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)
