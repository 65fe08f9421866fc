"""Fixtures shared by the template tests: the rendered templates, as text and as dicts."""

import json
from typing import Any

import pytest

import generate


@pytest.fixture(scope="session")
def rendered() -> dict[str, str]:
    """File name → JSON text, exactly as generate.py would write it."""
    return generate.render()


@pytest.fixture(scope="session")
def templates(rendered: dict[str, str]) -> dict[str, dict[str, Any]]:
    """File name → template dict."""
    return {name: json.loads(text) for name, text in rendered.items()}


@pytest.fixture(scope="session")
def resources(templates: dict[str, dict[str, Any]]) -> list[tuple[str, str, dict[str, Any]]]:
    """Every resource of every template as (file, logical id, resource)."""
    return [
        (name, logical_id, resource)
        for name, template in sorted(templates.items())
        for logical_id, resource in sorted(template.get("Resources", {}).items())
    ]


@pytest.fixture(scope="session")
def machine(templates: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The state machine's properties, as the orchestration template declares them."""
    (resource,) = [
        r
        for r in templates["orchestration.json"]["Resources"].values()
        if r["Type"] == "AWS::StepFunctions::StateMachine"
    ]
    return resource["Properties"]


@pytest.fixture(scope="session")
def states(machine: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The workflow's states by name, as deployed."""
    return machine["Definition"]["States"]
