"""Identity-based policy evaluation: the rules IAM documents, one case each."""

from __future__ import annotations

from typing import Any

import pytest

from tools.emulator.iam.policy import (
    Effect,
    PolicyDocument,
    action_matches,
    evaluate,
    resource_matches,
)


def _policy(*statements: dict[str, Any]) -> list[PolicyDocument]:
    return [PolicyDocument.of("p", {"Version": "2012-10-17", "Statement": list(statements)})]


@pytest.mark.parametrize(
    ("pattern", "action", "matches"),
    [
        ("s3:GetObject", "s3:GetObject", True),
        ("s3:getobject", "s3:GetObject", True),  # action names are case-insensitive
        ("s3:Get*", "s3:GetObjectVersion", True),
        ("s3:GetObject", "s3:GetObjectVersion", False),  # no prefix match without *
        ("s3:GetObject?ersion", "s3:GetObjectVersion", True),
        ("*", "sns:Publish", True),
        ("s3:*", "sns:Publish", False),
    ],
)
def test_action_patterns(pattern: str, action: str, matches: bool) -> None:
    assert action_matches(pattern, action) is matches


@pytest.mark.parametrize(
    ("pattern", "arn", "matches"),
    [
        ("arn:aws:s3:::b/raw/*", "arn:aws:s3:::b/raw/a/b.csv", True),  # * spans "/"
        ("arn:aws:s3:::b/raw/*", "arn:aws:s3:::b/RAW/a.csv", False),  # case-sensitive
        ("arn:aws:s3:::b/raw/*", "arn:aws:s3:::b", False),
        ("arn:aws:s3:::b", "arn:aws:s3:::b/raw/a.csv", False),
        (
            "arn:aws:logs:*:1:log-group:g:*",
            "arn:aws:logs:us-east-1:1:log-group:g:log-stream:s",
            True,
        ),
        ("arn:aws:sns:*:1:t", "arn:aws:sns:us-east-1:1:t", True),
        ("arn:aws:sns:us-*:1:t", "arn:aws:sns:eu-west-1:1:t", False),
        ("arn:aws:s3:::b/a.c?v", "arn:aws:s3:::b/a.csv", True),
        ("arn:aws:s3:::b/a.c?v", "arn:aws:s3:::b/a.cv", False),
        ("arn:aws:s3:::b/(x)", "arn:aws:s3:::b/(x)", True),  # no regex semantics leak in
        ("*", "arn:aws:dynamodb:us-east-1:1:table/t", True),
    ],
)
def test_resource_patterns(pattern: str, arn: str, matches: bool) -> None:
    assert resource_matches(pattern, arn) is matches


def test_an_allow_names_the_statement_and_the_element_that_granted() -> None:
    policies = _policy(
        {"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": ["arn:aws:s3:::b/x/*"]},
        {"Sid": "Raw", "Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject"],
         "Resource": ["arn:aws:s3:::b/failed/*", "arn:aws:s3:::b/raw/*"]},
    )  # fmt: skip
    decision = evaluate(policies, "s3:GetObject", "arn:aws:s3:::b/raw/k")
    assert decision.effect is Effect.ALLOW
    grant = decision.grant
    assert grant is not None
    assert (grant.policy, grant.statement, grant.sid) == ("p", 1, "Raw")
    assert (grant.action, grant.resource, grant.resource_index) == (
        "s3:GetObject",
        "arn:aws:s3:::b/raw/*",
        1,
    )


def test_without_an_allow_a_request_is_implicitly_denied() -> None:
    policies = _policy(
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/raw/*"}
    )
    assert (
        evaluate(policies, "s3:GetObject", "arn:aws:s3:::b/failed/k").effect is Effect.IMPLICIT_DENY
    )
    assert evaluate([], "s3:GetObject", "arn:aws:s3:::b/raw/k").effect is Effect.IMPLICIT_DENY


def test_an_explicit_deny_wins_over_any_allow() -> None:
    policies = _policy(
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:DeleteObject*", "Resource": "arn:aws:s3:::b/*"},
    )
    decision = evaluate(policies, "s3:DeleteObjectVersion", "arn:aws:s3:::b/raw/k")
    assert decision.effect is Effect.EXPLICIT_DENY and decision.grant is not None
    assert decision.grant.statement == 1
    assert evaluate(policies, "s3:GetObject", "arn:aws:s3:::b/raw/k").allowed


def test_not_action_and_not_resource_invert_the_match() -> None:
    policies = _policy(
        {"Effect": "Allow", "NotAction": "s3:Delete*", "NotResource": "arn:aws:s3:::b/processed/*"}
    )
    assert evaluate(policies, "s3:GetObject", "arn:aws:s3:::b/raw/k").allowed
    assert not evaluate(policies, "s3:DeleteObject", "arn:aws:s3:::b/raw/k").allowed
    assert not evaluate(policies, "s3:GetObject", "arn:aws:s3:::b/processed/k").allowed


def test_a_condition_is_never_a_silent_grant_and_a_conditional_deny_always_applies() -> None:
    condition = {"Bool": {"aws:SecureTransport": "true"}}
    allow = {"Effect": "Allow", "Action": "sns:Publish", "Resource": "*", "Condition": condition}
    deny = {"Effect": "Deny", "Action": "sns:Publish", "Resource": "*", "Condition": condition}
    assert not evaluate(_policy(allow), "sns:Publish", "arn:aws:sns:us-east-1:1:t").allowed
    everything = {"Effect": "Allow", "Action": "*", "Resource": "*"}
    assert not evaluate(
        _policy(everything, deny), "sns:Publish", "arn:aws:sns:us-east-1:1:t"
    ).allowed


def test_documents_come_as_json_text_or_parsed_and_a_lone_statement_counts() -> None:
    text = '{"Statement": {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}}'
    assert evaluate([PolicyDocument.of("t", text)], "sqs:SendMessage", "arn:aws:sqs:r:1:q").allowed
