"""Every AWS call the emulator serves, as one value, and the hooks that may act on it.

moto checks authorization at one seam for every request of every service
(``ActionAuthenticatorMixin._authenticate_and_authorize_action``); the requests bridge
(``bridges/requests.py``) builds an ``AwsCall`` there and hands it to each registered hook
before moto performs the call. A hook may let the call through (return), delay it, or refuse
it by raising ``AwsError``, which the client receives as the AWS error of that service's
protocol. After moto has answered, ``after`` hooks may replace the answer (the call happened,
but the caller never learns it: a lost response).

This is how fault injection at the API level and IAM enforcement attach to the emulator
without knowing moto's internals. Deploy and harness calls go through it too; a hook decides
from ``AwsCall.access_key`` whose call it is.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from werkzeug.exceptions import HTTPException

from tools.emulator.principals import HARNESS, Principal


@dataclass(frozen=True)
class AwsCall:
    """One API request as the emulator received it (before moto performs it)."""

    service: str  # boto3's name: "s3", "lambda", "dynamodb", "stepfunctions", ...
    operation: str  # the API operation: "PutObject", "HeadObject", "Publish", "Invoke", ...
    method: str
    path: str  # URL path, percent-decoded as moto sees it
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]
    body: bytes
    region: str
    account: str
    access_key: str  # from the SigV4 Authorization header ("" when unsigned)
    #: Who signed the call (``principals.py``): a function, the state machine, the harness.
    principal: Principal = HARNESS
    #: What moto would authorize against: an S3 object/bucket ARN, an SQS queue ARN, else "*".
    moto_resource: str = "*"

    def json_body(self) -> Any:
        """The body of a JSON-protocol request, parsed ({} when absent or not JSON)."""
        try:
            return json.loads(self.body or b"{}")
        except ValueError:
            return {}


class AwsError(Exception):
    """Raised by a hook: the caller receives this AWS error instead of the call's result."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


BeforeHook = Callable[[AwsCall], None]
#: (call, status, headers, body) -> a replacement (status, headers, body), or None to keep it.
AfterHook = Callable[[AwsCall, int, Mapping[str, str]], "tuple[int, dict[str, str], bytes] | None"]


@dataclass
class CallHooks:
    """The hooks of one emulator, in registration order."""

    before: list[BeforeHook] = field(default_factory=list)
    after: list[AfterHook] = field(default_factory=list)
    _current: threading.local = field(default_factory=threading.local)

    def run_before(self, call: AwsCall) -> None:
        """Remember the call for this request's thread, then let every hook see it."""
        self._current.call = call
        for hook in list(self.before):
            hook(call)

    def current(self) -> AwsCall | None:
        """The call this thread's request is serving (None before the seam ran)."""
        return getattr(self._current, "call", None)

    def clear_current(self) -> None:
        """Forget the thread's call once its response is on its way."""
        self._current.call = None


@cache
def protocol(service: str) -> str:
    """botocore's wire protocol of a service ("json", "query", "rest-xml", ...)."""
    import botocore.session

    model = botocore.session.get_session().get_service_model(service)
    return str(model.metadata["protocol"])


class _ErrorResponse(HTTPException):
    """An ``AwsError`` rendered the way the service's protocol carries errors."""

    def __init__(self, service: str, error: AwsError) -> None:
        super().__init__()
        self.code = error.status
        self._headers, self._body = error_body(service, error)
        # moto's call_action renders an authorization failure from ``description`` alone
        self.description = self._body

    def get_headers(self, *args: Any, **kwargs: Any) -> list[tuple[str, str]]:
        return list(self._headers.items())

    def get_body(self, *args: Any, **kwargs: Any) -> str:
        return self._body


def error_body(service: str, error: AwsError) -> tuple[dict[str, str], str]:
    """Headers and body of an AWS error response in ``service``'s protocol.

    Every AWS answer carries a request id (clients, Step Functions' error causes read it).
    """
    kind = protocol(service)
    request_id = {"x-amzn-RequestId": str(uuid.uuid4()), "x-amz-request-id": str(uuid.uuid4())}
    if kind in {"json", "rest-json"}:
        body = json.dumps({"__type": error.code, "message": error.message})
        return {
            "Content-Type": "application/json",
            "X-Amzn-ErrorType": error.code,
            **request_id,
        }, body
    if kind == "rest-xml":
        body = f"<Error><Code>{error.code}</Code><Message>{_xml(error.message)}</Message></Error>"
        return {"Content-Type": "application/xml", **request_id}, body
    body = (
        "<ErrorResponse><Error><Type>Sender</Type>"
        f"<Code>{error.code}</Code><Message>{_xml(error.message)}</Message></Error>"
        "<RequestId>emulator</RequestId></ErrorResponse>"
    )
    return {"Content-Type": "text/xml", **request_id}, body


def as_http_error(service: str, error: AwsError) -> HTTPException:
    """What moto's server (and mock_aws) turn into the HTTP response of ``error``."""
    return _ErrorResponse(service, error)


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
