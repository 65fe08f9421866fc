"""The polars layer: which files it ships, which pins, and the checks on what was installed."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tools import build_layer as layer
from tools.paths import REPO


def _touch(root: Path, relative: str, data: bytes = b"x") -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def test_layer_selection_drops_what_the_runtime_never_loads(tmp_path: Path) -> None:
    for relative in (
        "polars/__init__.py",
        "polars/testing/__init__.py",  # public API (polars.testing), kept
        "polars/__pycache__/__init__.cpython-313.pyc",  # the Lambda interpreter's bytecode, kept
        "polars/__pycache__/__init__.cpython-312.pyc",
        "polars/dataframe/frame.pyi",
        "polars/py.typed",
        "wrapt/_wrappers.c",
        "wrapt-stubs/__init__.pyi",
        "aws_xray_sdk/tests/test_x.py",
        "bin/jp.py",
        ".lock",
        "polars-2.1.0.dist-info/METADATA",
        "_polars_runtime_32/_polars_runtime.abi3.so",
    ):
        _touch(tmp_path, relative)

    names = [name for name, _ in layer.layer_entries(tmp_path)]

    assert names == [
        "python/_polars_runtime_32/_polars_runtime.abi3.so",
        "python/polars-2.1.0.dist-info/METADATA",
        "python/polars/__init__.py",
        "python/polars/__pycache__/__init__.cpython-313.pyc",
        "python/polars/py.typed",
        "python/polars/testing/__init__.py",
    ]


def test_layer_requirements_leave_out_what_the_runtime_provides(tmp_path: Path) -> None:
    lock = tmp_path / "layer.lock"
    lock.write_text(
        "# comment\npolars==2.1.0\n    # via -r layer.in\nbotocore==1.44.8\nPython_Dateutil==2.9.0.post0\n"
        "six==1.17.0\nurllib3==2.8.0\naws-lambda-powertools==3.37.0\n"
    )

    assert layer.layer_requirements(lock) == {"polars": "2.1.0", "aws-lambda-powertools": "3.37.0"}


def test_the_real_layer_lock_pins_polars_and_powertools() -> None:
    pins = layer.layer_requirements(layer.LAYER_LOCK)

    assert {"polars", "polars-runtime-32", "aws-lambda-powertools", "aws-xray-sdk"} <= set(pins)
    assert not set(pins) & layer.RUNTIME_PROVIDED


_RESOLVE_ZONE = """
import zoneinfo
assert zoneinfo.TZPATH == (), zoneinfo.TZPATH  # no system zone files, as on Lambda
from functions.core.config import CoreConfig
CoreConfig(source_timezone="Europe/Berlin")
print(zoneinfo.ZoneInfo("Europe/Berlin").utcoffset(__import__("datetime").datetime(2024, 7, 1)))
"""


def test_the_layer_ships_the_zone_database_the_functions_resolve_zones_from() -> None:
    # GIVEN the Lambda Python runtime's lack of /usr/share/zoneinfo (PYTHONTZPATH empty)
    pins = layer.layer_requirements(layer.LAYER_LOCK)
    assert pins["tzdata"] == importlib.metadata.version("tzdata")  # the venv runs the same
    # WHEN the functions' configuration resolves a zone, THEN zoneinfo finds it in tzdata
    run = subprocess.run(
        [sys.executable, "-c", _RESOLVE_ZONE],
        env={**os.environ, "PYTHONTZPATH": ""},
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (run.returncode, run.stdout.strip()) == (0, "2:00:00"), run.stderr


def test_installed_versions_must_match_the_lock(tmp_path: Path) -> None:
    _touch(
        tmp_path,
        "polars-0.20.0.dist-info/METADATA",
        b"Metadata-Version: 2.1\nName: polars\nVersion: 0.20.0\n",
    )

    with pytest.raises(SystemExit, match="polars"):
        layer.check_installed({"polars": "2.1.0"}, tmp_path)
    layer.check_installed({"polars": "0.20.0"}, tmp_path)


def _elf(machine: int) -> bytes:
    return b"\x7fELF" + bytes(14) + machine.to_bytes(2, "little") + bytes(40)


def test_shared_objects_must_be_arm64(tmp_path: Path) -> None:
    _touch(tmp_path, "pkg/good.so", _elf(layer.EM_AARCH64))
    assert layer.shared_objects(tmp_path) == [tmp_path / "pkg/good.so"]

    _touch(tmp_path, "pkg/bad.cpython-313-x86_64-linux-gnu.so", _elf(62))  # EM_X86_64
    with pytest.raises(SystemExit, match="not an arm64 ELF"):
        layer.shared_objects(tmp_path)


def test_layer_bytecode_does_not_depend_on_where_it_was_built(tmp_path: Path) -> None:
    # GIVEN the same package installed in two different build folders
    for tree in (tmp_path / "one", tmp_path / "two" / "deeper"):
        _touch(tree, "pkg/__init__.py", b"def f():\n    raise ValueError('x')\n")
        layer.compile_bytecode(tree)

    pyc = "pkg/__pycache__/__init__" + layer.PYC_SUFFIX
    first = (tmp_path / "one" / pyc).read_bytes()

    # THEN the bytecode is identical and names the file where Lambda mounts the layer
    assert first == (tmp_path / "two" / "deeper" / pyc).read_bytes()
    assert b"/opt/python/pkg/__init__.py" in first
