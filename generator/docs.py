"""Docstring text for the generated code, assembled from the spec's words (escaped later)."""

from __future__ import annotations

from generator.model import Api, EnumClass, Model, Operation, Parameter


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


def client_module_doc(api: Api) -> str:
    return f"{api.client_class}: one method per operation of {api.title}."


def enum_doc(enum: EnumClass) -> str:
    return _join(
        enum.description or f"The values the spec lists for {enum.name}.",
        "A value the spec does not list is kept as a plain string.",
    )


def model_doc(model: Model) -> str:
    attributes = [
        (f.python_name, _one_line(f.description)) for f in model.fields if f.description
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
    arguments = [(p.python_name, _parameter_text(p)) for p in operation.parameters]
    returns = "; ".join(
        f"{r.status}: {_one_line(r.description)}".rstrip(": ")
        for r in operation.success_responses
    )
    raises = []
    names = {error.status: error.name for error in api.errors}
    for response in operation.error_responses:
        if response.status.isdigit():
            raises.append(
                (names[int(response.status)], _one_line(response.description))
            )
    default = next(
        (r for r in operation.error_responses if r.status == "default"), None
    )
    other = "any other error status" + (
        f": {_one_line(default.description)}" if default else ""
    )
    raises.append(("ApiError", other))
    raises.append(
        ("UnexpectedResponseError", "a success whose body is not the documented one")
    )
    raises.append(("TransportError", "the request did not complete"))
    deprecated = (
        "Deprecated: the spec marks this operation as deprecated."
        if operation.deprecated
        else ""
    )
    return _join(
        summary if summary.endswith((".", "!", "?")) else summary + ".",
        deprecated,
        description,
        _section("Args", arguments),
        f"Returns:\n    {returns}" if returns else "",
        _section("Raises", raises),
    )


def raw_operation_doc(operation: Operation, api: Api) -> str:
    summary = (operation.summary or operation.operation_id).rstrip(".")
    return (
        f"{summary}, returning the raw response (status, headers, parse()).\n\n"
        f"See {api.client_class}.{operation.method_name}."
    )


def client_doc(api: Api) -> str:
    heading = f"Client for {api.title} {api.version}.".replace("..", ".")
    base_url = "The URL that operation paths are appended to"
    if api.host_url:
        base_url += f"; the spec's own is {api.host_url}"
    arguments = [("base_url", base_url + ".")]
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
    arguments += [
        ("timeout", "Seconds to wait for the server, for every request."),
        (
            "http_client",
            "An httpx.Client of your own (proxies, TLS, limits); not closed by close().",
        ),
    ]
    return _join(heading, api.description, _section("Args", arguments))


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


def _one_line(text: str) -> str:
    return " ".join(text.split())
