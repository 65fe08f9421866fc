"""KMS bridge: keys from templates keep their tags."""

from __future__ import annotations

import json
from typing import Any

from tools.emulator.context import Bridge, Context


def key_tags(ctx: Context) -> None:
    # Gap 13: moto's AWS::KMS::Key passes the template's Tags ({Key, Value}) straight to the
    # KMS tagger, which expects the API shape ({TagKey, TagValue}): KeyError 'TagKey', and
    # the whole stack fails. AWS accepts the CloudFormation shape. Translate it.
    from moto.kms.models import Key

    create = Key.create_from_cloudformation_json

    def _create(cls: Any, name: str, cfn: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        properties = dict(cfn.get("Properties", {}))
        properties["Tags"] = [
            {"TagKey": t["Key"], "TagValue": t["Value"]} for t in properties.get("Tags", [])
        ]
        if isinstance(properties.get("KeyPolicy"), dict):
            properties["KeyPolicy"] = json.dumps(properties["KeyPolicy"])
        return create.__func__(cls, name, {**cfn, "Properties": properties}, *args, **kwargs)  # type: ignore[attr-defined]

    ctx.patch(Key, "create_from_cloudformation_json", classmethod(_create))


BRIDGES: tuple[Bridge, ...] = (key_tags,)
