"""The command line: `connector-codegen validate | generate | check` (no command: generate)."""

from __future__ import annotations

import json
import os
import shlex
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from generator import __version__, errors
from generator.config import ClientConfig, Config, load_config
from generator.errors import Concluded, GeneratorError, SpecError
from generator.findings import Finding
from generator.pipeline import Job, spec_name
from generator.write.disk import lock_output

if TYPE_CHECKING:
    from generator.api_record.record import Change

F = TypeVar("F", bound=Callable[..., Any])


def _jobs(
    spec: str | None,
    output: str | None,
    package: str | None,
    templates: str | None,
    no_tests: bool,
    client: str | None,
    lenient: bool = False,
    no_async: bool = False,
) -> list[Job]:
    """One job per configured client (or the named one); a SPEC argument makes a single job."""
    config = load_config()
    clients = [config.defaults] if spec else config.selected(client)
    return [
        _job(
            config, entry, spec, output, package, templates, no_tests, lenient, no_async
        )
        for entry in clients
    ]


def _job(
    config: Config,
    client: ClientConfig,
    spec: str | None,
    output: str | None,
    package: str | None,
    templates: str | None,
    no_tests: bool,
    lenient: bool,
    no_async: bool,
) -> Job:
    spec_path = Path(spec).resolve() if spec else client.path("spec")
    if spec_path is None:
        raise GeneratorError(
            "no spec given: pass SPEC or set spec in [tool.connector-codegen]"
        )
    output_path = (
        Path(output).resolve() if output else client.path("output") or Path.cwd()
    )
    templates_path = (
        Path(templates).resolve() if templates else client.path("templates")
    )
    return Job(
        spec=spec_path,
        spec_name=spec_name(spec_path, config.base),
        output=output_path,
        package=package or client.values.get("package"),
        templates=templates_path,
        with_tests=not no_tests and client.values.get("tests", True),
        lenient=lenient or client.values.get("lenient", False),
        with_async=not no_async and client.values.get("async", True),
    )


def _generation_options(function: F) -> F:
    options = [
        click.argument("spec", required=False, type=click.Path(dir_okay=True)),
        click.option(
            "--output",
            "-o",
            type=click.Path(file_okay=False),
            help="Folder that holds the package folder (config: output; default: the"
            " current folder).",
        ),
        click.option(
            "--package",
            help="Name of the generated package (config: package; default: snake_case of"
            " info.title plus _connector).",
        ),
        click.option(
            "--templates",
            type=click.Path(file_okay=False),
            help="Folder of templates overriding the built-in ones by file name (config:"
            " templates; default: none).",
        ),
        click.option(
            "--no-tests",
            is_flag=True,
            help="Leave the generated test suite out (config: tests = false).",
        ),
        click.option(
            "--no-async",
            is_flag=True,
            help="Leave the async client out (config: async = false).",
        ),
        _CLIENT,
        _LENIENT,
    ]
    for option in reversed(options):
        function = option(function)
    return function


_CLIENT = click.option(
    "--client", help="Only the configured client of this name (default: every one)."
)
_LENIENT = click.option(
    "--lenient",
    is_flag=True,
    help="Generate despite validation errors, printed as warnings, when the document can"
    " still be understood (config: lenient).",
)
_FORMAT = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json prints machine-readable findings (file, line, column, pointer, message).",
)


class _Reported(click.ClickException):
    """A GeneratorError as click reports it: its lines on stderr, its exit code."""

    def __init__(self, error: GeneratorError) -> None:
        super().__init__(error.message)
        self.error = error
        self.exit_code = error.exit_code  # type: ignore[misc]  # click's, per exception

    def show(self, file: IO[Any] | None = None) -> None:
        for line in self.error.report():
            click.echo(line, err=True, file=file)


