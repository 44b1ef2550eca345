"""The public API of a generated package, recorded beside it, and the changes between two.

`record(api)` is what callers of the package can see: the client class and its credential
keywords, each method's parameters (Python name, type, place, position), return type, pager
and error statuses, each model's fields and each enum's members. It is written into the
package as `API_RECORD` (JSON, deterministic), so a vendored copy carries it. `read_record`
reads one back as untrusted input: a record that is not what this module writes is a clear
error naming the file and the JSON pointer of the wrong value. `compare(old, new)` lists every
change as breaking (callers written against `old` may fail) or compatible.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import GeneratorError
from generator.findings import Finding
from generator.model import (
    Api,
    DictType,
    ListType,
    ModelType,
    Operation,
    Parameter,
    TypeRef,
)
from generator.render import spelling

API_RECORD = ".connector-codegen-api.json"
FORMAT = 1

BREAKING = "breaking"
COMPATIBLE = "compatible"


def record(api: Api, with_async: bool = True) -> dict[str, Any]:
    """The package's public API as JSON data. The async client's operations are the sync
    client's, name for name and signature for signature (both are printed from the same
    views), so the record names the class and lists the operations once."""
    requests = _reachable(
        api,
        [
            p.type
            for op in api.operations
            for p in op.parameters
            if p.location == "body"
        ],
    )
    responses = _reachable(
        api,
        [r.type for op in api.operations for r in op.responses if r.type is not None],
    )
    errors = {error.status: error.name for error in api.errors}
    return {
        "format": FORMAT,
        "package": api.package,
        "client": api.client_class,
        "async_client": api.async_client_class if with_async else None,
        "credentials": [
            {"keyword": scheme.keyword, "kind": str(scheme.kind), "required": False}
            for scheme in api.security_schemes
        ],
        "client_parameters": [
            {
                "keyword": p.python_name,
                "wire_name": p.wire_name,
                "in": str(p.location),
                "type": spelling.annotation(p.type).text,
                "required": p.required,
            }
            for p in api.client_parameters
        ],
        "operations": [
            {
                "name": op.method_name,
                "operation_id": op.operation_id,
                "method": op.http_method,
                "path": op.path,
                "parameters": [
                    {
                        "name": p.python_name,
                        "wire_name": p.wire_name,
                        "in": str(p.location),
                        "type": spelling.annotation(p.type).text,
                        "required": p.required,
                        "position": position,
                    }
                    for position, p in _exposed(op)
                ],
                "returns": spelling.return_annotation(op.results).text,
                "pager": op.pager.method_name if op.pager else None,
                "errors": {
                    r.status: errors[int(r.status)]
                    for r in op.error_responses
                    if r.status.isdigit()
                },
                "deprecated": op.deprecated,
            }
            for op in api.operations
        ],
        "models": [
            {
                "name": model.name,
                "request": model.name in requests,
                "response": model.name in responses,
                "fields": [
                    {
                        "name": f.python_name,
                        "wire_name": f.wire_name,
                        "type": spelling.annotation(f.type).text,
                        "required": f.required,
                    }
                    for f in model.fields
                ],
            }
            for model in api.models
        ],
        "enums": [
            {"name": enum.name, "members": [value for _, value in enum.members]}
            for enum in api.enums
        ],
        "errors": [{"status": e.status, "class": e.name} for e in api.errors],
    }


def _exposed(op: Operation) -> list[tuple[int | None, Parameter]]:
    """The method's parameters with their positions (None: keyword-only)."""
    positional: list[tuple[int | None, Parameter]] = list(
        enumerate(op.positional_parameters)
    )
    return positional + [(None, p) for p in op.keyword_parameters]


def _reachable(api: Api, roots: list[TypeRef]) -> set[str]:
    """The models these types hold, directly or nested."""
    models = {model.name: model for model in api.models}
    found: set[str] = set()
    pending = list(roots)
    while pending:
        name = _model_name(pending.pop())
        if name and name not in found and name in models:
            found.add(name)
            pending += [field.type for field in models[name].fields]
    return found


def _model_name(kind: TypeRef) -> str | None:
    if isinstance(kind, ListType):
        return _model_name(kind.item)
    if isinstance(kind, DictType):
        return _model_name(kind.value)
    return kind.name if isinstance(kind, ModelType) else None


