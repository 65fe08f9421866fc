"""What IAM authorizes for one AWS call: (action, resource ARN) requests, per service.

moto checks every service but S3 and SQS against the resource ``*`` and names the action
after the API operation (gap 18), so a grant on one table or topic cannot be told from a
grant on all. AWS authorizes the resource the call names: the table of a PutItem, the topic
of a Publish, the function of an Invoke. ``requests_of`` gives those, with the action names
of the IAM service authorization reference; S3's own rules are in ``iam/s3.py``.

Services encrypting with a KMS key call KMS with the caller's credentials: a Publish to an
encrypted topic or a SendMessage to an encrypted queue also needs kms:GenerateDataKey and
kms:Decrypt on the key (SNS and SQS "Key management" docs), modelled here. Other KMS use by
a service on the caller's behalf (Lambda decrypting environment variables, CloudWatch Logs)
goes through grants and key policies the emulator does not see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote

from tools.emulator.calls import AwsCall

#: boto3 service name -> IAM service prefix, where they differ.
PREFIXES = {"stepfunctions": "states"}


@dataclass(frozen=True)
class Request:
    """One IAM action on one resource ARN."""

    action: str
    resource: str


class UnmappedCallError(Exception):
    """The emulator does not know what IAM authorizes for this call (a denial, loudly)."""

    def __init__(self, call: AwsCall) -> None:
        super().__init__(
            f"the emulator does not know which IAM action and resource {call.service} "
            f"{call.operation} needs: add it to tools/emulator/iam/"
        )
        self.call = call


def _partition(region: str) -> str:
    from moto.utilities.utils import get_partition

    return str(get_partition(region))


def _arn(call: AwsCall, service: str, resource: str) -> str:
    return f"arn:{_partition(call.region)}:{service}:{call.region}:{call.account}:{resource}"


def _form(call: AwsCall) -> dict[str, str]:
    """Parameters of a query-protocol call (form body), else of a JSON body."""
    body = call.json_body()
    if isinstance(body, dict) and body:
        return {str(k): str(v) for k, v in body.items() if isinstance(v, str)}
    parsed = parse_qs(call.body.decode(errors="replace"), keep_blank_values=True)
    return {k: v[0] for k, v in parsed.items()}


def key_arn(region: str, account: str, key_id: str) -> str:
    """The ARN of a KMS key given any of its identifiers (id, ARN, alias)."""
    from moto.kms.models import kms_backends

    backend = kms_backends[account][region]
    try:
        return str(backend.describe_key(key_id).arn)
    except Exception:  # unknown key: IAM is asked about the identifier as given
        return key_id


def _uses_key(call: AwsCall, key_id: str | None) -> list[Request]:
    """What a service's encryption with the key needs of the caller (data key, decrypt)."""
    if not key_id:
        return []
    arn = key_arn(call.region, call.account, key_id)
    return [Request("kms:GenerateDataKey", arn), Request("kms:Decrypt", arn)]


def _dynamodb(call: AwsCall) -> list[Request]:
    table = _form(call).get("TableName", "")
    return [Request(f"dynamodb:{call.operation}", _arn(call, "dynamodb", f"table/{table}"))]


def _topic_key(call: AwsCall, topic_arn: str) -> str | None:
    from moto.sns.models import sns_backends

    try:
        topic = sns_backends[call.account][call.region].get_topic(topic_arn)
    except Exception:
        return None
    return str(getattr(topic, "kms_master_key_id", "") or "") or None


def _sns(call: AwsCall) -> list[Request]:
    topic = _form(call).get("TopicArn", "")
    requests = [Request(f"sns:{call.operation}", topic)]
    if call.operation == "Publish":
        requests += _uses_key(call, _topic_key(call, topic))
    return requests


def _states(call: AwsCall) -> list[Request]:
    params = _form(call)
    resource = params.get("stateMachineArn") or params.get("executionArn", "")
    return [Request(f"states:{call.operation}", resource)]


def _lambda(call: AwsCall) -> list[Request]:
    """Invoke is lambda:InvokeFunction on the function (qualified when a Qualifier is given)."""
    parts = call.path.split("/")
    name = unquote(parts[3]) if len(parts) > 3 else ""
    if not name.startswith("arn:"):
        name = _arn(call, "lambda", f"function:{name}")
    qualifier = (call.query.get("Qualifier") or [""])[0]
    if qualifier and name.count(":") == 6:
        name = f"{name}:{qualifier}"
    action = "lambda:InvokeFunction" if call.operation == "Invoke" else f"lambda:{call.operation}"
    return [Request(action, name)]


def _queue_key(region: str, account: str, name: str) -> str | None:
    from moto.sqs.models import sqs_backends

    try:
        queue = sqs_backends[account][region].get_queue(name)
    except Exception:
        return None
    return str(getattr(queue, "kms_master_key_id", "") or "") or None


def send_message_requests(queue_arn: str) -> list[Request]:
    """sqs:SendMessage on the queue, and the key of an encrypted queue."""
    _, _, _, region, account, name = queue_arn.split(":", 5)
    requests = [Request("sqs:SendMessage", queue_arn)]
    key_id = _queue_key(region, account, name)
    if key_id:
        arn = key_arn(region, account, key_id)
        requests += [Request("kms:GenerateDataKey", arn), Request("kms:Decrypt", arn)]
    return requests


def _sqs(call: AwsCall) -> list[Request]:
    name = _form(call).get("QueueUrl", "").rstrip("/").rsplit("/", 1)[-1]
    arn = _arn(call, "sqs", name)
    action = call.operation.removesuffix("Batch")  # SendMessageBatch is sqs:SendMessage
    if action == "SendMessage":
        return send_message_requests(arn)
    return [Request(f"sqs:{action}", arn)]


SERVICES: dict[str, Callable[[AwsCall], list[Request]]] = {
    "dynamodb": _dynamodb,
    "sns": _sns,
    "stepfunctions": _states,
    "lambda": _lambda,
    "sqs": _sqs,
}

#: Operations IAM never authorizes (AWS answers them for any valid credentials).
UNCHECKED = {("sts", "GetCallerIdentity")}


def requests_of(call: AwsCall) -> list[Request]:
    """What IAM must allow for ``call``; [] when IAM does not authorize it at all."""
    from tools.emulator.iam.s3 import s3_requests

    if (call.service, call.operation) in UNCHECKED:
        return []
    if call.service == "s3":
        return s3_requests(call)
    mapping = SERVICES.get(call.service)
    if mapping is None:
        raise UnmappedCallError(call)
    return mapping(call)
