"""Every value the contract owns is written once: no other source module spells it out.

The check reads string constants from the syntax tree (comments and docstrings do not count),
so a copy such as ``"raw/"`` or ``"STATE_MACHINE_ARN"`` in stacks/, functions/, tools/ or bench/
fails here and names the file and line.
"""

from __future__ import annotations

import ast
from pathlib import Path

from contract import deployment, environment, keys, metadata, payloads

REPO = Path(__file__).resolve().parents[2]
SOURCES = ["stacks", "functions", "tools", "bench", "generate.py"]


def _owned() -> set[str]:
    values = {
        keys.RAW_PREFIX,
        keys.PROCESSED_PREFIX,
        keys.FAILED_PREFIX,
        keys.ERROR_REPORT_SUFFIX,
        keys.REJECTED_ROWS_SUFFIX,
        environment.METRICS_NAMESPACE,
        deployment.VALIDATION_HANDLER,
        deployment.TRANSFORMATION_HANDLER,
        *deployment.TAGS.values(),
        payloads.SUBJECT_PREFIX,
        metadata.PARTITION_KEY,
        metadata.SORT_KEY,
        *(s.value for s in metadata.Status),
    }
    values |= {v for k, v in vars(environment.Env).items() if k.isupper()}
    return values


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def test_no_source_module_copies_a_contract_value() -> None:
    owned = _owned()
    copies = []
    for entry in SOURCES:
        path = REPO / entry
        for module in [path] if path.is_file() else sorted(path.rglob("*.py")):
            tree = ast.parse(module.read_text())
            skip = _docstrings(tree)
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and id(node) not in skip
                    and node.value in owned
                ):
                    copies.append(f"{module.relative_to(REPO)}:{node.lineno}: {node.value!r}")
    assert copies == [], "use the contract's name instead of a copy:\n" + "\n".join(copies)


def test_the_check_sees_a_copy(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text('"""Docstring mentioning raw/ is fine."""\nPREFIX = "raw/"\n')
    tree = ast.parse(module.read_text())
    skip = _docstrings(tree)
    found = [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and id(n) not in skip and n.value in _owned()
    ]
    assert found == ["raw/"]
