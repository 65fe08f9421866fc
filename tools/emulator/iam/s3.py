"""The IAM actions and resource ARNs an S3 call needs, as the S3 documentation lists them.

moto's own check (its INITIAL_NO_AUTH_ACTION_COUNT switch) names each S3 request after its
HTTP method: a HEAD or GET of an exact version is checked as s3:GetObject, a DeleteObject of
one as s3:DeleteObject, and a CopyObject only against its target. S3 decides differently,
and this module says what it decides, one gap per function (tests/tools/emulator/bridges/
test_iam.py shows each on plain moto):

- Gap 20: reading an exact version (GET, HEAD, ``?versionId=``) is s3:GetObjectVersion, and
  deleting one s3:DeleteObjectVersion.
- Gap 21: CopyObject (and UploadPartCopy) reads its source: s3:GetObject, or
  s3:GetObjectVersion when the source names a version, on the source object's ARN.
- Gap 22: CopyObject copies the source's tags unless told otherwise (directive COPY), which
  reads them (s3:GetObjectTagging / s3:GetObjectVersionTagging on the source) and writes
  them (s3:PutObjectTagging on the target); so does a PutObject or a REPLACE copy that
  carries an ``x-amz-tagging`` header.
- Gap 23: a missing object (or version) answers 404 only to a caller that also has
  s3:ListBucket on the bucket, and 403 AccessDenied to any other: a function telling
  "already moved" from "denied" needs the grant.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from tools.emulator.calls import AwsCall
from tools.emulator.iam.requests import Request, UnmappedCallError


def _version(call: AwsCall) -> str:
    return (call.query.get("versionId") or [""])[0]


def _bucket_and_key(call: AwsCall) -> tuple[str, str]:
    # moto's own resource for an S3 call is the object (or bucket) ARN, the key decoded
    resource = call.moto_resource.split(":::", 1)[-1]
    bucket, _, key = resource.partition("/")
    return bucket, key


def _partition(call: AwsCall) -> str:
    return call.moto_resource.split(":", 2)[1] if call.moto_resource.startswith("arn:") else "aws"


def _object_arn(partition: str, bucket: str, key: str) -> str:
    return f"arn:{partition}:s3:::{bucket}/{key}"


def _backend(call: AwsCall) -> Any:
    from moto.s3.models import s3_backends

    return s3_backends[call.account][_partition(call)]


def _stored(call: AwsCall, bucket: str, key: str, version: str) -> Any:
    """The object (version) as moto holds it, or None (read without moto's side effects)."""
    try:
        keys = _backend(call).get_bucket(bucket).keys
    except Exception:  # no such bucket: the call itself will say so
        return None
    if not version:
        found = keys.get(key)
    else:
        found = next(
            (k for k in keys.getlist(key, default=[]) if str(k.version_id) == version), None
        )
    return found if type(found).__name__ == "FakeKey" else None


def _read(call: AwsCall) -> list[Request]:
    """GetObject / HeadObject: the version action (gap 20), ListBucket if missing (gap 23)."""
    bucket, key = _bucket_and_key(call)
    version = _version(call)
    action = "s3:GetObjectVersion" if version else "s3:GetObject"
    requests = [Request(action, _object_arn(_partition(call), bucket, key))]
    if _stored(call, bucket, key, version) is None:
        requests.append(Request("s3:ListBucket", f"arn:{_partition(call)}:s3:::{bucket}"))
    return requests


def _delete(call: AwsCall) -> list[Request]:
    action = "s3:DeleteObjectVersion" if _version(call) else "s3:DeleteObject"
    return [Request(action, call.moto_resource)]


def _tagging_header(call: AwsCall) -> bool:
    return any(name.lower() == "x-amz-tagging" for name in call.headers)


def _header(call: AwsCall, name: str) -> str:
    return next((v for k, v in call.headers.items() if k.lower() == name), "")


def _put(call: AwsCall) -> list[Request]:
    requests = [Request("s3:PutObject", call.moto_resource)]
    if _tagging_header(call):
        requests.append(Request("s3:PutObjectTagging", call.moto_resource))
    return requests


def _copy_source(call: AwsCall) -> tuple[str, str, str]:
    """(bucket, key, version) of ``x-amz-copy-source``: ``bucket/key[?versionId=v]``, encoded."""
    source = _header(call, "x-amz-copy-source")
    path, _, query = source.partition("?")
    bucket, _, key = unquote(path).lstrip("/").partition("/")
    version = ""
    for pair in query.split("&"):
        name, _, value = pair.partition("=")
        if name == "versionId":
            version = unquote(value)
    return bucket, key, version


def _copy(call: AwsCall) -> list[Request]:
    """CopyObject: write the target, read the source (gap 21), copy its tags (gap 22)."""
    bucket, key, version = _copy_source(call)
    source = _object_arn(_partition(call), bucket, key)
    requests = [
        Request("s3:PutObject", call.moto_resource),
        Request("s3:GetObjectVersion" if version else "s3:GetObject", source),
    ]
    replace = _header(call, "x-amz-tagging-directive").upper() == "REPLACE"
    if replace:
        if _tagging_header(call):
            requests.append(Request("s3:PutObjectTagging", call.moto_resource))
        return requests
    stored = _stored(call, bucket, key, version)
    if stored is not None and _backend(call).get_object_tagging(stored).get("Tags"):
        read_tags = "s3:GetObjectVersionTagging" if version else "s3:GetObjectTagging"
        requests += [Request(read_tags, source), Request("s3:PutObjectTagging", call.moto_resource)]
    return requests


def _upload_part(call: AwsCall) -> list[Request]:
    """A part: written as s3:PutObject; an UploadPartCopy also reads its source (gap 21)."""
    requests = [Request("s3:PutObject", call.moto_resource)]
    if _header(call, "x-amz-copy-source"):
        bucket, key, version = _copy_source(call)
        action = "s3:GetObjectVersion" if version else "s3:GetObject"
        requests.append(Request(action, _object_arn(_partition(call), bucket, key)))
    return requests


def _same(action: str, version_action: str = "") -> Callable[[AwsCall], list[Request]]:
    def requests(call: AwsCall) -> list[Request]:
        chosen = version_action if version_action and _version(call) else action
        return [Request(chosen, call.moto_resource)]

    return requests


def _bucket(action: str) -> Callable[[AwsCall], list[Request]]:
    def requests(call: AwsCall) -> list[Request]:
        bucket, _ = _bucket_and_key(call)
        return [Request(action, f"arn:{_partition(call)}:s3:::{bucket}")]

    return requests


#: S3 API operation -> what it needs (docs: "Actions, resources, and condition keys for S3").
OPERATIONS: dict[str, Callable[[AwsCall], list[Request]]] = {
    "GetObject": _read,
    "HeadObject": _read,
    "PutObject": _put,
    "CopyObject": _copy,
    "DeleteObject": _delete,
    "CreateMultipartUpload": _put,
    "UploadPart": _upload_part,
    "UploadPartCopy": _upload_part,
    "CompleteMultipartUpload": _same("s3:PutObject"),
    "AbortMultipartUpload": _same("s3:AbortMultipartUpload"),
    "ListParts": _same("s3:ListMultipartUploadParts"),
    "GetObjectTagging": _same("s3:GetObjectTagging", "s3:GetObjectVersionTagging"),
    "PutObjectTagging": _same("s3:PutObjectTagging", "s3:PutObjectVersionTagging"),
    "DeleteObjectTagging": _same("s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging"),
    "ListObjects": _bucket("s3:ListBucket"),
    "ListObjectsV2": _bucket("s3:ListBucket"),
    "ListObjectVersions": _bucket("s3:ListBucketVersions"),
    "ListMultipartUploads": _bucket("s3:ListBucketMultipartUploads"),
}


def s3_requests(call: AwsCall) -> list[Request]:
    """The (action, resource) pairs S3 authorizes for ``call``."""
    mapping = OPERATIONS.get(call.operation)
    if mapping is None:
        raise UnmappedCallError(call)
    return mapping(call)
