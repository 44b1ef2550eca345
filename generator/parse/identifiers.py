"""Naming rules: every Python name in the output is decided here, once.

Names are ASCII identifiers built from the words of the spec's names. Python keywords, the
builtins the generated code relies on, and the names the generated code defines itself get a
trailing underscore. Names that collide after conversion get `_2`, `_3`, ... in a stable order.
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Iterable

# Builtins that generated annotations and method bodies use: shadowing them would break the code.
RESERVED_BUILTINS = frozenset(
    {
        "bool",
        "bytes",
        "cls",
        "dict",
        "float",
        "int",
        "isinstance",
        "list",
        "object",
        "self",
        "str",
    }
    | {"super", "type", "Any", "None", "True", "False"}
)

# Terms written in mixed case that are one word (`OAuth2` -> oauth2, not o_auth2): the case
# of their letters does not say where words end, so they are listed (docs/naming.md). A product
# name that ends in one is listed whole (`OpenFaaS`).
MIXED_CASE_TERMS = (
    "OAuth",
    "OData",
    "OpenID",
    "GraphQL",
    "IPv4",
    "IPv6",
    "iOS",
    "macOS",
    "FaaS",
    "IaaS",
    "PaaS",
    "SaaS",
    "KiB",
    "MiB",
    "GiB",
    "TiB",
    "OpenFaaS",
)
_TERM = "|".join(sorted(MIXED_CASE_TERMS, key=len, reverse=True))

# A word, tried in this order where the last one ended: a mixed-case term (not followed by a
# lower-case letter); an acronym in the plural (`IDs`, `URLs`; not followed by a lower-case
# letter or a digit: `OSIs64Bit` is OS Is64 Bit); an acronym before a
# capitalised word (the last capital starts that word: `HTTPResponse`, `CreateABatch`); a
# capitalised or lower-case word; an acronym; a number. Digits stay with the letters they
# follow (`V2`, `base64`, `OAuth2`) or precede (`1st`).
_WORD = re.compile(
    rf"(?:{_TERM})[0-9]*(?![a-z])|[A-Z]{{2,}}s(?![a-z0-9])"
    r"|[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+[0-9]*|[A-Z]+[0-9]*|[0-9]+[a-z]*"
)


def words(name: str) -> list[str]:
    """The words of a name: `sendMessageRequest` -> send, Message, Request; `MMS` -> MMS."""
    normalised = unicodedata.normalize("NFKC", name)
    ascii_only = (
        unicodedata.normalize("NFKD", normalised).encode("ascii", "ignore").decode()
    )
    return _WORD.findall(ascii_only)


def snake_case(name: str, *, fallback: str, prefix: str) -> str:
    """`PhoneNumber` -> `phone_number`; `1st` -> `<prefix>1st`; no words -> `fallback`."""
    parts = [word.lower() for word in words(name)]
    result = "_".join(parts) or fallback
    return prefix + result if result[0].isdigit() else result


def pascal_case(name: str, *, fallback: str, prefix: str) -> str:
    """`send message` -> `SendMessage`; `401Error` -> `<prefix>401Error`."""
    parts = [word[0].upper() + word[1:] for word in words(name)]
    result = "".join(parts) or fallback
    return prefix + result if result[0].isdigit() else result


def guard(name: str, reserved: Iterable[str] = ()) -> str:
    """A trailing underscore for keywords, builtins that matter and names taken by the code."""
    taken = (
        keyword.iskeyword(name)
        or keyword.issoftkeyword(name)
        or name in RESERVED_BUILTINS
    )
    return f"{name}_" if taken or name in set(reserved) else name


def assign_unique(
    candidates: list[tuple[str, str]],
    taken: Iterable[str] = (),
    explicit: Iterable[str] = (),
) -> dict[str, str]:
    """Map each key to a distinct name, given (key, preferred name) pairs.

    Keys whose preferred name is free keep it; of several keys that want the same name, an
    explicitly named key wins, then the key that spells the name exactly, then the first in sorted
    key order; the others get `_2`, `_3`, ... Deterministic whatever the input order.
    """
    explicit_keys = set(explicit)
    used = set(taken)
    by_name: dict[str, list[str]] = {}
    for key, name in candidates:
        by_name.setdefault(name, []).append(key)
    result: dict[str, str] = {}
    losers: list[tuple[str, str]] = []
    for name in sorted(by_name):
        keys = sorted(
            by_name[name], key=lambda k: (k not in explicit_keys, k != name, k)
        )
        if name not in used:
            result[keys.pop(0)] = name
            used.add(name)
        losers += [(name, key) for key in keys]
    for name, key in losers:
        counter = 2
        while f"{name}_{counter}" in used:
            counter += 1
        result[key] = f"{name}_{counter}"
        used.add(result[key])
    return result


def default_package_name(title: str) -> str:
    """The package named after the spec's title: snake_case, ending in `connector`."""
    base = snake_case(title, fallback="api", prefix="api_")
    return base if base.endswith("connector") else f"{base}_connector"
