"""Bootstrap, deploy and destroy the pipeline with the real ``aws`` CLI (any endpoint).

- ``bootstrap``: the artifacts-bucket stack ``<stack>-bootstrap`` (idempotent).
- ``deploy``: ``aws cloudformation deploy`` of ``build/packaged-root.json`` with the packaged
  code keys, capabilities, tags and ``--no-fail-on-empty-changeset`` (an unchanged redeploy is
  a success), then termination protection on, then the stack outputs.
- ``destroy``: after confirmation, termination protection off, ``delete-stack``, wait, and a
  list of what the stack retained on purpose (data, metadata, keys, logs) with the exact
  commands that remove each one.

The CLI is the one installed next to this Python (``.venv/bin/aws``), so the pinned version runs.
"""

from __future__ import annotations

import argparse
import json
import logging
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError

from contract.deployment import TAGS
from tools.output import show_output
from tools.package import ARTIFACTS_BUCKET_OUTPUT, bootstrap_stack_name
from tools.paths import BOOTSTRAP_TEMPLATE, BUILD_DIR, TEMPLATES_DIR

log = logging.getLogger(__name__)

CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
RETAIN_POLICIES = {"Retain", "RetainExceptOnCreate"}


class DeployError(RuntimeError):
    """A deployment step failed; the message says which and why."""


def aws_cli() -> str:
    """Path of the pinned ``aws`` CLI (the virtualenv's), else the one on PATH."""
    local = Path(sys.executable).parent / "aws"
    found = str(local) if local.exists() else shutil.which("aws")
    if not found:
        raise DeployError("the aws CLI is not installed: run `make venv`")
    return found


def run_aws(*args: str) -> None:
    """Run ``aws <args>``; raise on a non-zero exit.

    The CLI's output streams where this module's messages show; where they do not (``make
    local``, tests), it is captured and printed to stderr only if the command fails.
    """
    command = [aws_cli(), *args]
    log.info("+ aws " + " ".join(args))
    quiet = not log.isEnabledFor(logging.INFO)
    result = subprocess.run(command, check=False, capture_output=quiet, text=True)  # noqa: S603
    if result.returncode != 0:
        if quiet:
            print(result.stdout + result.stderr, file=sys.stderr)
        raise DeployError(f"`aws {' '.join(args[:2])}` exited with {result.returncode}")


def cloudformation_deploy(
    template: Path, stack_name: str, region: str, parameters: dict[str, str]
) -> None:
    """``aws cloudformation deploy`` through a change set; an empty change set is success."""
    args = [
        "cloudformation", "deploy",
        "--template-file", str(template),
        "--stack-name", stack_name,
        "--region", region,
        "--capabilities", *CAPABILITIES,
        "--tags", *(f"{k}={v}" for k, v in TAGS.items()),
        "--no-fail-on-empty-changeset",
    ]  # fmt: skip
    if parameters:
        args += ["--parameter-overrides", *(f"{k}={v}" for k, v in sorted(parameters.items()))]
    run_aws(*args)


def stack_outputs(stack_name: str, region: str) -> dict[str, str]:
    """The stack's outputs as a dict."""
    cfn = boto3.client("cloudformation", region_name=region)
    stack = cfn.describe_stacks(StackName=stack_name)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def log_outputs(stack_name: str, outputs: dict[str, str]) -> None:
    """Log the outputs as an aligned two-column list."""
    log.info(f"\nOutputs of {stack_name}:")
    width = max((len(k) for k in outputs), default=0)
    for key, value in sorted(outputs.items()):
        log.info(f"  {key:<{width}}  {value}")


def bootstrap(stack_name: str, region: str, templates_dir: Path = TEMPLATES_DIR) -> str:
    """Deploy the artifacts-bucket stack (idempotent); return the bucket name."""
    name = bootstrap_stack_name(stack_name)
    cloudformation_deploy(templates_dir / BOOTSTRAP_TEMPLATE, name, region, {})
    outputs = stack_outputs(name, region)
    log_outputs(name, outputs)
    return outputs.get(ARTIFACTS_BUCKET_OUTPUT, "")


