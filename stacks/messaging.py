"""Messaging and keys: the customer-managed KMS key, the notification topic and its subscription."""

from awacs import kms, sns
from awacs.aws import (
    Allow,
    ArnLike,
    Condition,
    Policy,
    Principal,
    Statement,
    StringEquals,
)
from troposphere import Equals, GetAtt, Not, Sub
from troposphere import kms as tkms
from troposphere import sns as tsns

from stacks import policies
from stacks.base import Stack, tags
from stacks.names import Output
from stacks.parameters import Param

HAS_NOTIFICATION_EMAIL = "HasNotificationEmail"


class MessagingStack(Stack):
    """KMS key (rotated) usable by CloudWatch alarms, Logs and Step Functions; encrypted SNS topic."""

    file_name = "messaging.json"
    description = "CSV ETL pipeline: customer-managed KMS key and the failure notification topic"

    def build(self) -> None:
        """Key, alias, topic, topic policy, optional email subscription."""
        self.param(Param.PROJECT_NAME)
        self.param(Param.STAGE)
        email = self.param(Param.NOTIFICATION_EMAIL)
        self.template.add_condition(HAS_NOTIFICATION_EMAIL, Not(Equals(email, "")))
        key = self._key()
        self._topic(key)

    def _key_policy(self) -> Policy:
        """Key policy: IAM decides for this account's principals; named services may use it."""
        account_root = Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")
        this_account = Condition(StringEquals("aws:SourceAccount", Sub("${AWS::AccountId}")))
        # In a key policy, Resource "*" means "this key": the policy is attached to it alone.
        return Policy(
            Version=policies.VERSION,
            Statement=[
                Statement(
                    Sid="EnableIamPoliciesOfThisAccount",
                    Effect=Allow,
                    Principal=Principal("AWS", [account_root]),
                    Action=[kms.Action("*")],
                    Resource=["*"],
                ),
                Statement(
                    # Alarm actions publish to the encrypted topic as the CloudWatch service,
                    # for this account's alarms only.
                    Sid="AllowCloudWatchAlarmsToUseTheTopic",
                    Effect=Allow,
                    Principal=Principal("Service", ["cloudwatch.amazonaws.com"]),
                    Action=[kms.Decrypt, kms.Action("GenerateDataKey*")],
                    Resource=["*"],
                    Condition=Condition(
                        [
                            StringEquals("aws:SourceAccount", Sub("${AWS::AccountId}")),
                            ArnLike(
                                "aws:SourceArn",
                                Sub(
                                    "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:*"
                                ),
                            ),
                        ]
                    ),
                ),
                Statement(
                    Sid="AllowStepFunctions",
                    Effect=Allow,
                    Principal=Principal("Service", ["states.amazonaws.com"]),
                    Action=[kms.Decrypt, kms.Action("GenerateDataKey*")],
                    Resource=["*"],
                    Condition=this_account,
                ),
                Statement(
                    Sid="AllowCloudWatchLogsOfThisAccount",
                    Effect=Allow,
                    Principal=Principal("Service", [Sub("logs.${AWS::Region}.amazonaws.com")]),
                    Action=[
                        kms.Action("Encrypt*"),
                        kms.Action("Decrypt*"),
                        kms.Action("ReEncrypt*"),
                        kms.Action("GenerateDataKey*"),
                        kms.Action("Describe*"),
                    ],
                    Resource=["*"],
                    Condition=Condition(
                        ArnLike(
                            "kms:EncryptionContext:aws:logs:arn",
                            Sub(
                                "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*"
                            ),
                        )
                    ),
                ),
            ],
        )

    def _key(self) -> tkms.Key:
        key = self.template.add_resource(
            tkms.Key(
                "Key",
                Description=Sub("${ProjectName}-${Stage}: notification topic, queues and logs"),
                EnableKeyRotation=True,
                KeyPolicy=self._key_policy(),
                PendingWindowInDays=30,
                Tags=tags(),
                # A failed first create schedules it for deletion; an existing stack keeps it.
                DeletionPolicy="RetainExceptOnCreate",
                UpdateReplacePolicy="Retain",
            )
        )
        self.template.add_resource(
            tkms.Alias(
                "KeyAlias",
                AliasName=Sub("alias/${ProjectName}-${Stage}"),
                TargetKeyId=key.ref(),
            )
        )
        self.output(Output.KEY_ARN, GetAtt(key, "Arn"), "Customer-managed KMS key ARN")
        return key

    def _topic(self, key: tkms.Key) -> None:
        topic = self.template.add_resource(
            tsns.Topic(
                "NotificationTopic",
                DisplayName="CSV ETL failures",
                KmsMasterKeyId=GetAtt(key, "Arn"),
                Tags=tags(),
            )
        )
        self.template.add_resource(
            tsns.TopicPolicy(
                "NotificationTopicPolicy",
                Topics=[topic.ref()],
                PolicyDocument=policies.document(
                    [
                        Statement(
                            Sid="AllowCloudWatchAlarmsOfThisAccount",
                            Effect=Allow,
                            Principal=Principal("Service", ["cloudwatch.amazonaws.com"]),
                            Action=[sns.Publish],
                            Resource=[topic.ref()],
                            Condition=Condition(
                                ArnLike(
                                    "aws:SourceArn",
                                    Sub(
                                        "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:*"
                                    ),
                                )
                            ),
                        )
                    ],
                    policies.deny_insecure_sns(topic.ref()),
                ),
            )
        )
        self.template.add_resource(
            tsns.SubscriptionResource(
                "EmailSubscription",
                Condition=HAS_NOTIFICATION_EMAIL,
                Protocol="email",
                Endpoint=self.param(Param.NOTIFICATION_EMAIL),
                TopicArn=topic.ref(),
            )
        )
        self.output(Output.TOPIC_ARN, topic.ref(), "Failure notification topic ARN")
