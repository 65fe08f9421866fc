"""The pipeline's resources in moto, built from the generated templates (templates/*.json).

The handler tests and the infrastructure share one definition: each resource is created
through the API from its template Properties, their intrinsic functions resolved here with
the root template's parameter defaults and its wiring of the nested stacks. Deploying the
templates into moto's CloudFormation instead is not robust on plain moto 5.2.5: it drops a
bucket's VersioningConfiguration and a state machine's Definition, and fails on a KMS key's
Tags and on a Lambda permission for a function that is not deployed (tools/emulator.py
bridges those for the end-to-end suite; these tests must not depend on it).

Applied: what the functions' behaviour depends on, and what moto keeps (names, versioning,
encryption, key schema, the state machine definition, tags). Not applied: the bucket's
notification (the tests call the handlers directly), access logging and lifecycle, and the
IAM and resource policies, which moto does not enforce.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
ACCOUNT = "123456789012"
REGION = "us-east-1"
_PSEUDO = {
    "AWS::AccountId": ACCOUNT,
    "AWS::Region": REGION,
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
}
_SUB_VARIABLE = re.compile(r"\$\{([^}!]+)\}")


class Stack:
    """One generated template: its parameters from the parent's wiring, else their defaults.

    `known` holds the value of `Ref X` / `Fn::GetAtt [X, A]` (as "X" / "X.A") for each
    resource the fixture created; `resolve` evaluates the intrinsic functions the templates
    use and fails loudly on any other, so a template change cannot go silently unapplied.
    """

    def __init__(self, name: str, parent: tuple[Stack, str] | None = None) -> None:
        self.template: dict[str, Any] = json.loads((TEMPLATES / f"{name}.json").read_text())
        self._parent = parent
        self._children: dict[str, Stack] = {}
        self.known: dict[str, Any] = {}

    def nested(self, logical_id: str) -> Stack:
        """The nested stack resource `logical_id`, as a Stack of its own template."""
        if logical_id not in self._children:
            url = self.template["Resources"][logical_id]["Properties"]["TemplateURL"]
            self._children[logical_id] = Stack(Path(url).stem, (self, logical_id))
        return self._children[logical_id]

    def properties(self, logical_id: str, *names: str) -> dict[str, Any]:
        """The named Properties of a resource (those present), resolved."""
        properties = self.template["Resources"][logical_id]["Properties"]
        return {name: self.resolve(properties[name]) for name in names if name in properties}

    def parameter(self, name: str) -> Any:
        if self._parent is not None:
            parent, logical_id = self._parent
            wiring = parent.template["Resources"][logical_id]["Properties"].get("Parameters", {})
            if name in wiring:
                return parent.resolve(wiring[name])
        return self.template["Parameters"][name]["Default"]

    def output(self, name: str) -> Any:
        return self.resolve(self.template["Outputs"][name]["Value"])

    def resolve(self, value: Any) -> Any:
        """`value` with every intrinsic function evaluated."""
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((fn, arg),) = value.items()
            if fn == "Ref":
                return self._ref(arg)
            if fn.startswith("Fn::"):
                return self._function(fn, arg)
        return {k: self.resolve(v) for k, v in value.items()}

    def _ref(self, name: str) -> Any:
        if name in _PSEUDO:
            return _PSEUDO[name]
        if name in self.template.get("Parameters", {}):
            return self.parameter(name)
        return self.known[name]

    def _function(self, fn: str, arg: Any) -> Any:
        if fn == "Fn::Sub":
            text, variables = (arg, {}) if isinstance(arg, str) else arg
            values = {k: self.resolve(v) for k, v in variables.items()}
            return _SUB_VARIABLE.sub(
                lambda m: str(values[m[1]] if m[1] in values else self._ref(m[1])), text
            )
        if fn == "Fn::GetAtt":
            logical_id, attribute = arg
            if attribute.startswith("Outputs."):
                return self.nested(logical_id).output(attribute.removeprefix("Outputs."))
            return self.known[f"{logical_id}.{attribute}"]
        if fn == "Fn::If":
            condition, if_true, if_false = arg
            return self.resolve(if_true if self._condition(condition) else if_false)
        raise NotImplementedError(
            f"{fn} in a template: teach tests/functions/{Path(__file__).name}"
        )

    def _condition(self, name: str) -> bool:
        ((fn, arg),) = self.template["Conditions"][name].items()
        if fn != "Fn::Equals":
            raise NotImplementedError(f"condition {fn}")
        left, right = self.resolve(arg)
        return bool(str(left) == str(right))


def _tags(properties: dict[str, Any], key: str = "Key", value: str = "Value") -> list[Any]:
    return [{key: t["Key"], value: t["Value"]} for t in properties.get("Tags", [])]


def create_topic(messaging: Stack, kms: Any, sns: Any) -> str:
    """The KMS key and the notification topic encrypted with it; the topic's ARN."""
    key = messaging.properties("Key", "Description", "KeyPolicy", "EnableKeyRotation", "Tags")
    metadata = kms.create_key(
        Description=key["Description"],
        Policy=json.dumps(key["KeyPolicy"]),
        Tags=_tags(key, "TagKey", "TagValue"),
    )["KeyMetadata"]
    if key.get("EnableKeyRotation"):
        kms.enable_key_rotation(KeyId=metadata["KeyId"])
    messaging.known.update({"Key": metadata["KeyId"], "Key.Arn": metadata["Arn"]})
    topic = messaging.properties("NotificationTopic", "DisplayName", "KmsMasterKeyId", "Tags")
    # no TopicName in the template: CloudFormation names it after the stack and logical id
    arn: str = sns.create_topic(
        Name="messaging-NotificationTopic",
        Attributes={"DisplayName": topic["DisplayName"], "KmsMasterKeyId": topic["KmsMasterKeyId"]},
        Tags=_tags(topic),
    )["TopicArn"]
    messaging.known["NotificationTopic"] = arn
    return arn


