"""What every stack class shares: the template, parameters, outputs, tags and lint metadata."""

from typing import Any, ClassVar

from troposphere import AWSHelperFn, Output, Parameter, PropsDictType, Ref, Tags, Template, logs
from troposphere.awslambda import LoggingConfig

from contract.deployment import TAGS
from stacks.parameters import Param, TemplateParameter


def tags(**extra: str) -> Tags:
    """The project's mandatory tags, plus any resource-specific ones."""
    return Tags(**TAGS, **extra)


def lint_metadata(
    *,
    cfn_lint: dict[str, str] | None = None,
    checkov: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Resource Metadata that silences a cfn-lint rule or a checkov check, each with its reason.

    cfn-lint reads only rule ids, so the reasons also go under a sibling ``reasons`` key.
    """
    metadata: dict[str, Any] = {}
    if cfn_lint:
        metadata["cfn-lint"] = {
            "config": {"ignore_checks": sorted(cfn_lint)},
            "reasons": dict(sorted(cfn_lint.items())),
        }
    if checkov:
        metadata["checkov"] = {
            "skip": [{"id": cid, "comment": why} for cid, why in sorted(checkov.items())]
        }
    return metadata


class JsonLoggingConfig(LoggingConfig):
    """Lambda ``LoggingConfig`` with ``LogFormat``, which troposphere 4.11.1 does not declare."""

    props: ClassVar[PropsDictType] = {**LoggingConfig.props, "LogFormat": (str, False)}


class Stack:
    """A CloudFormation template built by one class; subclasses add resources in ``build``.

    ``file_name`` is the template's name under ``templates/``; for nested stacks it is also the
    ``TemplateURL`` the root uses (rewritten to S3 by packaging).
    """

    file_name: ClassVar[str]
    description: ClassVar[str]

    def __init__(self) -> None:
        self.template = Template(Description=self.description)
        self.template.set_version()
        self.params: dict[str, Parameter] = {}
        self.build()

    def build(self) -> None:
        """Add the stack's resources, conditions and outputs."""
        raise NotImplementedError

    def param(self, declared: TemplateParameter) -> Ref:
        """Declare a parameter (once, as ``stacks.parameters`` declares it) and return a Ref to it."""
        if declared.name not in self.params:
            parameter = Parameter(declared.name, **declared.properties())
            self.params[declared.name] = self.template.add_parameter(parameter)
        return Ref(self.params[declared.name])

    def output(self, name: str, value: AWSHelperFn | str, description: str) -> None:
        """Register an Output; call it right after creating the resource it describes."""
        self.template.add_output(Output(name, Value=value, Description=description))

    def log_group(self, title: str, name: AWSHelperFn, key_arn: AWSHelperFn) -> logs.LogGroup:
        """An explicit log group: KMS-encrypted, retention from the shared parameter, tagged.

        Deleted with the stack: a retained group would block a redeploy that reuses its name.
        """
        return self.template.add_resource(
            logs.LogGroup(
                title,
                LogGroupName=name,
                RetentionInDays=self.param(Param.LOG_RETENTION_DAYS),
                KmsKeyId=key_arn,
                Tags=tags(),
                DeletionPolicy="Delete",
                UpdateReplacePolicy="Delete",
            )
        )

    def to_dict(self) -> dict[str, Any]:
        """The template as a plain dict (what tests assert on)."""
        result: dict[str, Any] = self.template.to_dict()
        return result

    def to_json(self) -> str:
        """Deterministic JSON: sorted keys, two-space indent, trailing newline."""
        return str(self.template.to_json(indent=2, sort_keys=True)) + "\n"
