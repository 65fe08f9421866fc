"""Data: the processing-metadata table (one item per attempt; docs/interfaces.md)."""

from troposphere import GetAtt
from troposphere import dynamodb as ddb

from contract.metadata import PARTITION_KEY, SORT_KEY
from stacks.base import Stack, lint_metadata, tags
from stacks.names import Output


class DataStack(Stack):
    """One item per processing attempt; on-demand, AWS-managed KMS key, PITR, protected."""

    file_name = "data.json"
    description = "CSV ETL pipeline: processing metadata table"

    def build(self) -> None:
        """The table and its name/ARN outputs."""
        table = self.template.add_resource(
            ddb.Table(
                "MetadataTable",
                BillingMode="PAY_PER_REQUEST",
                AttributeDefinitions=[
                    ddb.AttributeDefinition(AttributeName=PARTITION_KEY, AttributeType="S"),
                    ddb.AttributeDefinition(AttributeName=SORT_KEY, AttributeType="S"),
                ],
                KeySchema=[
                    ddb.KeySchema(AttributeName=PARTITION_KEY, KeyType="HASH"),
                    ddb.KeySchema(AttributeName=SORT_KEY, KeyType="RANGE"),
                ],
                # SSEType KMS without a key id selects the AWS-managed key aws/dynamodb.
                SSESpecification=ddb.SSESpecification(SSEEnabled=True, SSEType="KMS"),
                PointInTimeRecoverySpecification=ddb.PointInTimeRecoverySpecification(
                    PointInTimeRecoveryEnabled=True
                ),
                # Deletion protection refuses every DeleteTable, CloudFormation's rollback of a
                # failed first create included: hence Retain, not RetainExceptOnCreate. Its
                # name is generated, so a table a failed create leaves behind (empty) never
                # collides with the retry; `make destroy` says how to remove it.
                DeletionProtectionEnabled=True,
                Tags=tags(),
                DeletionPolicy="Retain",
                UpdateReplacePolicy="Retain",
                Metadata=lint_metadata(
                    checkov={
                        "CKV_AWS_119": "docs/pipeline.md §2 mandates SSE with the AWS-managed KMS key"
                    }
                ),
            )
        )
        self.output(Output.TABLE_NAME, table.ref(), "Processing metadata table name")
        self.output(Output.TABLE_ARN, GetAtt(table, "Arn"), "Processing metadata table ARN")
