"""The workflow definition in Amazon States Language (docs/pipeline.md §1).

The definition is the main path (``main_path``: record the start, validate, transform, record
the outcome) plus the failure path (``failure_path``: quarantine, record, notify, fail), each
state built by one small function. ``asl`` holds the building blocks (tasks with their Retry,
payload fields as JSONPaths from ``contract.payloads``) and ``records`` the metadata item the
workflow writes. It is an object, not a string, so cfn-lint validates the ASL; ARNs and names
enter it as ``DefinitionSubstitutions`` (``asl.Substitution``), which the orchestration stack
supplies.
"""

from typing import Any

from stacks.workflow import failure_path, main_path
from stacks.workflow.asl import merge


def definition() -> dict[str, Any]:
    """The whole workflow (JSONPath query language); placeholders are substitutions."""
    return {
        "Comment": "CSV ETL: record start, validate, transform, record outcome; failures are "
        "quarantined, recorded and notified",
        "QueryLanguage": "JSONPath",
        "StartAt": main_path.START,
        "States": merge(main_path.states(), failure_path.states()),
    }
