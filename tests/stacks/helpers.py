"""Helpers for the template tests: intrinsic functions as strings, resource lookups, walking."""

import re
from collections.abc import Iterator
from typing import Any


def of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    """Resources of one CloudFormation type, by logical id."""
    return {k: r for k, r in template["Resources"].items() if r["Type"] == kind}


def canonical(value: Any) -> Any:
    """An intrinsic-function value as one readable string, for comparing IAM resources.

    ``{"Ref": "X"}`` → ``${X}``; ``{"Fn::GetAtt": ["A", "B"]}`` → ``${A.B}``; ``Fn::Sub`` with
    a variable map is expanded with the canonical form of each variable.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        ((fn, arg),) = value.items()
        if fn == "Ref":
            return "${" + arg + "}"
        if fn == "Fn::GetAtt":
            return "${" + ".".join(arg) + "}"
        if fn == "Fn::Sub":
            if isinstance(arg, str):
                return arg
            text, variables = arg
            return re.sub(
                r"\$\{([^}]+)\}",
                lambda m: (
                    canonical(variables[m.group(1)]) if m.group(1) in variables else m.group(0)
                ),
                text,
            )
    raise AssertionError(f"unexpected value {value!r}")


def walk(value: Any) -> Iterator[Any]:
    """Every nested value of a JSON document, depth first."""
    yield value
    if isinstance(value, dict):
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)
