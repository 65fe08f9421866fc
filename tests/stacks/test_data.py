"""The metadata table: on demand, recoverable, protected, keyed as the contract says."""

from typing import Any

from tests.stacks.helpers import of_type


def test_table_is_on_demand_with_pitr_and_deletion_protection(
    templates: dict[str, dict[str, Any]],
) -> None:
    (table,) = of_type(templates["data.json"], "AWS::DynamoDB::Table").values()
    props = table["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["DeletionProtectionEnabled"] is True
    assert props["KeySchema"] == [
        {"AttributeName": "file_name", "KeyType": "HASH"},
        {"AttributeName": "process_start_time", "KeyType": "RANGE"},
    ]
