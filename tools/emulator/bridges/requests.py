"""The call seam: every request moto serves passes the emulator's call hooks (``calls.py``).

Not a gap of its own: it gives the emulator a place to model what AWS does around each call
(faults at the API level, IAM authorization) without patching each service.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

from tools.emulator.calls import AwsCall, AwsError, as_http_error
from tools.emulator.context import Bridge, Context
from tools.emulator.principals import Principals


def call_hooks(ctx: Context) -> None:
    # moto authorizes every request of every service at one method (a no-op unless its own
    # all-or-nothing IAM switch is on): build the AwsCall there and run the before hooks; an
    # AwsError from a hook becomes the service's error response. moto's own check still runs
    # after the hooks, unchanged.
    from moto.core.authorization import ActionAuthenticatorMixin

    original = ActionAuthenticatorMixin._authenticate_and_authorize_action

    def _authorize(self: Any, iam_request_cls: type, resource: str = "*") -> None:
        call = _call_of(self, resource, ctx.principals)
        try:
            ctx.calls.run_before(call)
        except AwsError as error:
            raise as_http_error(call.service, error) from None
        original(self, iam_request_cls, resource)

    ctx.patch(ActionAuthenticatorMixin, "_authenticate_and_authorize_action", _authorize)


def response_hooks(ctx: Context) -> None:
    # After moto answered a request served by the emulator's HTTP server, the after hooks
    # may replace the answer (e.g. lose it: the call happened, the caller gets an error).
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    original = DomainDispatcherApplication.__call__

    def __call__(self: Any, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        ctx.calls.clear_current()
        if not ctx.calls.after:
            return original(self, environ, start_response)
        captured: dict[str, Any] = {}

        def _capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured.update(status=status, headers=headers)
            return lambda data: None

        body = b"".join(original(self, environ, _capture))
        status, headers = captured["status"], captured["headers"]
        call = ctx.calls.current()
        ctx.calls.clear_current()
        if call is not None:
            code = int(status.split(" ", 1)[0])
            for hook in list(ctx.calls.after):
                replaced = hook(call, code, dict(headers))
                if replaced is not None:
                    code, new_headers, body = replaced
                    status = f"{code} {'OK' if code < 400 else 'Error'}"
                    headers = list(new_headers.items())
                    break
        start_response(status, [(k, v) for k, v in headers if k.lower() != "content-length"]
                       + [("Content-Length", str(len(body)))])  # fmt: skip
        return [body]

    ctx.patch(DomainDispatcherApplication, "__call__", __call__)


def _call_of(response: Any, resource: str, principals: Principals) -> AwsCall:
    """The AwsCall of the request a moto response object is serving."""
    url = urlparse(str(getattr(response, "uri", "") or ""))
    try:
        operation = response._get_action_from_method_and_request_uri(response.normalized_request)
    except Exception:  # not a REST service: moto's own name is the API's
        operation = None
    operation = operation or str(response._get_action())
    headers = {str(k): str(v) for k, v in dict(response.headers).items()}
    body = getattr(response, "raw_body", b"")
    form = getattr(response, "form_data", None)
    if not body and form:  # a query-protocol form post: werkzeug consumed the body into it
        body = urlencode(list(form.items(multi=True)))
    access_key = response.get_access_key() if "Authorization" in headers else ""
    return AwsCall(
        service=str(response.boto3_service_name),
        operation=operation,
        method=str(response.method),
        path=url.path,
        query=parse_qs(url.query, keep_blank_values=True),
        headers=headers,
        body=body if isinstance(body, bytes) else str(body or "").encode(),
        region=str(response.region),
        account=str(response.current_account),
        access_key=access_key,
        principal=principals.of(access_key),
        moto_resource=resource,
    )


BRIDGES: tuple[Bridge, ...] = (call_hooks, response_hooks)