def create_table(data: Stack, dynamodb: Any) -> str:
    """The metadata table; its name."""
    table = data.properties(
        "MetadataTable",
        "AttributeDefinitions",
        "KeySchema",
        "BillingMode",
        "SSESpecification",
        "DeletionProtectionEnabled",
        "Tags",
    )
    name = "data-MetadataTable"  # no TableName in the template: CloudFormation makes one up
    dynamodb.create_table(
        TableName=name,
        AttributeDefinitions=table["AttributeDefinitions"],
        KeySchema=table["KeySchema"],
        BillingMode=table["BillingMode"],
        SSESpecification={
            "Enabled": table["SSESpecification"]["SSEEnabled"],
            "SSEType": table["SSESpecification"]["SSEType"],
        },
        DeletionProtectionEnabled=table["DeletionProtectionEnabled"],
        Tags=_tags(table),
    )
    arn = dynamodb.describe_table(TableName=name)["Table"]["TableArn"]
    data.known.update({"MetadataTable": name, "MetadataTable.Arn": arn})
    return name


def create_bucket(storage: Stack, s3: Any) -> str:
    """The data bucket, versioned as the template says; its name."""
    bucket = storage.properties(
        "DataBucket",
        "BucketName",
        "VersioningConfiguration",
        "BucketEncryption",
        "PublicAccessBlockConfiguration",
        "OwnershipControls",
        "Tags",
    )
    name: str = bucket["BucketName"]
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration=bucket["VersioningConfiguration"])
    rules = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    s3.put_bucket_encryption(
        Bucket=name,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {"ApplyServerSideEncryptionByDefault": r["ServerSideEncryptionByDefault"]}
                for r in rules
            ]
        },
    )
    s3.put_public_access_block(
        Bucket=name, PublicAccessBlockConfiguration=bucket["PublicAccessBlockConfiguration"]
    )
    s3.put_bucket_ownership_controls(Bucket=name, OwnershipControls=bucket["OwnershipControls"])
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": _tags(bucket)})
    return name


def function_arn(compute: Stack, logical_id: str) -> str:
    """The ARN a function of the compute template gets (the function is not deployed)."""
    name = compute.properties(logical_id, "FunctionName")["FunctionName"]
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
    compute.known.update({logical_id: name, f"{logical_id}.Arn": arn})
    return arn


def create_state_machine(orchestration: Stack, iam: Any, sfn: Any) -> str:
    """The workflow with the template's definition (its substitutions applied); its ARN."""
    role = orchestration.properties("StateMachineRole", "AssumeRolePolicyDocument", "Description")
    role_arn = iam.create_role(
        RoleName="orchestration-StateMachineRole",
        AssumeRolePolicyDocument=json.dumps(role["AssumeRolePolicyDocument"]),
        Description=role["Description"],
    )["Role"]["Arn"]
    orchestration.known["StateMachineRole.Arn"] = role_arn
    machine = orchestration.properties(
        "StateMachine",
        "StateMachineName",
        "Definition",
        "DefinitionSubstitutions",
        "RoleArn",
        "StateMachineType",
        "TracingConfiguration",
        "Tags",
    )
    definition = json.dumps(machine["Definition"])
    for name, value in machine["DefinitionSubstitutions"].items():
        definition = definition.replace("${" + name + "}", str(value))
    arn: str = sfn.create_state_machine(
        name=machine["StateMachineName"],
        definition=definition,
        roleArn=machine["RoleArn"],
        type=machine["StateMachineType"],
        tracingConfiguration={"enabled": machine["TracingConfiguration"]["Enabled"]},
        tags=_tags(machine, "key", "value"),
    )["stateMachineArn"]
    orchestration.known["StateMachine"] = arn
    return arn


def function_environment(compute: Stack, logical_id: str) -> dict[str, str]:
    """The environment variables the compute template gives a function."""
    variables = compute.properties(logical_id, "Environment")["Environment"]["Variables"]
    return {name: str(value) for name, value in variables.items()}
