"""The KMS key and the notification topic: who may use them, and the optional email."""

from typing import Any

from tests.stacks.helpers import canonical, of_type


def test_key_rotates_and_lets_cloudwatch_logs_and_step_functions_use_it(
    templates: dict[str, dict[str, Any]],
) -> None:
    key = templates["messaging.json"]["Resources"]["Key"]
    assert key["Properties"]["EnableKeyRotation"] is True
    statements = key["Properties"]["KeyPolicy"]["Statement"]
    services = {
        canonical(service) for s in statements for service in s["Principal"].get("Service", [])
    }
    assert services == {
        "cloudwatch.amazonaws.com",
        "states.amazonaws.com",
        "logs.${AWS::Region}.amazonaws.com",
    }
    assert all(s["Principal"] != "*" for s in statements)


def test_topic_policy_denies_insecure_transport_and_admits_only_this_accounts_alarms(
    templates: dict[str, dict[str, Any]],
) -> None:
    (policy,) = of_type(templates["messaging.json"], "AWS::SNS::TopicPolicy").values()
    statements = {s["Sid"]: s for s in policy["Properties"]["PolicyDocument"]["Statement"]}
    deny = statements["DenyInsecureTransport"]
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    alarms = statements["AllowCloudWatchAlarmsOfThisAccount"]
    assert alarms["Action"] == ["sns:Publish"]
    assert canonical(alarms["Condition"]["ArnLike"]["aws:SourceArn"]).endswith(
        ":${AWS::AccountId}:alarm:*"
    )


def test_email_subscription_is_optional(templates: dict[str, dict[str, Any]]) -> None:
    messaging = templates["messaging.json"]
    (subscription,) = of_type(messaging, "AWS::SNS::Subscription").values()
    assert subscription["Condition"] == "HasNotificationEmail"
    assert subscription["Properties"]["Protocol"] == "email"
    assert messaging["Conditions"]["HasNotificationEmail"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "NotificationEmail"}, ""]}]
    }


def test_every_service_may_use_the_key_only_on_behalf_of_this_account(
    templates: dict[str, dict[str, Any]],
) -> None:
    statements = templates["messaging.json"]["Resources"]["Key"]["Properties"]["KeyPolicy"]
    for statement in statements["Statement"]:
        if "Service" not in statement["Principal"]:
            continue  # the account root: IAM policies decide
        conditions = {
            k: canonical(v) for c in statement["Condition"].values() for k, v in c.items()
        }
        assert conditions.get(
            "aws:SourceAccount"
        ) == "${AWS::AccountId}" or ":${AWS::AccountId}:" in conditions.get(
            "kms:EncryptionContext:aws:logs:arn", ""
        ), statement["Sid"]
    (alarms,) = [
        s for s in statements["Statement"] if s["Sid"] == "AllowCloudWatchAlarmsToUseTheTopic"
    ]
    assert canonical(alarms["Condition"]["ArnLike"]["aws:SourceArn"]) == (
        "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:*"
    )
