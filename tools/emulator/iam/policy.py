"""Identity-based policy evaluation, as IAM documents it, for the emulator's authorizer.

A request (one IAM action on one resource ARN) is allowed when some statement allows it and
none denies it: an explicit Deny wins, and without an Allow the request is implicitly
denied. Action names match case-insensitively, resources case-sensitively; ``*`` matches any
run of characters and ``?`` any one character (in a resource ARN the first five segments
match segment by segment, the resource part as a whole). ``NotAction`` and ``NotResource``
invert the match. Conditions are not evaluated: an Allow with a Condition grants nothing and
a Deny with one always applies, so a policy relying on one shows up as a denial, never as a
silent grant.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any


class Effect(StrEnum):
    """What a decision is."""

    ALLOW = "allow"
    IMPLICIT_DENY = "implicit-deny"
    EXPLICIT_DENY = "explicit-deny"


@dataclass(frozen=True)
class Grant:
    """The statement (and the element of it) that decided a request."""

    policy: str  # the policy's name (inline) or ARN (managed)
    statement: int  # its index in the policy's Statement list
    sid: str
    action: str  # the Action pattern that matched ("" for NotAction)
    resource: str  # the Resource pattern that matched ("" for NotResource)
    resource_index: int  # that pattern's index in the statement's Resource list (-1: none)


@dataclass(frozen=True)
class Decision:
    """The outcome of evaluating one request against a set of policies."""

    effect: Effect
    grant: Grant | None = None  # the allowing (or denying) statement; None for implicit deny

    @property
    def allowed(self) -> bool:
        return self.effect is Effect.ALLOW


@dataclass(frozen=True)
class PolicyDocument:
    """One named policy document (parsed from the JSON text or dict IAM stores)."""

    name: str
    document: dict[str, Any]

    @classmethod
    def of(cls, name: str, document: str | dict[str, Any]) -> PolicyDocument:
        return cls(name, json.loads(document) if isinstance(document, str) else document)

    def statements(self) -> list[dict[str, Any]]:
        statements = self.document.get("Statement", [])
        return [statements] if isinstance(statements, dict) else list(statements)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


@cache
def _glob(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def action_matches(pattern: str, action: str) -> bool:
    """Whether an Action element (``s3:Get*``) covers an action (``s3:GetObject``)."""
    return _glob(pattern, True).fullmatch(action) is not None


def resource_matches(pattern: str, arn: str) -> bool:
    """Whether a Resource element covers a resource ARN."""
    if pattern == "*":
        return True
    wanted, actual = pattern.split(":", 5), arn.split(":", 5)
    if len(wanted) != len(actual):
        return False
    return all(
        _glob(w, False).fullmatch(a) is not None for w, a in zip(wanted, actual, strict=True)
    )


def _first(patterns: Iterable[str], matches: Any, value: str) -> tuple[int, str] | None:
    for index, pattern in enumerate(patterns):
        if matches(pattern, value):
            return index, pattern
    return None


def _statement_grant(
    policy: str, index: int, statement: dict[str, Any], action: str, resource: str
) -> Grant | None:
    """The grant of a statement that applies to (action, resource), else None."""
    if "NotAction" in statement:
        if _first(_as_list(statement["NotAction"]), action_matches, action):
            return None
        action_pattern = ""
    else:
        hit = _first(_as_list(statement.get("Action")), action_matches, action)
        if hit is None:
            return None
        action_pattern = hit[1]
    if "NotResource" in statement:
        if _first(_as_list(statement["NotResource"]), resource_matches, resource):
            return None
        resource_index, resource_pattern = -1, ""
    else:
        found = _first(_as_list(statement.get("Resource")), resource_matches, resource)
        if found is None:
            return None
        resource_index, resource_pattern = found
    sid = str(statement.get("Sid", ""))
    return Grant(policy, index, sid, action_pattern, resource_pattern, resource_index)


def _applicable(
    policies: Iterable[PolicyDocument], action: str, resource: str
) -> Iterator[tuple[str, Grant]]:
    """(Effect of the statement, its grant) for every statement that applies."""
    for policy in policies:
        for index, statement in enumerate(policy.statements()):
            grant = _statement_grant(policy.name, index, statement, action, resource)
            if grant is None:
                continue
            effect = str(statement.get("Effect", ""))
            if effect == "Allow" and "Condition" in statement:
                continue  # not evaluated: never a silent grant
            yield effect, grant


def evaluate(policies: Iterable[PolicyDocument], action: str, resource: str) -> Decision:
    """Explicit Deny wins; else the first allowing statement; else an implicit deny."""
    allowed: Grant | None = None
    for effect, grant in _applicable(list(policies), action, resource):
        if effect == "Deny":
            return Decision(Effect.EXPLICIT_DENY, grant)
        if effect == "Allow" and allowed is None:
            allowed = grant
    return Decision(Effect.ALLOW, allowed) if allowed else Decision(Effect.IMPLICIT_DENY)
