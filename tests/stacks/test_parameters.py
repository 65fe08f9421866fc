"""Parameters: each validated, and validated the same way in every template that declares it."""

import re
from typing import Any

import pytest

Templates = dict[str, dict[str, Any]]


def _declarations(templates: Templates) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """Parameter name -> (template, declaration) for every template that declares it."""
    found: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for file, template in sorted(templates.items()):
        for name, declaration in template.get("Parameters", {}).items():
            found.setdefault(name, []).append((file, declaration))
    return found


def _pattern(templates: Templates, name: str) -> str:
    ((_, declaration), *_) = _declarations(templates)[name]
    return str(declaration["AllowedPattern"])


def test_a_parameter_is_declared_identically_wherever_it_enters(templates: Templates) -> None:
    for name, declarations in _declarations(templates).items():
        first_file, first = declarations[0]
        for file, declaration in declarations[1:]:
            assert declaration == first, f"{name}: {file} differs from {first_file}"


def test_every_parameter_is_validated(templates: Templates) -> None:
    for name, declarations in _declarations(templates).items():
        (_, param), *_ = declarations
        constrained = {"AllowedPattern", "AllowedValues", "MinValue"} & set(param)
        assert constrained, f"{name} has no AllowedPattern/AllowedValues/MinValue"
        assert param["ConstraintDescription"], name
        assert param["Description"], name
        if "Default" in param and "AllowedPattern" in param:
            assert re.fullmatch(param["AllowedPattern"], param["Default"]), name
        if "Default" in param and "AllowedValues" in param:
            assert param["Default"] in param["AllowedValues"], name
        if "MinValue" in param and "Default" in param:
            assert param["MinValue"] <= int(param["Default"]) <= param["MaxValue"], name


@pytest.mark.parametrize(
    ("name", "good", "bad"),
    [
        ("NotificationEmail", ["", "ops@example.com"], ["ops", "a@b", "x y@example.com"]),
        ("ProjectName", ["csv-etl", "abc"], ["CSV", "ab", "a-", "1abc", "a" * 22]),
        ("MaxInvalidRowRatio", ["0", "0.05", "1", "1.0"], ["1.5", "-0.1", ".5", "abc"]),
        ("SourceTimezone", ["UTC", "Europe/Paris", "Etc/GMT+5"], ["", "/UTC", "a b"]),
        ("ArtifactsBucket", ["my-artifacts.1"], ["My-Bucket", "ab", "-bucket"]),
        ("ValidationCodeKey", ["code/validation-1a2b.zip"], ["", "a b.zip"]),
        (
            "KeyArn",
            ["arn:aws:kms:us-east-1:123456789012:key/1", "arn:aws-cn:kms:cn-north-1:1:key/x"],
            ["", "key/1", "arn:aws:kms"],
        ),
        ("StateMachineName", ["csv-etl-prod-pipeline"], ["", "a" * 81, "a b"]),
    ],
)
def test_parameter_patterns(
    templates: Templates, name: str, good: list[str], bad: list[str]
) -> None:
    pattern = _pattern(templates, name)
    assert all(re.fullmatch(pattern, v) for v in good)
    assert not any(re.fullmatch(pattern, v) for v in bad)
