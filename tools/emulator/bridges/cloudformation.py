"""CloudFormation bridges: nested stack and change set outputs, empty change sets, termination
protection, ``$$`` in ``Fn::Sub`` and literal nulls in templates."""

from __future__ import annotations

import string
import threading
from types import SimpleNamespace
from typing import Any

from tools.emulator.context import Bridge, Context


def nested_stack_outputs(ctx: Context) -> None:
    # Gap 5: `Fn::GetAtt [NestedStack, Outputs.X]` fails in moto (its Stack resource has no
    # get_cfn_attribute): a root output built from it silently disappears, and a sibling
    # stack's parameter fed from it breaks the deploy. AWS resolves it to the nested
    # stack's output X.
    from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
    from moto.cloudformation.models import Stack

    def get_cfn_attribute(self: Any, attribute_name: str) -> Any:
        if attribute_name.startswith("Outputs."):
            return self.output_map[attribute_name.removeprefix("Outputs.")].value
        raise UnformattedGetAttTemplateException()

    ctx.patch(Stack, "get_cfn_attribute", get_cfn_attribute)


def change_set_outputs(ctx: Context) -> None:
    # Gap 6: a stack created through a change set (what `aws cloudformation deploy` does)
    # has no Outputs in moto: the Stack was built from an empty template and
    # execute_change_set never rebuilds its output map. Rebuild it from the executed template.
    from moto.cloudformation.models import CloudFormationBackend

    execute = CloudFormationBackend.execute_change_set

    def execute_change_set(self: Any, change_set_name: str, stack_name: str | None = None) -> None:
        execute(self, change_set_name, stack_name)
        change_set = self.describe_change_set(change_set_name)
        stack = self.stacks[change_set.stack_id]
        stack._parse_template()
        stack.description = stack.template_dict.get("Description")
        stack.output_map = stack._create_output_map()

    ctx.patch(CloudFormationBackend, "execute_change_set", execute_change_set)


def empty_change_set(ctx: Context) -> None:
    # Gap 7: re-creating a change set with the same template and parameters makes moto
    # answer CreateChangeSet with a ValidationError "No updates are to be performed." when
    # the template is inline; AWS creates the change set in status FAILED with the reason
    # "The submitted information didn't contain changes...", which is what
    # `aws cloudformation deploy --no-fail-on-empty-changeset` recognises as success.
    from moto.cloudformation.responses import CloudFormationResponse

    def _validate_different_update(self: Any, *args: Any, **kwargs: Any) -> None:
        return None  # the backend marks an unchanged change set FAILED, as AWS does

    ctx.patch(CloudFormationResponse, "_validate_different_update", _validate_different_update)


def termination_protection(ctx: Context) -> None:
    # Gap 9: moto 5.2.5 has no UpdateTerminationProtection (HTTP 500 "not implemented") and
    # its DeleteStack ignores the flag. AWS stores the flag and refuses to delete a protected
    # stack with a ValidationError; `make deploy` sets it and `make destroy` clears it.
    from moto.cloudformation.exceptions import ValidationError
    from moto.cloudformation.responses import CloudFormationResponse

    delete_stack = CloudFormationResponse.delete_stack

    def update_termination_protection(self: Any) -> str:
        stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
        stack.enable_termination_protection = self._get_bool_param("EnableTerminationProtection")
        return (
            '<UpdateTerminationProtectionResponse xmlns="http://cloudformation.amazonaws.com/'
            f'doc/2010-05-15/"><UpdateTerminationProtectionResult><StackId>{stack.stack_id}'
            "</StackId></UpdateTerminationProtectionResult></UpdateTerminationProtectionResponse>"
        )

    def guarded_delete_stack(self: Any) -> Any:
        name = self._get_param("StackName")
        protected = [
            s
            for s in self.cloudformation_backend.stacks.values()
            if name in (s.name, s.stack_id) and s.enable_termination_protection
        ]
        if protected:
            raise ValidationError(
                name,
                message=f"Stack [{name}] cannot be deleted while TerminationProtection is enabled",
            )
        return delete_stack(self)

    ctx.patch(
        CloudFormationResponse, "update_termination_protection", update_termination_protection
    )
    ctx.patch(CloudFormationResponse, "delete_stack", guarded_delete_stack)


class _CfnSubTemplate(string.Template):
    """``string.Template`` that only knows ``${Name}``: ``$$`` and ``$.path`` stay as written."""

    pattern = r"\$(?:(?P<escaped>(?!))|(?P<named>(?!))|{(?P<braced>[_A-Za-z][_A-Za-z0-9.]*)}|(?P<invalid>(?!)))"  # type: ignore[assignment]