def deploy(
    stack_name: str,
    region: str,
    stage: str = "prod",
    email: str = "",
    extra: dict[str, str] | None = None,
    build_dir: Path = BUILD_DIR,
) -> dict[str, str]:
    """Deploy ``build/packaged-root.json``; enable termination protection; return the outputs."""
    template = build_dir / "packaged-root.json"
    params_file = build_dir / "parameters.json"
    if not template.is_file() or not params_file.is_file():
        raise DeployError(f"{template} or {params_file} missing: run `make package` first")
    declared = set(json.loads(template.read_text()).get("Parameters", {}))
    parameters: dict[str, str] = json.loads(params_file.read_text())
    parameters["Stage"] = stage
    if email:
        parameters["NotificationEmail"] = email
    parameters |= extra or {}
    unknown = sorted(set(parameters) - declared)
    if unknown:
        log.info(f"note: the template declares no parameter(s) {unknown}; not passed")
    clear_failed_first_create(stack_name, region)
    cloudformation_deploy(
        template, stack_name, region, {k: v for k, v in parameters.items() if k in declared}
    )
    cfn = boto3.client("cloudformation", region_name=region)
    cfn.update_termination_protection(StackName=stack_name, EnableTerminationProtection=True)
    log.info(f"termination protection enabled on {stack_name}")
    outputs = stack_outputs(stack_name, region)
    log_outputs(stack_name, outputs)
    return outputs


def clear_failed_first_create(stack_name: str, region: str) -> None:
    """Delete a stack whose first create failed, so that the retry can create it anew.

    CloudFormation rolls a failed first create back (its data stores are
    RetainExceptOnCreate, so nothing is kept but the empty, deletion-protected table, whose
    generated name cannot collide) and leaves the stack in ROLLBACK_COMPLETE, a state that
    can only be deleted: `aws cloudformation deploy` would refuse to update it.
    """
    cfn = boto3.client("cloudformation", region_name=region)
    try:
        status = cfn.describe_stacks(StackName=stack_name)["Stacks"][0]["StackStatus"]
    except ClientError:
        return  # no such stack: a first deploy
    if status != "ROLLBACK_COMPLETE":
        return
    log.info(f"{stack_name} is ROLLBACK_COMPLETE (its first create failed): deleting it to retry")
    run_aws("cloudformation", "delete-stack", "--stack-name", stack_name, "--region", region)
    run_aws("cloudformation", "wait", "stack-delete-complete", "--stack-name", stack_name, "--region", region)  # fmt: skip


def _retained_resources(cfn: Any, stack_name: str) -> list[tuple[str, str, str]]:
    """(type, logical id, physical id) of every Retain resource in the stack and its nested stacks."""
    found: list[tuple[str, str, str]] = []
    body = cfn.get_template(StackName=stack_name)["TemplateBody"]
    template = body if isinstance(body, dict) else json.loads(body)
    physical: dict[str, tuple[str, str]] = {}
    paginator = cfn.get_paginator("list_stack_resources")
    for page in paginator.paginate(StackName=stack_name):
        for r in page["StackResourceSummaries"]:
            physical[r["LogicalResourceId"]] = (r["ResourceType"], r.get("PhysicalResourceId", ""))
    for logical_id, resource in template.get("Resources", {}).items():
        kind, physical_id = physical.get(logical_id, (resource.get("Type", ""), ""))
        if kind == "AWS::CloudFormation::Stack" and physical_id:
            found += _retained_resources(cfn, physical_id)
        elif resource.get("DeletionPolicy") in RETAIN_POLICIES:
            found.append((kind, logical_id, physical_id))
    return found