class _Commands(click.Group):
    """The command group: every GeneratorError raised below it is reported, never a
    traceback, and ends the process with the error's own exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GeneratorError as error:
            raise _Reported(error) from None


@click.group(
    cls=_Commands,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="connector-codegen")
@click.pass_context
def main(context: click.Context) -> None:
    """Generate a typed, tested Python client from a Swagger 2.0 API description.

    With no command, runs `generate` with the settings of [tool.connector-codegen] in the
    nearest pyproject.toml. `COMMAND -h` lists a command's options, defaults and exit codes.
    """
    if context.invoked_subcommand is None:
        context.invoke(generate)


@main.command(
    short_help="Say whether a spec can be generated from, with every problem."
)
@click.argument("spec", required=False, type=click.Path(dir_okay=True))
@_CLIENT
@_LENIENT
@_FORMAT
def validate(
    spec: str | None, client: str | None, lenient: bool, output_format: str
) -> None:
    """Check a spec by the whole generation but the write: it accepts exactly what `generate`
    generates. SPEC defaults to the configured specs. With --lenient, problems that generation
    can get past are warnings.

    \b
    Exit codes:
      0  the spec can be generated from
      2  it cannot: every problem, located (file:line:column, JSON pointer)"""
    from generator.pipeline import build

    findings: list[Finding] = []
    warnings: dict[str, tuple[Finding, ...]] = {}  # by spec
    lenient_would_pass = True  # every spec's problems are warnings under --lenient
    for job in _jobs(spec, None, None, None, False, client, lenient):
        try:  # the whole generation but the write: validate accepts what generate does
            warnings[job.spec_name] = build(job).warnings
        except SpecError as error:
            findings += error.findings
            lenient_would_pass = lenient_would_pass and error.lenient_would_pass
    if output_format == "json":
        _print_findings(findings or [w for found in warnings.values() for w in found])
    if findings:
        raise SpecError(findings, lenient_would_pass=lenient_would_pass)
    if output_format == "text":
        for name, found in warnings.items():
            _print_warnings(found)
            # strict: the spec passed validation, whatever the parser warns about
            tolerated = any(warning.tolerated for warning in found)
            verdict = "usable with --lenient" if tolerated else "valid Swagger 2.0"
            click.echo(f"{name}: {verdict}")


@main.command(short_help="Write the client package, repairing whatever check reports.")
@_generation_options
@click.option(
    "--force",
    is_flag=True,
    help="Generate into a package folder that has no manifest, or an untrusted one.",
)
def generate(
    spec: str | None = None,
    output: str | None = None,
    package: str | None = None,
    templates: str | None = None,
    no_tests: bool = False,
    no_async: bool = False,
    client: str | None = None,
    lenient: bool = False,
    force: bool = False,
) -> None:
    """Generate the client package, written only when every stage succeeded: every file that
    differs from what it generates is replaced (a hand edit or a deletion included, each named),
    files it did not write are never touched. SPEC defaults to the configured specs.

    \b
    Exit codes:
      0  the package is what the spec gives
      2  invalid input or usage, or a refusal; nothing was written"""
    for job in _jobs(
        spec, output, package, templates, no_tests, client, lenient, no_async
    ):
        _generate_one(job, force)  # the write takes the output folder's lock


def _generate_one(job: Job, force: bool) -> None:
    from generator import memo
    from generator.pipeline import generate as run

    known = memo.current(job)
    if known is not None:  # what a full run would print, and write nothing
        _print_warnings(known.warnings)
        click.echo(
            f"{_display(known.package_dir)}: 0 written,"
            f" {known.file_count} unchanged, 0 removed"
        )
        return
    generated, report = run(job, force=force)
    memo.remember(job, generated.package_dir, generated.warnings)
    _print_warnings(generated.warnings)
    shown = _display(generated.package_dir)
    for path, damage in report.restored:
        click.echo(f"{shown}: restored {path}: {damage}")
    for path in report.kept:
        click.echo(
            f"{shown}: kept {path}: no longer generated, but edited by hand since;"
            " delete it if you do not need it"
        )
    click.echo(
        f"{_display(generated.package_dir)}: {len(report.written)} written,"
        f" {len(report.unchanged)} unchanged, {len(report.removed)} removed"
    )


@main.command(
    short_help="Say whether the output on disk is what generate would write now."
)
@_generation_options
@click.option("--diff", is_flag=True, help="Show a unified diff of what would change.")
@click.option(
    "--quiet", "-q", is_flag=True, help="Print nothing; the exit code says it all."
)
@_FORMAT
def check(
    spec: str | None,
    output: str | None,
    package: str | None,
    templates: str | None,
    no_tests: bool,
    no_async: bool,
    client: str | None,
    lenient: bool,
    diff: bool,
    quiet: bool,
    output_format: str,
) -> None:
    """Compare the output on disk with what `generate` would write now, writing nothing: each
    stale file and why, then the `generate` command that makes it current. SPEC defaults to
    the configured specs; pass the options the output was generated with.

    \b
    Exit codes:
      0  the output is current
      1  it is stale
      2  invalid input or usage"""
    from generator import memo
    from generator.check import check as run

    stale = []
    try:
        for job in _jobs(
            spec, output, package, templates, no_tests, client, lenient, no_async
        ):
            with lock_output(job.output, wait=False, what="check"):
                if memo.current(job) is None:
                    stale += run(job)
    except GeneratorError as error:
        if quiet:
            raise Concluded(error.exit_code) from None
        if output_format == "json":
            _print_findings(error.findings or [Finding(error.message)])
        raise
    if quiet:
        if stale:
            raise errors.stale()
        return
    if output_format == "json":
        _print_findings([Finding(item.reason, _display(item.path)) for item in stale])
    else:
        color = use_color(sys.stdout.isatty(), os.environ)
        for item in stale:
            click.echo(f"{_display(item.path)}: {item.reason}")
            if diff and item.diff:
                click.echo(
                    colorize_diff(item.diff) if color else item.diff,
                    nl=False,
                    color=color,
                )
        if stale:
            forced = any(item.needs_force for item in stale)
            command = _repair_command(click.get_current_context().params, forced)
            click.echo(f"run `{command}` to make it current")
        else:
            click.echo("generated code is current")
    if stale:
        raise errors.stale()


def _repair_command(params: Mapping[str, Any], forced: bool) -> str:
    """The `generate` that makes current what `check`, called with `params`, found stale:
    the same spec and generation options."""
    words = ["connector-codegen", "generate"]
    if params.get("spec"):
        words.append(params["spec"])
    for option in ("output", "package", "templates", "client"):
        if params.get(option):
            words += [f"--{option}", params[option]]
    for flag in ("no_tests", "no_async", "lenient"):
        if params.get(flag):
            words.append("--" + flag.replace("_", "-"))
    return shlex.join([*words, "--force"] if forced else words)


@main.command(short_help="List the public API changes the spec gives, breaking or not.")
@_generation_options
@click.option(
    "--against",
    metavar="PATH|GIT-REV",
    help="The baseline: a package folder, a folder holding it, or a git revision"
    " (default: the package on disk).",
)
@click.option(
    "--fail-on",
    type=click.Choice(["breaking", "never"]),
    default="never",
    show_default=True,
    help="breaking: exit 3 when a change breaks callers.",
)
@_FORMAT
def changes(
    spec: str | None,
    output: str | None,
    package: str | None,
    templates: str | None,
    no_tests: bool,
    no_async: bool,
    client: str | None,
    lenient: bool,
    against: str | None,
    fail_on: str,
    output_format: str,
) -> None:
    """List the changes to the package's public API that the spec now gives, each breaking
    or compatible, against the API recorded with the package (or --against a baseline).
    SPEC defaults to the configured specs; with several, each line names its package.

    \b
    Exit codes:
      0  compared (whatever changed, unless --fail-on breaking)
      2  invalid input or usage, or a baseline that cannot be read
      3  --fail-on breaking, and a change breaks callers"""
    from generator.api_record import baseline
    from generator.api_record.record import compare, record
    from generator.pipeline import understand

    jobs = _jobs(spec, output, package, templates, no_tests, client, lenient, no_async)
    reports = []
    for job in jobs:
        api = understand(job).api  # an invalid spec stops here, exit 2, on every path
        package_dir = job.output / api.package
        old = baseline.load(package_dir, against)
        if old is None:
            click.echo(
                f"{_display(package_dir)}: no API record to compare with (generated by"
                " an earlier version); the next `generate` records it"
            )
            continue
        found = compare(old, record(api, job.with_async))
        reports.append((_display(package_dir), baseline.describe(against), found))
    if not reports:
        return
    if output_format == "json":
        click.echo(json.dumps(_changes_json(reports), indent=2))
    else:
        several = len(jobs) > 1  # each line names its package and its baseline
        for shown, compared_with, found in reports:
            prefix = f"{shown} (against {compared_with}): " if several else ""
            for change in found:
                click.echo(f"{prefix}{change.kind}: {change.message}")
            click.echo(prefix + _changes_summary(found))
    if fail_on == "breaking" and any(
        change.kind == "breaking" for _, _, found in reports for change in found
    ):
        raise errors.breaking()


def _changes_summary(found: list[Change]) -> str:
    if not found:
        return "no change to the public API"
    breaking = sum(change.kind == "breaking" for change in found)
    return (
        f"{len(found)} change{'s' * (len(found) != 1)}: {breaking} breaking,"
        f" {len(found) - breaking} compatible"
    )


def _changes_json(reports: list[tuple[str, str, list[Change]]]) -> dict[str, Any]:
    return {
        "changes": [
            {**change.as_json(), "package": shown, "against": compared_with}
            for shown, compared_with, found in reports
            for change in found
        ]
    }


def use_color(is_tty: bool, environment: Mapping[str, str]) -> bool:
    """Colour on a terminal unless NO_COLOR is set (https://no-color.org)."""
    return is_tty and not environment.get("NO_COLOR")


def colorize_diff(diff: str) -> str:
    styles = (
        ("+++", "bright_white"),
        ("---", "bright_white"),
        ("@@", "cyan"),
        ("+", "green"),
    )
    lines = []
    for line in diff.splitlines(keepends=True):
        colour = next((c for prefix, c in styles if line.startswith(prefix)), None)
        if colour is None and line.startswith("-"):
            colour = "red"
        lines.append(click.style(line, fg=colour) if colour else line)
    return "".join(lines)


def _print_warnings(warnings: Iterable[Finding]) -> None:
    """Each warning, a problem --lenient got past marked `tolerated` (it blocks strict
    generation), then what --lenient tolerated and left out, counted."""
    warnings = list(warnings)
    for warning in warnings:
        label = "tolerated" if warning.tolerated else "warning"
        click.echo(f"{label}: {warning}", err=True)
    blocking = sum(warning.tolerated for warning in warnings)
    parts = len({warning.left_out for warning in warnings if warning.left_out})
    if blocking or parts:
        click.echo(
            f"--lenient: {_count(blocking, 'problem')} blocking strict generation"
            f" (marked 'tolerated'), {_count(parts, 'part')} of the API left out;"
            " fix the problems to generate without --lenient",
            err=True,
        )


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _print_findings(findings: list[Finding]) -> None:
    click.echo(json.dumps({"findings": [f.as_json() for f in findings]}, indent=2))


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)