def fn_sub_dollars(ctx: Context) -> None:
    # Gap 10: moto resolves `Fn::Sub [template, {vars}]` with string.Template, so every "$$"
    # becomes "$" (Template's escape). AWS leaves "$$" alone; a state machine definition
    # needs "$$.Execution.StartTime" intact. Give moto a Template that knows only ${Name}.
    from moto.cloudformation import parsing

    ctx.patch(parsing, "string", SimpleNamespace(Template=_CfnSubTemplate))


_INTRINSICS = frozenset(
    {"Ref", "Fn::FindInMap", "Fn::GetAZs", "Fn::GetAtt", "Fn::If", "Fn::ImportValue",
     "Fn::Join", "Fn::Select", "Fn::Split", "Fn::Sub", "Fn::ToJsonString"}
)  # fmt: skip


def template_nulls(ctx: Context) -> None:
    # Gap 14: moto's template resolver (parsing.clean_json) drops every key whose value is
    # null, so a state machine `Definition` loses `"ResultPath": null` ("discard the task's
    # result") and the next state sees the task output instead of its input. AWS keeps
    # literal nulls. Keep a literal null; anything an intrinsic resolves to None (e.g.
    # AWS::NoValue) is still dropped by moto as before.
    from moto.cloudformation import parsing

    original = parsing.clean_json

    def clean_json(resource_json: Any, resources_map: Any) -> Any:
        if (
            isinstance(resource_json, dict)
            and resource_json
            and not (set(resource_json) & _INTRINSICS)
        ):
            cleaned: dict[str, Any] = {}
            for key, value in resource_json.items():
                if value is None:
                    cleaned[key] = None
                    continue
                resolved = clean_json(value, resources_map)
                if resolved is not None:
                    cleaned[key] = resolved
            return cleaned
        return original(resource_json, resources_map)

    ctx.patch(parsing, "clean_json", clean_json)


#: Set while a failed first create is rolled back (nested stacks' deletes included).
_ROLLING_BACK_CREATE = threading.local()


def retain_except_on_create(ctx: Context) -> None:
    # Gap 24: moto's stack delete keeps only DeletionPolicy "Retain": a RetainExceptOnCreate
    # resource (the data bucket, the table) is deleted with the stack. AWS keeps it when an
    # existing stack is deleted, and deletes it only when rolling back the create that made
    # it (gap 25). Keep both policies on a delete, unless a failed create is rolled back.
    from moto.cloudformation.parsing import ResourceMap

    def delete(self: Any) -> None:
        rolling_back = getattr(_ROLLING_BACK_CREATE, "active", False)
        kept = {"Retain"} if rolling_back else {"Retain", "RetainExceptOnCreate"}
        original_json = self._resource_json_map
        doomed = {k for k, v in original_json.items() if v.get("DeletionPolicy") not in kept}
        self._resource_json_map = {k: v for k, v in original_json.items() if k in doomed}
        try:
            original(self)
        finally:
            self._resource_json_map = original_json

    original = ResourceMap.delete
    ctx.patch(ResourceMap, "delete", delete)


def rollback_failed_create(ctx: Context) -> None:
    # Gap 25: when a resource fails during a stack's first create (CreateStack, a nested
    # stack, or a CREATE change set from `aws cloudformation deploy`), moto stops with the
    # error and leaves the stack CREATE_IN_PROGRESS with everything made so far. AWS rolls the
    # create back: it deletes what it created, except DeletionPolicy Retain, and the stack is
    # ROLLBACK_COMPLETE (a retry must delete it first). Do that, then let the error through.
    from moto.cloudformation.models import ChangeSet, Stack

    create_resources, apply = Stack.create_resources, ChangeSet.apply

    def _roll_back(stack: Any, resources: dict[str, Any]) -> None:
        stack._add_stack_event("ROLLBACK_IN_PROGRESS", resource_status_reason="create failed")
        resource_map = stack.resource_map
        resource_map._resource_json_map = resources
        outer = getattr(_ROLLING_BACK_CREATE, "active", False)
        _ROLLING_BACK_CREATE.active = True
        try:
            resource_map.delete()
        finally:
            _ROLLING_BACK_CREATE.active = outer
        stack.status = "ROLLBACK_COMPLETE"
        stack._add_stack_event("ROLLBACK_COMPLETE")

    def _create_resources(self: Any) -> None:
        try:
            create_resources(self)
        except Exception:
            _roll_back(self, self.template_dict.get("Resources", {}))
            raise

    def _apply(self: Any) -> None:
        if self.change_set_type != "CREATE":
            apply(self)
            return
        try:
            apply(self)
        except Exception:
            _roll_back(self.stack, self.template_dict.get("Resources", {}))
            raise

    ctx.patch(Stack, "create_resources", _create_resources)
    ctx.patch(ChangeSet, "apply", _apply)


BRIDGES: tuple[Bridge, ...] = (
    retain_except_on_create,
    rollback_failed_create,
    nested_stack_outputs,
    change_set_outputs,
    empty_change_set,
    termination_protection,
    fn_sub_dollars,
    template_nulls,
)