def removal_command(kind: str, physical_id: str, region: str) -> str:
    """The command that deliberately deletes one retained resource."""
    r = f"--region {region}"
    match kind:
        case "AWS::S3::Bucket":  # versioned: every version and delete marker, then the bucket
            return (
                f'{shlex.quote(sys.executable)} -c "import boto3; '
                f"b = boto3.resource('s3', region_name='{region}').Bucket('{physical_id}'); "
                'b.object_versions.delete(); b.delete()"'
            )
        case "AWS::DynamoDB::Table":  # deletion protection first, or DeleteTable is refused
            return (
                f"aws dynamodb update-table {r} --table-name {physical_id} "
                f"--no-deletion-protection-enabled > /dev/null && "
                f"aws dynamodb delete-table {r} --table-name {physical_id} > /dev/null"
            )
        case "AWS::KMS::Key":
            return f"aws kms schedule-key-deletion {r} --key-id {physical_id} --pending-window-in-days 7"
        case "AWS::Logs::LogGroup":
            return f"aws logs delete-log-group {r} --log-group-name {physical_id}"
        case "AWS::SQS::Queue":
            return f"aws sqs delete-queue {r} --queue-url {physical_id}"
        case _:
            return f"# delete {kind} {physical_id} in the console or with its service's CLI"


def destroy(stack_name: str, region: str, yes: bool = False) -> list[tuple[str, str, str]]:
    """Delete the stack after confirmation; list what it retained and how to remove each."""
    if not yes:
        answer = input(f"Type the stack name ({stack_name}) to delete it: ")
        if answer.strip() != stack_name:
            raise DeployError("not confirmed; nothing deleted")
    cfn = boto3.client("cloudformation", region_name=region)
    try:
        retained = _retained_resources(cfn, stack_name)
    except ClientError as exc:
        raise DeployError(f"stack {stack_name} not found in {region}") from exc
    cfn.update_termination_protection(StackName=stack_name, EnableTerminationProtection=False)
    log.info(f"termination protection disabled on {stack_name}")
    run_aws("cloudformation", "delete-stack", "--stack-name", stack_name, "--region", region)
    run_aws("cloudformation", "wait", "stack-delete-complete", "--stack-name", stack_name, "--region", region)  # fmt: skip
    log.info(f"deleted {stack_name}")
    if retained:
        log.info("\nRetained on purpose (data and audit trail outlive the stack):")
        for kind, logical_id, physical_id in retained:
            log.info(f"  {kind:<22} {logical_id:<28} {physical_id}")
        log.info("\nTo remove them deliberately:")
        for kind, _, physical_id in retained:
            log.info(f"  {removal_command(kind, physical_id, region)}")
    log.info(
        f"\nThe artifacts bucket stack {bootstrap_stack_name(stack_name)} is kept for the next "
        "deploy; remove it with: aws cloudformation delete-stack --stack-name "
        f"{bootstrap_stack_name(stack_name)} --region {region} (after emptying its bucket)"
    )
    return retained


def _key_values(items: list[str]) -> dict[str, str]:
    pairs = dict(item.split("=", 1) for item in items)
    return {k.strip(): v for k, v in pairs.items()}


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m tools.deploy bootstrap|deploy|destroy --stack-name S --region R``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("bootstrap", "deploy", "destroy"):
        p = sub.add_parser(name)
        p.add_argument("--stack-name", required=True)
        p.add_argument("--region", required=True)
        if name == "deploy":
            p.add_argument("--stage", default="prod")
            p.add_argument("--email", default="")
            p.add_argument(
                "--parameter", action="append", default=[], metavar="KEY=VALUE",
                help="extra root template parameter (repeatable), e.g. MaxInvalidRowRatio=0.05",
            )  # fmt: skip
        if name == "destroy":
            p.add_argument("--yes", action="store_true", help="do not prompt for confirmation")
    args = parser.parse_args(argv)
    try:
        if args.command == "bootstrap":
            bootstrap(args.stack_name, args.region)
        elif args.command == "deploy":
            extra = _key_values(args.parameter)
            deploy(args.stack_name, args.region, args.stage, args.email, extra)
        else:
            destroy(args.stack_name, args.region, args.yes)
    except DeployError as exc:
        print(f"deploy: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    show_output()
    sys.exit(main())
