"""IAM bridges and S3's authorization rules: each gap on plain moto 5.2.5 (with its own IAM
switch on), then on the emulator.

A test whose first half fails means moto changed: re-check the bridge (it may be obsolete).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.core.authorization import enable_iam_authentication

from tests.tools.emulator.helpers import REGION, create_stack
from tools.emulator import Emulator
from tools.emulator.principals import Kind, Principal


def _role(name: str, *statements: dict[str, Any]) -> str:
    """A role holding exactly ``statements`` (created through the IAM API, as the harness)."""
    iam = boto3.client("iam")
    arn = str(iam.create_role(RoleName=name, AssumeRolePolicyDocument="{}")["Role"]["Arn"])
    document = {"Version": "2012-10-17", "Statement": list(statements)}
    iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(document))
    return arn


def _allow(action: str | list[str], resource: str | list[str]) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def _as(credentials: dict[str, str], service: str) -> Any:
    return boto3.client(service, region_name=REGION, **credentials)


def _moto_session(role_arn: str) -> dict[str, str]:
    """Credentials of an STS session of the role, for moto's own check."""
    c = boto3.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="probe")["Credentials"]
    return {"aws_access_key_id": c["AccessKeyId"], "aws_secret_access_key": c["SecretAccessKey"],
            "aws_session_token": c["SessionToken"]}  # fmt: skip


def _function_session(emu: Emulator, role_arn: str) -> dict[str, str]:
    """Credentials a function with this role signs with on the emulator."""
    c = emu.principals.credentials(Principal(Kind.FUNCTION, "probe", role_arn))
    return {"aws_access_key_id": c.access_key, "aws_secret_access_key": c.secret_key,
            "aws_session_token": c.session_token}  # fmt: skip


@contextmanager
def _moto_iam() -> Iterator[None]:
    """Plain moto with its all-or-nothing IAM switch on (after the harness's setup)."""
    with enable_iam_authentication():
        yield


def _code(call: Any) -> str:
    try:
        call()
    except ClientError as error:
        return str(error.response["Error"]["Code"])
    return "allowed"


def _bucket(*keys: str, tags: str = "") -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="gapb")
    s3.put_bucket_versioning(Bucket="gapb", VersioningConfiguration={"Status": "Enabled"})
    for key in keys:
        s3.put_object(Bucket="gapb", Key=key, Body=b"x", Tagging=tags)


def _version(key: str) -> str:
    return str(
        boto3.client("s3", region_name=REGION).head_object(Bucket="gapb", Key=key)["VersionId"]
    )


def test_gap_17_only_functions_and_state_machines_are_checked(emu: Emulator) -> None:
    with mock_aws():
        _bucket()
        with _moto_iam():  # all or nothing: the harness (deploy, uploads) is refused too
            harness = _code(lambda: boto3.client("s3").list_objects_v2(Bucket="gapb"))
        assert harness == "InvalidAccessKeyId"
    with emu.bridged(), mock_aws():
        _bucket()
        role = _role("r17", _allow("s3:ListBucket", "arn:aws:s3:::other"))
        harness = _code(lambda: boto3.client("s3").list_objects_v2(Bucket="gapb"))
        function = _code(
            lambda: _as(_function_session(emu, role), "s3").list_objects_v2(Bucket="gapb")
        )
    assert (harness, function) == ("allowed", "AccessDenied")
    (denial,) = emu.iam.denials()
    assert denial.session_arn == "arn:aws:sts::123456789012:assumed-role/r17/probe"


def _topics() -> tuple[str, str]:
    sns = boto3.client("sns", region_name=REGION)
    return sns.create_topic(Name="a")["TopicArn"], sns.create_topic(Name="b")["TopicArn"]


def test_gap_18_every_service_is_authorized_on_the_resource_the_call_names(emu: Emulator) -> None:
    with mock_aws():
        a, b = _topics()
        role = _role("r18", _allow("sns:Publish", a))
        session = _moto_session(role)
        with _moto_iam():  # moto asks about "*": a grant on one topic allows none of them
            moto = [_code(lambda t=t: _as(session, "sns").publish(TopicArn=t, Message="m")) for t in (a, b)]  # fmt: skip
        assert moto == ["AccessDenied", "AccessDenied"]
    with emu.bridged(), mock_aws():
        a, b = _topics()
        session = _function_session(emu, _role("r18", _allow("sns:Publish", a)))
        found = [_code(lambda t=t: _as(session, "sns").publish(TopicArn=t, Message="m")) for t in (a, b)]  # fmt: skip
    assert found == ["allowed", "AuthorizationError"]
    (denial,) = emu.iam.denials()
    assert (denial.action, denial.resource) == ("sns:Publish", b)


def _template_role() -> str:
    document = {
        "Version": "2012-10-17",
        "Statement": [_allow("s3:ListBucket", "arn:aws:s3:::gapb")],
    }
    role = {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "r19", "AssumeRolePolicyDocument": {},
            "Policies": [{"PolicyName": "p", "PolicyDocument": document}]}}  # fmt: skip
    create_stack({"Resources": {"Role": role}})
    return "arn:aws:iam::123456789012:role/r19"


