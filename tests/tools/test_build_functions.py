"""The packaging tool: deterministic function zips, the layer's file selection and checks."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tools import build_functions as build


def test_function_zips_are_byte_identical_across_builds(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        assert build.main(["--out", str(out), "--skip-layer"]) == 0
    for name in ("validation", "transformation"):
        assert (first / f"{name}.zip").read_bytes() == (second / f"{name}.zip").read_bytes()


def test_manifest_records_path_hash_and_sizes(tmp_path: Path) -> None:
    build.main(["--out", str(tmp_path), "--skip-layer"])

    manifest = json.loads((tmp_path / "manifest.json").read_text())

    assert set(manifest) == {"validation", "transformation"}
    for name, entry in manifest.items():
        archive = tmp_path / f"{name}.zip"
        assert entry == {
            "path": str(archive),
            "sha256": build.sha256(archive),
            "size": archive.stat().st_size,
            "unzipped_size": sum(i.file_size for i in zipfile.ZipFile(archive).infolist()),
        }


@pytest.mark.parametrize(
    ("name", "other"), [("validation", "transformation"), ("transformation", "validation")]
)
def test_function_zip_holds_exactly_its_packages(tmp_path: Path, name: str, other: str) -> None:
    archive, _ = build.build_function(name, tmp_path)

    with zipfile.ZipFile(archive) as zipped:
        infos = zipped.infolist()
    names = [info.filename for info in infos]

    assert names == sorted(names)
    assert "functions/__init__.py" in names and "contract/__init__.py" in names
    for package in ("core", "common", name):
        assert f"functions/{package}/__init__.py" in names
    assert f"functions/{name}/handler.py" in names
    assert not any(n.startswith(f"functions/{other}/") for n in names)
    assert all(n.endswith(".py") and "__pycache__" not in n for n in names)
    packages = [
        build.ROOT / "contract",
        *(build.ROOT / "functions" / p for p in ("core", "common", name)),
    ]
    expected = sorted(
        [
            "functions/__init__.py",
            *(
                p.relative_to(build.ROOT).as_posix()
                for package in packages
                for p in package.rglob("*.py")
                if "__pycache__" not in p.parts
            ),
        ]
    )
    assert names == expected
    for info in infos:
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
        assert stat.S_IMODE(info.external_attr >> 16) == 0o644


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

    names = [name for name, _ in build.layer_entries(tmp_path)]

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

    assert build.layer_requirements(lock) == {"polars": "2.1.0", "aws-lambda-powertools": "3.37.0"}


def test_the_real_layer_lock_pins_polars_and_powertools() -> None:
    pins = build.layer_requirements(build.LAYER_LOCK)

    assert {"polars", "polars-runtime-32", "aws-lambda-powertools", "aws-xray-sdk"} <= set(pins)
    assert not set(pins) & build.RUNTIME_PROVIDED


def test_installed_versions_must_match_the_lock(tmp_path: Path) -> None:
    _touch(
        tmp_path,
        "polars-0.20.0.dist-info/METADATA",
        b"Metadata-Version: 2.1\nName: polars\nVersion: 0.20.0\n",
    )

    with pytest.raises(SystemExit, match="polars"):
        build.check_installed({"polars": "2.1.0"}, tmp_path)
    build.check_installed({"polars": "0.20.0"}, tmp_path)


def _elf(machine: int) -> bytes:
    return b"\x7fELF" + bytes(14) + machine.to_bytes(2, "little") + bytes(40)


def test_shared_objects_must_be_arm64(tmp_path: Path) -> None:
    _touch(tmp_path, "pkg/good.so", _elf(build.EM_AARCH64))
    assert build.shared_objects(tmp_path) == [tmp_path / "pkg/good.so"]

    _touch(tmp_path, "pkg/bad.cpython-313-x86_64-linux-gnu.so", _elf(62))  # EM_X86_64
    with pytest.raises(SystemExit, match="not an arm64 ELF"):
        build.shared_objects(tmp_path)


def test_build_fails_when_layer_and_function_exceed_250_mb(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    layer = tmp_path / "layer.zip"
    layer.write_bytes(b"not really a zip")
    monkeypatch.setattr(
        build, "build_layer", lambda out, use_strip: (layer, build.MAX_UNZIPPED - 1000)
    )

    assert build.main(["--out", str(tmp_path)]) == 1
    assert (
        json.loads((tmp_path / "manifest.json").read_text())["layer"]["unzipped_size"]
        == build.MAX_UNZIPPED - 1000
    )


@pytest.mark.parametrize("name", ["validation", "transformation"])
def test_function_zip_alone_imports_its_handler(tmp_path: Path, name: str) -> None:
    # GIVEN only the zip's contents on the path (as /var/task), isolated from the repository
    archive, _ = build.build_function(name, tmp_path)
    task = tmp_path / "task"
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(task)

    # WHEN the runtime imports the documented handler THEN it resolves from the zip
    script = (
        f"import sys; sys.path.insert(0, {str(task)!r}); "
        f"import functions.{name}.handler as h; "
        f"assert h.__file__.startswith({str(task)!r}), h.__file__; "
        "assert callable(h.lambda_handler)"
    )
    subprocess.run([sys.executable, "-I", "-c", script], cwd=tmp_path, check=True, timeout=60)


def test_layer_bytecode_does_not_depend_on_where_it_was_built(tmp_path: Path) -> None:
    # GIVEN the same package installed in two different build folders
    for tree in (tmp_path / "one", tmp_path / "two" / "deeper"):
        _touch(tree, "pkg/__init__.py", b"def f():\n    raise ValueError('x')\n")
        build.compile_bytecode(tree)

    pyc = "pkg/__pycache__/__init__" + build.PYC_SUFFIX
    first = (tmp_path / "one" / pyc).read_bytes()

    # THEN the bytecode is identical and names the file where Lambda mounts the layer
    assert first == (tmp_path / "two" / "deeper" / pyc).read_bytes()
    assert b"/opt/python/pkg/__init__.py" in first
