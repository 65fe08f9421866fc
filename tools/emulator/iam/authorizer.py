"""The IAM check of every call a function or a state machine makes on the emulator.

A call hook (``calls.py``): for a FUNCTION or STATE_MACHINE principal it maps the call to
its IAM requests (``requests.py``, ``s3.py``), evaluates each against the caller's role
policies as CloudFormation created them in moto's IAM backend (inline and managed), records
every decision in the ledger and refuses the call at its first denied request with the
error AWS gives. Harness calls (deploy, uploads, tests) pass unchecked.
"""

from __future__ import annotations

from collections.abc import Callable

from tools.emulator.calls import AwsCall, AwsError
from tools.emulator.iam.ledger import Entry, Ledger
from tools.emulator.iam.policy import Decision, Effect, PolicyDocument, evaluate
from tools.emulator.iam.requests import Request, UnmappedCallError, requests_of
from tools.emulator.principals import Kind, Principal, Principals

#: The error each service answers an authorization failure with: (code, HTTP status).
DENIAL_ERRORS = {
    "s3": ("AccessDenied", 403),
    "sns": ("AuthorizationError", 403),
    "sqs": ("AccessDenied", 403),
    "lambda": ("AccessDeniedException", 403),
    "dynamodb": ("AccessDeniedException", 400),
    "stepfunctions": ("AccessDeniedException", 400),
    "kms": ("AccessDeniedException", 400),
}
CHECKED = {Kind.FUNCTION, Kind.STATE_MACHINE}


def role_policies(role_arn: str) -> list[PolicyDocument]:
    """The identity-based policies of a role in moto's IAM backend (none if it is unknown)."""
    from moto.iam.models import iam_backends

    if not role_arn:
        return []
    account, partition = role_arn.split(":")[4], role_arn.split(":")[1]
    try:
        role = iam_backends[account][partition].get_role_by_arn(role_arn)
    except Exception:
        return []
    documents = [PolicyDocument.of(name, doc) for name, doc in role.policies.items()]
    for policy in role.managed_policies.values():
        default = next(v for v in policy.versions if v.is_default)
        documents.append(PolicyDocument.of(policy.arn, default.document))
    return documents


def denial_message(session_arn: str, request: Request, effect: Effect) -> str:
    """AWS's wording of an identity-based denial."""
    why = (
        "with an explicit deny in an identity-based policy"
        if effect is Effect.EXPLICIT_DENY
        else f"because no identity-based policy allows the {request.action} action"
    )
    return (
        f"User: {session_arn} is not authorized to perform: {request.action} "
        f"on resource: {request.resource} {why}"
    )


class Authorizer:
    """The before hook checking functions' and state machines' calls; owns the ledger."""

    def __init__(self, principals: Principals, ledger: Ledger | None = None) -> None:
        self.principals = principals
        self.ledger = ledger or Ledger()

    def __call__(self, call: AwsCall) -> None:
        if call.principal.kind not in CHECKED:
            return
        session = self.principals.session_arn(call.access_key) or call.principal.role_arn
        self.check(call.principal, session, call.service, call.operation, lambda: requests_of(call))

    def check(
        self,
        principal: Principal,
        session_arn: str,
        service: str,
        operation: str,
        requests: Callable[[], list[Request]],
    ) -> None:
        """Authorize one call's requests; raise AwsError (in the service's terms) at a denial."""

        def entry(request: Request, decision: Decision, reason: str = "") -> Entry:
            return Entry(principal.name, principal.role_arn, session_arn, service, operation,
                         request.action, request.resource, decision, reason)  # fmt: skip

        code, status = DENIAL_ERRORS.get(service, ("AccessDenied", 403))
        try:
            wanted = requests()
        except UnmappedCallError as unmapped:
            request = Request(f"{service}:{operation}", "?")
            self.ledger.record(entry(request, Decision(Effect.IMPLICIT_DENY), str(unmapped)))
            raise AwsError(code, str(unmapped), status) from None
        policies = role_policies(principal.role_arn)
        for request in wanted:
            decision = evaluate(policies, request.action, request.resource)
            self.ledger.record(entry(request, decision))
            if not decision.allowed:
                raise AwsError(code, denial_message(session_arn, request, decision.effect), status)
