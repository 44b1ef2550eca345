"""The signature parity of a package's two clients, read from their source: the async client
must have every method of the sync one with the same parameters and the same return type (its
I/O spelled the async way), and so must their raw-response twins."""

from __future__ import annotations

import ast
import re
from pathlib import Path

# The async spelling of a sync return annotation or method name.
ASYNC_SPELLING = {
    "Iterator": "AsyncIterator",
    "RawResponse": "AsyncRawResponse",
    "httpx.Client": "httpx.AsyncClient",
    "Transport": "AsyncTransport",
    "close": "aclose",
    "__enter__": "__aenter__",
    "__exit__": "__aexit__",
}
_WORD = re.compile(r"[\w.]+")


def methods(source: str) -> dict[str, dict[str, tuple[bool, str, str]]]:
    """class -> method -> (async, parameters, return annotation), as source text."""
    classes: dict[str, dict[str, tuple[bool, str, str]]] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef):
            classes[node.name] = {
                item.name: (
                    isinstance(item, ast.AsyncFunctionDef),
                    ast.unparse(item.args),
                    ast.unparse(item.returns) if item.returns else "",
                )
                for item in node.body
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
            }
    return classes


def asynchronous(text: str, spelling: dict[str, str]) -> str:
    """A sync annotation or name as the async client spells it, word by word."""
    return _WORD.sub(lambda match: spelling.get(match[0], match[0]), text)


def differences(package: Path, client_class: str) -> list[str]:
    """Where the async client of `package` differs from the sync one (empty: in parity)."""
    sync = methods((package / "client.py").read_text(encoding="utf-8"))
    async_ = methods((package / "async_client.py").read_text(encoding="utf-8"))
    names = (client_class, f"{client_class}WithRawResponse")
    spelling = ASYNC_SPELLING | {name: f"Async{name}" for name in names}
    found = []
    for name in names:
        twin = spelling[name]
        if twin not in async_:
            found.append(f"no class {twin}")
            continue
        expected = {
            spelling.get(method, method): (
                method not in ("__init__", "with_options", "__repr__"),
                asynchronous(parameters, spelling),
                asynchronous(returns, spelling),
            )
            for method, (_, parameters, returns) in sync[name].items()
        }
        actual = async_[twin]
        for method in sorted(set(expected) | set(actual)):
            if method not in actual:
                found.append(f"{twin} has no {method}")
            elif method not in expected:
                found.append(f"{twin}.{method} is not in {name}")
            elif actual[method] != expected[method]:
                found.append(f"{twin}.{method}: {actual[method]} != {expected[method]}")
    return found
