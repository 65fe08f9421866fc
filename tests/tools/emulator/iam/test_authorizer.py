"""The authorizer: functions' and state machines' calls checked against their roles, in AWS's words."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from tests.tools.emulator.helpers import REGION
from tools.emulator import Emulator
from tools.emulator.principals import Kind, Principal


def _client(emu: Emulator, service: str, principal: Principal) -> object:
    c = emu.principals.credentials(principal)
    return boto3.client(service, region_name=REGION, aws_access_key_id=c.access_key,
                        aws_secret_access_key=c.secret_key, aws_session_token=c.session_token)  # fmt: skip


def _table() -> str:
    ddb = boto3.client("dynamodb", region_name=REGION)
    ddb.create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return f"arn:aws:dynamodb:{REGION}:123456789012:table/t"


def test_a_denial_reads_as_aws_words_it_and_the_ledger_keeps_it(emu: Emulator) -> None:
    with emu.bridged(), mock_aws():
        table = _table()
        boto3.client("iam").create_role(RoleName="sm-role", AssumeRolePolicyDocument="{}")
        caller = Principal(Kind.STATE_MACHINE, "sm-role", "arn:aws:iam::123456789012:role/sm-role")
        ddb = _client(emu, "dynamodb", caller)
        with pytest.raises(ClientError) as raised:
            ddb.put_item(TableName="t", Item={"k": {"S": "1"}})  # type: ignore[attr-defined]
    error = raised.value.response["Error"]
    assert error["Code"] == "AccessDeniedException"
    assert error["Message"] == (
        "User: arn:aws:sts::123456789012:assumed-role/sm-role/sm-role is not authorized to "
        f"perform: dynamodb:PutItem on resource: {table} because no identity-based policy "
        "allows the dynamodb:PutItem action"
    )
    (denial,) = emu.iam.denials()
    assert (denial.caller, denial.action, denial.resource) == ("sm-role", "dynamodb:PutItem", table)


def test_managed_policies_count_and_an_explicit_deny_is_said_so(emu: Emulator) -> None:
    with emu.bridged(), mock_aws():
        _table()
        iam = boto3.client("iam")
        iam.create_role(RoleName="fn-role", AssumeRolePolicyDocument="{}")
        allow = {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}
        deny = {"Effect": "Deny", "Action": "dynamodb:DeleteItem", "Resource": "*"}
        arn = iam.create_policy(PolicyName="m", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [allow]}))["Policy"]["Arn"]  # fmt: skip
        iam.attach_role_policy(RoleName="fn-role", PolicyArn=arn)
        iam.put_role_policy(RoleName="fn-role", PolicyName="d", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [deny]}))  # fmt: skip
        ddb = _client(
            emu,
            "dynamodb",
            Principal(Kind.FUNCTION, "fn", "arn:aws:iam::123456789012:role/fn-role"),
        )
        ddb.put_item(TableName="t", Item={"k": {"S": "1"}})  # type: ignore[attr-defined]
        with pytest.raises(ClientError, match="with an explicit deny in an identity-based policy"):
            ddb.delete_item(TableName="t", Key={"k": {"S": "1"}})  # type: ignore[attr-defined]
    allowed = [e for e in emu.iam.entries() if e.allowed]
    assert [e.decision.grant.policy for e in allowed if e.decision.grant] == [arn]


def test_the_harness_is_never_checked_and_iam_can_be_off() -> None:
    emu = Emulator(REGION, enforce_iam=False)
    with emu.bridged(), mock_aws():
        _table()
        caller = Principal(Kind.FUNCTION, "fn", "arn:aws:iam::123456789012:role/none")
        _client(emu, "dynamodb", caller).put_item(TableName="t", Item={"k": {"S": "1"}})  # type: ignore[attr-defined]
    assert emu.iam.entries() == []