def test_gap_19_role_policies_from_a_template(emu: Emulator) -> None:
    with mock_aws():
        _bucket()
        session = _moto_session(_template_role())
        with _moto_iam(), pytest.raises(KeyError, match="policy_document"):
            _as(session, "s3").list_objects_v2(Bucket="gapb")
    with emu.bridged(), mock_aws():
        _bucket()
        role = _template_role()
        stored = boto3.client("iam").get_role_policy(RoleName="r19", PolicyName="p")
        found = _code(
            lambda: _as(_function_session(emu, role), "s3").list_objects_v2(Bucket="gapb")
        )
    assert stored["PolicyDocument"]["Statement"][0]["Action"] == "s3:ListBucket"
    assert found == "allowed"


def test_gap_20_an_exact_version_is_read_as_s3_get_object_version(emu: Emulator) -> None:
    def head(session: dict[str, str], version: str) -> str:
        s3 = _as(session, "s3")
        return _code(lambda: s3.head_object(Bucket="gapb", Key="raw/a.csv", VersionId=version))

    latest_only = _allow("s3:GetObject", "arn:aws:s3:::gapb/raw/*")
    with mock_aws():
        _bucket("raw/a.csv")
        session, version = _moto_session(_role("r20", latest_only)), _version("raw/a.csv")
        with _moto_iam():
            assert head(session, version) == "allowed"  # moto: HEAD is s3:GetObject, always
    with emu.bridged(), mock_aws():
        _bucket("raw/a.csv")
        version = _version("raw/a.csv")
        denied = head(_function_session(emu, _role("r20", latest_only)), version)
        versions = _allow("s3:GetObjectVersion", "arn:aws:s3:::gapb/raw/*")
        allowed = head(_function_session(emu, _role("r20b", versions)), version)
    assert denied in {"403", "AccessDenied"} and allowed == "allowed"
    (denial,) = emu.iam.denials()
    assert (denial.action, denial.resource) == (
        "s3:GetObjectVersion",
        "arn:aws:s3:::gapb/raw/a.csv",
    )


def _copy(session: dict[str, str], version: str) -> str:
    s3 = _as(session, "s3")
    source = {"Bucket": "gapb", "Key": "raw/a.csv", "VersionId": version}
    return _code(lambda: s3.copy_object(Bucket="gapb", Key="failed/a.csv", CopySource=source))


def test_gap_21_a_copy_reads_its_source(emu: Emulator) -> None:
    write_only = _allow("s3:PutObject", "arn:aws:s3:::gapb/failed/*")
    with mock_aws():
        _bucket("raw/a.csv")
        session, version = _moto_session(_role("r21", write_only)), _version("raw/a.csv")
        with _moto_iam():
            assert _copy(session, version) == "allowed"  # the source is never checked
    with emu.bridged(), mock_aws():
        _bucket("raw/a.csv")
        denied = _copy(_function_session(emu, _role("r21", write_only)), _version("raw/a.csv"))
    assert denied == "AccessDenied"
    (denial,) = emu.iam.denials()
    assert (denial.action, denial.resource) == (
        "s3:GetObjectVersion",
        "arn:aws:s3:::gapb/raw/a.csv",
    )


def test_gap_22_a_copy_of_a_tagged_source_copies_its_tags(emu: Emulator) -> None:
    read_and_write = [
        _allow("s3:GetObjectVersion", "arn:aws:s3:::gapb/raw/*"),
        _allow("s3:PutObject", "arn:aws:s3:::gapb/failed/*"),
    ]
    tags = [
        _allow("s3:GetObjectVersionTagging", "arn:aws:s3:::gapb/raw/*"),
        _allow("s3:PutObjectTagging", "arn:aws:s3:::gapb/failed/*"),
    ]
    with mock_aws():
        _bucket("raw/a.csv", tags="k=v")
        session, version = _moto_session(_role("r22", *read_and_write)), _version("raw/a.csv")
        with _moto_iam():
            assert _copy(session, version) == "allowed"
    with emu.bridged(), mock_aws():
        _bucket("raw/a.csv", tags="k=v")
        denied = _copy(_function_session(emu, _role("r22", *read_and_write)), _version("raw/a.csv"))
        allowed = _copy(_function_session(emu, _role("r22b", *read_and_write, *tags)), _version("raw/a.csv"))  # fmt: skip
        copied = boto3.client("s3").get_object_tagging(Bucket="gapb", Key="failed/a.csv")["TagSet"]
    assert (denied, allowed, copied) == ("AccessDenied", "allowed", [{"Key": "k", "Value": "v"}])
    (denial,) = emu.iam.denials()
    assert denial.action == "s3:GetObjectVersionTagging"


def test_gap_23_a_missing_object_is_404_only_to_a_caller_who_may_list(emu: Emulator) -> None:
    read = _allow("s3:GetObject", "arn:aws:s3:::gapb/failed/*")
    listing = _allow("s3:ListBucket", "arn:aws:s3:::gapb")

    def get(session: dict[str, str]) -> str:
        return _code(lambda: _as(session, "s3").get_object(Bucket="gapb", Key="failed/none.json"))

    with mock_aws():
        _bucket()
        session = _moto_session(_role("r23", read))
        with _moto_iam():
            assert get(session) == "NoSuchKey"
    with emu.bridged(), mock_aws():
        _bucket()
        without = get(_function_session(emu, _role("r23", read)))
        with_list = get(_function_session(emu, _role("r23b", read, listing)))
    assert (without, with_list) == ("AccessDenied", "NoSuchKey")
