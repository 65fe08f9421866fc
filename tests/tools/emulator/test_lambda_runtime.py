"""The worker script: isolated from the repository, one JSON line in and out per invocation."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

from tools.emulator.lambda_workers import RUNTIME_SCRIPT

REPO = Path(__file__).resolve().parents[3]

HANDLER = """
import importlib.util
import sys

print("imported")  # init output must not corrupt the protocol either


def handler(event, context):
    print("to the logs")
    return {
        "event": event,
        "function": context.function_name,
        "tools_importable": importlib.util.find_spec("tools") is not None,
    }
"""


def _serve(code: Path, handler: str, *events: object) -> list[dict[str, object]]:
    requests = "".join(
        json.dumps({"event": e, "request_id": f"r{n}", "timeout": 3}) + "\n"
        for n, e in enumerate(events)
    )
    env = {"AWS_LAMBDA_FUNCTION_NAME": "probe", "PYTHONPATH": str(REPO)}  # -I must ignore it
    done = subprocess.run(
        [sys.executable, "-I", str(RUNTIME_SCRIPT), str(code), handler],
        input=requests, capture_output=True, text=True, env=env, cwd=REPO, timeout=60, check=True,
    )  # fmt: skip
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_it_imports_only_the_standard_library() -> None:
    tree = ast.parse(RUNTIME_SCRIPT.read_text())
    imported = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert {name.split(".")[0] for name in imported} <= {*sys.stdlib_module_names, "__future__"}


def test_it_serves_events_with_the_handler_output_as_logs(tmp_path: Path) -> None:
    (tmp_path / "probe.py").write_text(HANDLER)

    first, second = _serve(tmp_path, "probe.handler", {"n": 1}, {"n": 2})

    assert first["ok"] and json.loads(str(first["payload"])) == {
        "event": {"n": 1},
        "function": "probe",
        "tools_importable": False,  # the function sees its zip and site-packages, not the repo
    }
    assert first["logs"] == "to the logs\n"
    assert json.loads(str(second["payload"]))["event"] == {"n": 2}


def test_an_init_error_fails_every_invocation(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("raise ImportError('no such dependency')\n")

    responses = _serve(tmp_path, "broken.handler", {}, {})

    assert [r["ok"] for r in responses] == [False, False]
    errors = [json.loads(str(r["payload"])) for r in responses]
    assert {(e["errorType"], e["errorMessage"]) for e in errors} == {
        ("ImportError", "no such dependency")
    }
    assert [e["requestId"] for e in errors] == ["r0", "r1"]
