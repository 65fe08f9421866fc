"""IAM bridges: every call a function or the state machine makes is authorized against its role.

The authorization itself (``tools/emulator/iam/``) maps each call to the IAM actions and
resource ARNs AWS checks and evaluates the caller's role policies; the S3 rules that differ
from moto's (gaps 20-23) are documented where they are decided, in ``iam/s3.py``.
"""

from __future__ import annotations

import json
from typing import Any

from tools.emulator.context import Bridge, Context


def enforce_role_policies(ctx: Context) -> None:
    # Gap 17: moto's own IAM check (settings.INITIAL_NO_AUTH_ACTION_COUNT) is all-or-nothing:
    # off (the default), nothing is checked; on, every request is, the deploy and the
    # harness included (whose keys belong to no IAM user, so everything fails), and every
    # service but S3 and SQS is checked against the resource "*" (gap 18). AWS checks each
    # call a function makes against a session of its execution role, and each service
    # integration of a state machine against a session of the state machine's role. Put the
    # emulator's authorizer first among the call hooks; it checks those principals only.
    if ctx.iam is None:
        return
    ctx.patch(ctx.calls, "before", [ctx.iam, *ctx.calls.before])


def template_role_policies(ctx: Context) -> None:
    # Gap 19: an AWS::IAM::Role's inline Policies from a template are stored as the dict
    # they are in the template, where IAM (and moto's API) keep the JSON text: moto's own
    # policy check then fails with "the JSON object must be str" and GetRolePolicy returns
    # an unparsable document. An update of the role keeps the old Policies. AWS stores the
    # documents and replaces them on update. Store them as JSON text, and replace them.
    from moto.iam.models import Role

    create = Role.create_from_cloudformation_json
    update = Role.update_from_cloudformation_json

    def _as_text(cfn: dict[str, Any]) -> dict[str, Any]:
        properties = dict(cfn.get("Properties", {}))
        properties["Policies"] = [
            {**p, "PolicyDocument": _json(p["PolicyDocument"])}
            for p in properties.get("Policies", [])
        ]
        return {**cfn, "Properties": properties}

    def _create(cls: Any, name: str, cfn: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        return create.__func__(cls, name, _as_text(cfn), *args, **kwargs)  # type: ignore[attr-defined]

    def _update(cls: Any, original: Any, name: str, cfn: dict[str, Any], *a: Any, **kw: Any) -> Any:
        role = update.__func__(cls, original, name, cfn, *a, **kw)  # type: ignore[attr-defined]
        role.policies = {
            p["PolicyName"]: p["PolicyDocument"] for p in _as_text(cfn)["Properties"]["Policies"]
        }
        return role

    ctx.patch(Role, "create_from_cloudformation_json", classmethod(_create))
    ctx.patch(Role, "update_from_cloudformation_json", classmethod(_update))


def _json(document: Any) -> str:
    return document if isinstance(document, str) else json.dumps(document)


BRIDGES: tuple[Bridge, ...] = (enforce_role_policies, template_role_policies)
