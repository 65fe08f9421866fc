"""What the gap tests build on plain and bridged moto alike: stacks and the fixture function."""

from __future__ import annotations

import json
from typing import Any

import boto3

from tests.tools.mini import fixture_zip

REGION = "us-east-1"


def create_stack(template: dict[str, Any], name: str = "s") -> dict[str, Any]:
    """Create a stack from an inline template; return describe_stacks' entry."""
    cfn = boto3.client("cloudformation", region_name=REGION)
    cfn.create_stack(StackName=name, TemplateBody=json.dumps(template))
    return dict(cfn.describe_stacks(StackName=name)["Stacks"][0])


def create_function(name: str = "f") -> str:
    """The fixture function, deployed through the Lambda API; return its ARN."""
    role = boto3.client("iam").create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument="{}")
    created = boto3.client("lambda", region_name=REGION).create_function(
        FunctionName=name,
        Runtime="python3.13",
        Role=role["Role"]["Arn"],
        Handler="minifn.handler.lambda_handler",
        Code={"ZipFile": fixture_zip()},
        Environment={"Variables": {"STATE_MACHINE_ARN": "arn:aws:states:::x"}},
    )
    return str(created["FunctionArn"])
