"""Docstring text for the generated code, assembled from the spec's words (escaped later)."""

from __future__ import annotations

from generator.client_options import CLIENT_OPTIONS
from generator.model import (
    ANY,
    BYTES,
    Api,
    EnumClass,
    Field,
    Model,
    Operation,
    Parameter,
    Response,
    ScalarType,
)
from generator.render import spelling


def _section(title: str, entries: list[tuple[str, str]]) -> str:
    if not entries:
        return ""
    lines = [f"{title}:"] + [f"    {name}: {text}".rstrip() for name, text in entries]
    return "\n".join(lines)


def _join(*parts: str) -> str:
    return "\n\n".join(part for part in parts if part)


def models_module_doc(api: Api) -> str:
    return (
        f"The models of {api.title}: one dataclass per object schema.\n\n"
        "Optional fields default to UNSET, so that an absent key and a JSON null stay different;"
        " unknown keys are kept in `additional_properties`. `from_dict(data).to_dict()` gives"
        " back `data`."
    )


def client_module_doc(api: Api, client_class: str) -> str:
    return f"{client_class}: one method per operation of {api.title}."


def enum_doc(enum: EnumClass) -> str:
    return _join(
        enum.description or f"The values the spec lists for {enum.name}.",
        "A value the spec does not list is kept as a plain string.",
    )


def model_doc(model: Model) -> str:
    attributes = [
        (f.python_name, _field_text(f))
        for f in model.fields
        if f.description or f.read_only
    ]
    return _join(
        model.description or f"The {model.name} model.",
        _section("Attributes", attributes),
    )


def operation_doc(operation: Operation, api: Api) -> str:
    summary = operation.summary or operation.operation_id
    if operation.description == summary:
        description = ""
    else:
        description = operation.description
    arguments = [
        (p.python_name, _parameter_text(p)) for p in operation.exposed_parameters
    ]
    returns = "; ".join(
        f"{r.status}: {_one_line(r.description)}".rstrip(": ")
        for r in operation.success_responses
    )
    headers = list(
        dict.fromkeys(
            (name, _one_line(text))
            for response in operation.success_responses
            for name, text in response.headers
        )
    )
    raises = []
    names = {error.status: error.name for error in api.errors}
    for response in operation.error_responses:
        if response.status.isdigit():
            text = _one_line(response.description) + _error_body(response)
            raises.append((names[int(response.status)], text))
    default = next(
        (r for r in operation.error_responses if r.status == "default"), None
    )
    other = "any other error status" + (
        f": {_one_line(default.description)}{_error_body(default)}" if default else ""
    )
    raises.append(("ApiError", other))
    if any(_empty_raises(r) for r in operation.success_responses):
        raises.append(
            (
                "EmptySuccessError",
                "the call succeeded, but its body is empty or null",
            )
        )
    raises.append(
        ("UnexpectedResponseError", "a success whose body is not the documented one")
    )
    raises.append(("TransportError", "the request did not complete"))
    deprecated = _deprecation(operation)
    return _join(
        summary if summary.endswith((".", "!", "?")) else summary + ".",
        deprecated,
        description,
        _section("Args", arguments),
        f"Returns:\n    {returns}" if returns else "",
        _section("Response headers (read them through with_raw_response)", headers),
        _section("Raises", raises),
    )


def _error_body(response: Response) -> str:
    """What `error.body` holds for a response documented with a schema."""
    if response.type is None or response.type == ScalarType("bytes"):
        return ""
    return f" (error.body: {spelling.annotation(response.type).text})"


def _deprecation(operation: Operation) -> str:
    if not operation.deprecated:
        return ""
    return "Deprecated: the spec marks this operation as deprecated; calling it emits a DeprecationWarning."


def raw_operation_doc(operation: Operation, client_class: str) -> str:
    summary = (operation.summary or operation.operation_id).rstrip(".")
    return (
        f"{summary}, returning the raw response (status, headers, parse()).\n\n"
        f"See {client_class}.{operation.method_name}."
    )


def client_doc(api: Api, asynchronous: bool = False, xml: bool = False) -> str:
    kind = "Async client" if asynchronous else "Client"
    heading = f"{kind} for {api.title} {api.version}.".replace("..", ".")
    base_url = "The URL that operation paths are appended to"
    if api.host_url:
        base_url += f"; the spec's own is {api.host_url}"
    arguments = [("base_url", base_url + ".")]
    for parameter in api.client_parameters:  # x-ms-parameter-location: client
        used = f"The {parameter.location} parameter {parameter.wire_name!r} of every operation."
        arguments.append(
            (
                parameter.python_name,
                " ".join(filter(None, [used, _one_line(parameter.description)])),
            )
        )
    for scheme in api.security_schemes:
        text = _CREDENTIAL_TEXT[scheme.kind].format(
            location=scheme.location, name=scheme.parameter
        )
        arguments.append(
            (
                scheme.keyword,
                " ".join(filter(None, [text, _one_line(scheme.description)])),
            )
        )
    spelled = {
        "http_client": "httpx.AsyncClient" if asynchronous else "httpx.Client",
        "close": "aclose" if asynchronous else "close",
    }
    arguments += [
        (option.name, option.doc.format(**spelled))
        for option in CLIENT_OPTIONS
        if option.doc is not None and option.default is not None and option.takes(xml)
    ]
    return _join(
        heading,
        api.description,
        _NO_SCHEME * (not api.security_schemes),
        _section("Args", arguments),
    )


_NO_SCHEME = (
    "The spec defines no security scheme, so the client sends no credentials of its own;"
    " a service that needs them gets them from an http_client= with its own auth or headers."
)


_CREDENTIAL_TEXT = {
    "basic": "(user name, password) for HTTP basic authentication, or any httpx.Auth.",
    "apiKey": "The API key, sent as the {location} {name!r}.",
    "oauth2": "An OAuth 2.0 access token, or a callable returning a fresh one for every request;"
    " sent as a Bearer token.",
}


def _parameter_text(parameter: Parameter) -> str:
    text = _one_line(parameter.description)
    if parameter.has_default and not parameter.required:
        text = f"{text} (the server's default: {parameter.default!r})".lstrip()
    return text


def _field_text(field: Field) -> str:
    text = _one_line(field.description)
    return (
        f"{text} (read-only: set by the service)".lstrip() if field.read_only else text
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def iterator_doc(operation: Operation, client_class: str) -> str:
    assert operation.pager is not None
    items = operation.pager.items.python_name
    link = operation.pager.next_link
    summary = (operation.summary or operation.operation_id).rstrip(".")
    walk = (
        f"Yields the `{items}` of every page, fetching the next page (from `{link.python_name}`,"
        " on the same origin as the base URL) only once the items before it are consumed."
        if link
        else f"Yields the `{items}` of its single page."
    )
    arguments = [
        (p.python_name, _parameter_text(p)) for p in operation.exposed_parameters
    ]
    return _join(
        f"{summary}: every item, across pages.",
        _deprecation(operation),
        walk,
        _section("Args", arguments),
        f"Raises:\n    The errors of {client_class}.{operation.method_name}, for any page.",
    )


def _empty_raises(response: Response) -> bool:
    """Whether an empty or null success body raises EmptySuccessError: a typed body the
    schema does not let be null (a file is any bytes, untyped JSON may be null)."""
    kind = response.type
    return kind is not None and not response.nullable and kind not in (ANY, BYTES)
