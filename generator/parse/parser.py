"""Stage 3, parse: a validated Swagger 2.0 document into the typed intermediate model.

Every decision about the output is taken here, in three passes over the spec (read through
`document.py`): names (`names.py`: every class and method name), schemas (`schemas.py`: types,
models and enums) and operations (`operations.py`: methods, parameters, responses, security).
"""

from __future__ import annotations

from generator.errors import GeneratorError
from generator.findings import Finding
from generator.model import Api
from generator.parse.identifiers import default_package_name
from generator.parse.pass_names import assign_names
from generator.parse.pass_operations import Operations
from generator.parse.pass_schemas import Schemas
from generator.source import document
from generator.source.loader import SourceFile
from generator.source.swagger import SwaggerReader


def check_package_name(name: str) -> str:
    import keyword

    if not name.isidentifier() or not name.isascii() or keyword.iskeyword(name):
        raise GeneratorError(f"--package {name!r} is not a valid Python package name")
    return name


def parse(source: SourceFile, package: str | None = None) -> Api:
    reader = SwaggerReader(source.data)
    warnings: list[Finding] = (
        []
    )  # in the order they are found, whichever pass finds them
    names = assign_names(source.data, reader)
    schemas = Schemas(source, reader, names, warnings)
    operations = Operations(source, reader, names, schemas, warnings)
    schemas.resolve_all()
    with document.located("/paths"):
        built = operations.build()
    info = reader.info
    return Api(
        title=info.title,
        version=info.version,
        description=info.description,
        package=(
            check_package_name(package) if package else default_package_name(info.title)
        ),
        client_class=names.client_class,
        raw_client_class=names.raw_client_class,
        host_url=operations.host_url(),
        security_schemes=operations.security_schemes,
        operations=built,
        models=schemas.ordered_models(),
        enums=schemas.ordered_enums(),
        errors=names.errors,
        warnings=tuple(warnings),
        client_parameters=operations.client_parameters,
    )