def record_text(recorded: dict[str, Any]) -> str:
    return json.dumps(recorded, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


# -- reading a record back (untrusted) ---------------------------------------------------------


# The shape of a record: a key's expected type, or a nested shape ({} of keys, [x] a list of x).
_PARAMETER = {
    "name": str,
    "wire_name": str,
    "in": str,
    "type": str,
    "required": bool,
    "position": (int, type(None)),
}
_FIELD = {"name": str, "wire_name": str, "type": str, "required": bool}
_SHAPE: dict[str, Any] = {
    "format": int,
    "package": str,
    "client": str,
    "async_client": (str, type(None)),
    "credentials": [{"keyword": str, "kind": str, "required": bool}],
    "client_parameters": [
        {"keyword": str, "wire_name": str, "in": str, "type": str, "required": bool}
    ],
    "operations": [
        {
            "name": str,
            "operation_id": str,
            "method": str,
            "path": str,
            "parameters": [_PARAMETER],
            "returns": str,
            "pager": (str, type(None)),
            "errors": {str: str},
            "deprecated": bool,
        }
    ],
    "models": [{"name": str, "request": bool, "response": bool, "fields": [_FIELD]}],
    "enums": [{"name": str, "members": [str]}],
    "errors": [{"status": int, "class": str}],
}


class RecordError(GeneratorError):
    pass


def read_record(text: str, where: str) -> dict[str, Any]:
    """A record from its text; RecordError naming `where` and the pointer when it is not one
    this version writes."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise _wrong(where, "", f"is not JSON ({error})") from None
    if isinstance(data, dict):  # recorded before the async client and client parameters
        data.setdefault("async_client", None)
        data.setdefault("client_parameters", [])
    _check(data, _SHAPE, where, "")
    checked: dict[str, Any] = data
    if checked["format"] != FORMAT:
        raise _wrong(where, "/format", f"is format {checked['format']}, not {FORMAT}")
    return checked


def _check(value: Any, shape: Any, where: str, pointer: str) -> None:
    if isinstance(shape, list):
        if not isinstance(value, list):
            raise _wrong(where, pointer, "is not a list")
        for index, item in enumerate(value):
            _check(item, shape[0], where, f"{pointer}/{index}")
    elif isinstance(shape, dict) and list(shape) == [str]:
        if not isinstance(value, dict):
            raise _wrong(where, pointer, "is not an object")
        for key, item in value.items():
            _check(item, shape[str], where, f"{pointer}/{_escape(key)}")
    elif isinstance(shape, dict):
        if not isinstance(value, dict):
            raise _wrong(where, pointer, "is not an object")
        for key, item_shape in shape.items():
            if key not in value:
                raise _wrong(where, f"{pointer}/{key}", "is missing")
            _check(value[key], item_shape, where, f"{pointer}/{key}")
    elif isinstance(value, bool) and shape is not bool and bool not in _tuple(shape):
        raise _wrong(where, pointer, f"is {value!r}, not {_names(shape)}")
    elif not isinstance(value, shape):
        raise _wrong(where, pointer, f"is {type(value).__name__}, not {_names(shape)}")


def _tuple(shape: Any) -> tuple[Any, ...]:
    return shape if isinstance(shape, tuple) else (shape,)


def _names(shape: Any) -> str:
    return " or ".join("null" if t is type(None) else t.__name__ for t in _tuple(shape))


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _wrong(where: str, pointer: str, problem: str) -> RecordError:
    message = (
        f"{pointer or 'the record'} {problem}: not an API record this version reads"
    )
    return RecordError(message, [Finding(message, where, pointer=pointer or None)])


def load_record(path: Path) -> dict[str, Any] | None:
    """The record of a package folder, or None when it has none."""
    file = path / API_RECORD
    try:
        text = file.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise RecordError(f"{file}: cannot be read ({error})") from None
    return read_record(text, str(file))


# -- comparing two records -------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    kind: str  # BREAKING or COMPATIBLE
    what: str  # operation, parameter, model, field, enum, error, credential, ...
    message: str

    def as_json(self) -> dict[str, str]:
        return {"kind": self.kind, "what": self.what, "message": self.message}


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every change from `old` to `new`, breaking ones first, each group in record order."""
    changes = [
        *_renamed(old, new, "package", "the package"),
        *_renamed(old, new, "client", "the client class"),
        *_async_client(old["async_client"], new["async_client"]),
        *_keywords(old["credentials"], new["credentials"], "credential"),
        *_keywords(
            old["client_parameters"], new["client_parameters"], "client parameter"
        ),
        *_operations(old["operations"], new["operations"]),
        *_models(old["models"], new["models"]),
        *_enums(old["enums"], new["enums"]),
        *_errors(old["errors"], new["errors"]),
    ]
    return sorted(changes, key=lambda change: change.kind != BREAKING)


def _renamed(
    old: dict[str, Any], new: dict[str, Any], key: str, label: str
) -> list[Change]:
    if old[key] == new[key]:
        return []
    return [Change(BREAKING, key, f"{label} {old[key]} was renamed {new[key]}")]


def _async_client(old: str | None, new: str | None) -> list[Change]:
    if old == new:
        return []
    if new is None:
        return [Change(BREAKING, "client", f"the async client {old} was removed")]
    if old is None:
        return [Change(COMPATIBLE, "client", f"a new async client {new}")]
    return [Change(BREAKING, "client", f"the async client {old} was renamed {new}")]


def _by_name(
    items: list[dict[str, Any]], key: str = "name"
) -> dict[str, dict[str, Any]]:
    return {item[key]: item for item in items}


def _keywords(
    old: list[dict[str, Any]], new: list[dict[str, Any]], what: str
) -> list[Change]:
    """Changes of the constructor's credential or client-parameter keywords: one removed,
    made required or added as required breaks every caller that constructs the client.
    """
    before, after = _by_name(old, "keyword"), _by_name(new, "keyword")
    changes = []
    for keyword, entry in before.items():
        if keyword not in after:
            message = f"the {what} keyword {keyword}= was removed or renamed"
            changes.append(Change(BREAKING, what, message))
        elif after[keyword]["required"] and not entry["required"]:
            message = f"the {what} keyword {keyword}= became required"
            changes.append(Change(BREAKING, what, message))
    for keyword, entry in after.items():
        if keyword in before:
            continue
        if entry["required"]:
            message = f"a new required {what} keyword {keyword}="
            changes.append(Change(BREAKING, what, message))
        else:
            message = f"a new {what} keyword {keyword}="
            changes.append(Change(COMPATIBLE, what, message))
    return changes


def _operations(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[Change]:
    before, after = _by_name(old), _by_name(new)
    place = {(op["method"], op["path"]): name for name, op in after.items()}
    renamed: dict[str, str] = {}
    changes = []
    for name, op in before.items():
        if name in after:
            changes += _operation(name, op, after[name])
            continue
        successor = place.get((op["method"], op["path"]))
        if successor is not None and successor not in before:
            renamed[successor] = name
            changes.append(
                Change(
                    BREAKING,
                    "operation",
                    f"{name}() was renamed {successor}() (operationId {op['operation_id']}"
                    f" -> {after[successor]['operation_id']}, {op['method']} {op['path']})",
                )
            )
            changes += _operation(successor, op, after[successor])
        else:
            changes.append(
                Change(
                    BREAKING,
                    "operation",
                    f"{name}() was removed ({op['method']} {op['path']})",
                )
            )
    changes += [
        Change(
            COMPATIBLE,
            "operation",
            f"a new operation {name}() ({op['method']} {op['path']})",
        )
        for name, op in after.items()
        if name not in before and name not in renamed
    ]
    return changes


def _operation(name: str, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    changes = _parameters(name, old["parameters"], new["parameters"])
    if old["returns"] != new["returns"]:
        changes.append(
            Change(
                BREAKING,
                "operation",
                f"{name}() returns {new['returns']}, not {old['returns']}",
            )
        )
    if old["pager"] and old["pager"] != new["pager"]:
        changes.append(Change(BREAKING, "pager", f"{old['pager']}() was removed"))
    if new["pager"] and old["pager"] != new["pager"]:
        changes.append(Change(COMPATIBLE, "pager", f"a new iterator {new['pager']}()"))
    for status, error in new["errors"].items():
        if status not in old["errors"]:
            changes.append(
                Change(
                    COMPATIBLE,
                    "error",
                    f"{name}() documents the status {status} ({error})",
                )
            )
    return changes


def _parameters(
    method: str, old: list[dict[str, Any]], new: list[dict[str, Any]]
) -> list[Change]:
    before, after = _by_name(old), _by_name(new)
    # a parameter gone whose wire name and place a new one has: renamed
    successors = {
        (p["in"], p["wire_name"]): name
        for name, p in after.items()
        if name not in before
    }
    renamed = {
        name: successors[(p["in"], p["wire_name"])]
        for name, p in before.items()
        if name not in after and (p["in"], p["wire_name"]) in successors
    }
    changes = []
    for name, parameter in before.items():
        label = f"{method}(): the parameter {name}"
        if name in renamed:
            changes.append(
                Change(BREAKING, "parameter", f"{label} was renamed {renamed[name]}")
            )
        if name not in after:
            if name not in renamed:
                changes.append(Change(BREAKING, "parameter", f"{label} was removed"))
            continue
        current = after[name]
        if current["type"] != parameter["type"]:
            changes.append(
                Change(
                    BREAKING,
                    "parameter",
                    f"{label} is {current['type']}, not {parameter['type']}",
                )
            )
        if current["required"] and not parameter["required"]:
            changes.append(Change(BREAKING, "parameter", f"{label} became required"))
        elif current["position"] != parameter["position"]:
            where = (
                "keyword-only"
                if current["position"] is None
                else f"position {current['position']}"
            )
            changes.append(Change(BREAKING, "parameter", f"{label} moved to {where}"))
    for name, parameter in after.items():
        if name in before or name in renamed.values():
            continue
        if parameter["required"]:
            changes.append(
                Change(
                    BREAKING,
                    "parameter",
                    f"{method}(): a new required parameter {name}",
                )
            )
        else:
            changes.append(
                Change(
                    COMPATIBLE,
                    "parameter",
                    f"{method}(): a new optional parameter {name}",
                )
            )
    return changes


def _models(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[Change]:
    before, after = _by_name(old), _by_name(new)
    changes = []
    for name, model in before.items():
        if name not in after:
            changes.append(Change(BREAKING, "model", f"the model {name} was removed"))
            continue
        changes += _fields(name, model, after[name])
    changes += [
        Change(COMPATIBLE, "model", f"a new model {name}")
        for name in after
        if name not in before
    ]
    return changes


def _fields(model: str, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """A field that code building a request model must now set, or that code reading a
    response model may now meet absent, is breaking; so is every removal or type change.
    """
    before, after = _by_name(old["fields"]), _by_name(new["fields"])
    built = old["request"] or new["request"]
    read = old["response"] or new["response"]
    changes = []
    for name, field in before.items():
        label = f"the field {model}.{name}"
        current = after.get(name)
        if current is None:
            changes.append(Change(BREAKING, "field", f"{label} was removed"))
            continue
        if current["type"] != field["type"]:
            changes.append(
                Change(
                    BREAKING,
                    "field",
                    f"{label} is {current['type']}, not {field['type']}",
                )
            )
        if current["required"] != field["required"]:
            breaks = built if current["required"] else read
            became = "required" if current["required"] else "optional"
            kind = BREAKING if breaks else COMPATIBLE
            changes.append(Change(kind, "field", f"{label} became {became}"))
    for name, field in after.items():
        if name not in before:
            required = "required " if field["required"] else ""
            kind = BREAKING if field["required"] and built else COMPATIBLE
            changes.append(
                Change(kind, "field", f"a new {required}field {model}.{name}")
            )
    return changes


def _enums(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[Change]:
    before, after = _by_name(old), _by_name(new)
    changes = []
    for name, enum in before.items():
        if name not in after:
            changes.append(Change(BREAKING, "enum", f"the enum {name} was removed"))
            continue
        members = after[name]["members"]
        changes += [
            Change(BREAKING, "enum", f"the member {value!r} of {name} was removed")
            for value in enum["members"]
            if value not in members
        ]
        changes += [
            Change(COMPATIBLE, "enum", f"a new member {value!r} of {name}")
            for value in members
            if value not in enum["members"]
        ]
    changes += [
        Change(COMPATIBLE, "enum", f"a new enum {name}")
        for name in after
        if name not in before
    ]
    return changes


def _errors(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[Change]:
    before, after = _by_name(old, "class"), _by_name(new, "class")
    changes = [
        Change(BREAKING, "error", f"the error class {name} was removed")
        for name in before
        if name not in after
    ]
    changes += [
        Change(
            COMPATIBLE, "error", f"a new error class {name} (status {error['status']})"
        )
        for name, error in after.items()
        if name not in before
    ]
    return changes
