"""Upload the function code and nested templates; write the packaged root template.

``make package`` runs ``python -m tools.package --stack-name S --region R``. It uploads, under
content-addressed keys (the SHA-256 of the bytes, so an unchanged artifact is never re-uploaded
and a changed one always gets a new key, which is what makes CloudFormation update a function):

- every zip of ``build/manifest.json`` to ``code/<name>-<sha256>.zip``;
- every nested template the root references by plain file name (``"TemplateURL":
  "storage.json"``) to ``templates/<name>-<sha256>.json``, depth first;

then writes ``build/packaged-root.json`` (the root with those TemplateURLs rewritten) and
``build/parameters.json`` (the artifacts bucket and code keys the root takes as parameters).
It works against any endpoint: boto3 honours ``AWS_ENDPOINT_URL``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError

from stacks.names import Output
from tools.output import show_output
from tools.paths import BUILD_DIR, REPO, ROOT_TEMPLATE, TEMPLATES_DIR

log = logging.getLogger(__name__)

ARTIFACTS_BUCKET_OUTPUT = Output.ARTIFACTS_BUCKET_NAME

#: Manifest entry name -> root template parameter receiving its S3 key.
CODE_KEY_PARAMETERS = {
    "validation": "ValidationCodeKey",
    "transformation": "TransformationCodeKey",
    "sweeper": "SweeperCodeKey",
    "layer": "LayerCodeKey",
}


class PackageError(RuntimeError):
    """Packaging cannot proceed (missing build output, template or bootstrap stack)."""


def bootstrap_stack_name(stack_name: str) -> str:
    """The artifacts-bucket stack that belongs to a pipeline stack."""
    return f"{stack_name}-bootstrap"


def artifacts_bucket(stack_name: str, region: str) -> str:
    """The artifacts bucket name, read from the bootstrap stack's output."""
    cfn = boto3.client("cloudformation", region_name=region)
    name = bootstrap_stack_name(stack_name)
    try:
        stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
    except ClientError as exc:
        raise PackageError(f"bootstrap stack {name} not found: run `make bootstrap` first") from exc
    for output in stack.get("Outputs", []):
        if output["OutputKey"] == ARTIFACTS_BUCKET_OUTPUT:
            return str(output["OutputValue"])
    raise PackageError(f"stack {name} has no output {ARTIFACTS_BUCKET_OUTPUT}")


def template_url(bucket: str, key: str, region: str) -> str:
    """S3 path-style URL: what CloudFormation accepts and moto resolves without a host lookup."""
    suffix = ".com.cn" if region.startswith("cn-") else ".com"
    return f"https://s3.{region}.amazonaws{suffix}/{bucket}/{key}"


@dataclass
class Uploader:
    """Put bytes under content-addressed keys, skipping what is already there."""

    bucket: str
    region: str
    uploaded: int = 0
    reused: int = 0

    def put(self, prefix: str, name: str, body: bytes, suffix: str) -> str:
        """Upload ``body`` to ``<prefix>/<name>-<sha256><suffix>`` unless present; return the key."""
        digest = hashlib.sha256(body).hexdigest()
        key = f"{prefix}/{name}-{digest}{suffix}"
        s3 = boto3.client("s3", region_name=self.region)
        try:
            s3.head_object(Bucket=self.bucket, Key=key)
            self.reused += 1
        except ClientError:
            s3.put_object(Bucket=self.bucket, Key=key, Body=body)
            self.uploaded += 1
        return key


def _rewrite_nested(template: dict[str, Any], directory: Path, uploader: Uploader) -> None:
    """Upload every nested template referenced by file name and point its TemplateURL at it."""
    for logical_id, resource in template.get("Resources", {}).items():
        if resource.get("Type") != "AWS::CloudFormation::Stack":
            continue
        url = resource.get("Properties", {}).get("TemplateURL")
        if not isinstance(url, str) or "://" in url:
            continue  # already a URL (or an intrinsic): leave it alone
        path = directory / url
        if not path.is_file():
            raise PackageError(f"{logical_id}: nested template {path} not found")
        nested = json.loads(path.read_text())
        _rewrite_nested(nested, path.parent, uploader)
        body = json.dumps(nested, indent=1, sort_keys=True).encode()
        key = uploader.put("templates", path.stem, body, ".json")
        resource["Properties"]["TemplateURL"] = template_url(uploader.bucket, key, uploader.region)


def _upload_code(manifest_path: Path, declared: set[str], uploader: Uploader) -> dict[str, str]:
    """Upload every zip of the manifest; return the code key of each parameter the root declares."""
    parameters: dict[str, str] = {}
    manifest: dict[str, dict[str, Any]] = json.loads(manifest_path.read_text())
    for name, entry in sorted(manifest.items()):
        path = Path(entry["path"])
        path = path if path.is_absolute() else (REPO / path)
        body = path.read_bytes()
        if hashlib.sha256(body).hexdigest() != entry["sha256"]:
            raise PackageError(f"{path} does not match its manifest sha256: rebuild it")
        key = uploader.put("code", name, body, ".zip")
        parameter = CODE_KEY_PARAMETERS.get(name)
        if parameter is not None and parameter in declared:
            parameters[parameter] = key
    missing = sorted(
        p for p in CODE_KEY_PARAMETERS.values() if p in declared and p not in parameters
    )
    if missing:
        raise PackageError(f"build/manifest.json has no artifact for parameter(s) {missing}")
    return parameters


def package(
    stack_name: str,
    region: str,
    templates_dir: Path = TEMPLATES_DIR,
    build_dir: Path = BUILD_DIR,
    bucket: str | None = None,
) -> dict[str, str]:
    """Upload code and nested templates; write the packaged root and its parameters file."""
    manifest_path = build_dir / "manifest.json"
    if not manifest_path.is_file():
        raise PackageError(f"{manifest_path} not found: run `make package-functions` first")
    root_path = templates_dir / ROOT_TEMPLATE
    if not root_path.is_file():
        raise PackageError(f"{root_path} not found: run `make templates` first")
    bucket = bucket or artifacts_bucket(stack_name, region)
    uploader = Uploader(bucket, region)

    root = json.loads(root_path.read_text())
    declared = set(root.get("Parameters", {}))
    parameters: dict[str, str] = {}
    if "ArtifactsBucket" in declared:
        parameters["ArtifactsBucket"] = bucket
    parameters |= _upload_code(manifest_path, declared, uploader)

    _rewrite_nested(root, templates_dir, uploader)
    build_dir.mkdir(parents=True, exist_ok=True)
    (build_dir / "packaged-root.json").write_text(json.dumps(root, indent=1, sort_keys=True) + "\n")
    (build_dir / "parameters.json").write_text(
        json.dumps(parameters, indent=2, sort_keys=True) + "\n"
    )
    log.info(
        f"packaged into s3://{bucket}: {uploader.uploaded} uploaded, {uploader.reused} unchanged; "
        f"wrote {build_dir / 'packaged-root.json'} and {build_dir / 'parameters.json'}"
    )
    return parameters


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m tools.package --stack-name S --region R``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack-name", required=True)
    parser.add_argument("--region", required=True)
    parser.add_argument("--bucket", help="artifacts bucket (default: the bootstrap stack's output)")
    parser.add_argument("--templates-dir", type=Path, default=TEMPLATES_DIR)
    parser.add_argument("--build-dir", type=Path, default=BUILD_DIR)
    args = parser.parse_args(argv)
    try:
        package(args.stack_name, args.region, args.templates_dir, args.build_dir, args.bucket)
    except PackageError as exc:
        print(f"package: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    show_output()
    sys.exit(main())
