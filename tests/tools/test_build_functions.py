"""The function build: deterministic zips holding exactly their packages, the manifest, the limit."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tools import build_functions as build
from tools import build_layer, build_native
from tools.artifacts import sha256
from tools.paths import REPO


def test_function_zips_are_byte_identical_across_builds(tmp_path: Path) -> None:
    # one build in this process, one in a fresh interpreter: the bytecode must not depend on
    # the process that compiled it
    first, second = tmp_path / "a", tmp_path / "b"
    assert build.main(["--out", str(first), "--skip-layer"]) == 0
    subprocess.run(
        [sys.executable, "-m", "tools.build_functions", "--out", str(second), "--skip-layer"],
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=120,
    )
    for name in ("validation", "transformation", "sweeper"):
        assert (first / f"{name}.zip").read_bytes() == (second / f"{name}.zip").read_bytes()


def test_manifest_records_path_hash_and_sizes(tmp_path: Path) -> None:
    build.main(["--out", str(tmp_path), "--skip-layer"])

    manifest = json.loads((tmp_path / "manifest.json").read_text())

    assert set(manifest) == {"validation", "transformation", "sweeper"}
    for name, entry in manifest.items():
        archive = tmp_path / f"{name}.zip"
        assert entry == {
            "path": str(archive),
            "sha256": sha256(archive),
            "size": archive.stat().st_size,
            "unzipped_size": sum(i.file_size for i in zipfile.ZipFile(archive).infolist()),
        }


@pytest.mark.parametrize(
    ("name", "other"), [("validation", "transformation"), ("transformation", "validation")]
)
def test_function_zip_holds_exactly_its_packages(tmp_path: Path, name: str, other: str) -> None:
    archive, _ = build.build_function(name, tmp_path, build_native.host_library())

    with zipfile.ZipFile(archive) as zipped:
        infos = zipped.infolist()
    names = [info.filename for info in infos]

    assert names == sorted(names)
    assert "functions/__init__.py" in names and "contract/__init__.py" in names
    for package in ("core", "common", name):
        assert f"functions/{package}/__init__.py" in names
    assert f"functions/{name}/handler.py" in names
    assert not any(n.startswith(f"functions/{other}/") for n in names)
    assert build_native.ARCHIVE_NAME in names
    sources = [n for n in names if "__pycache__" not in n and n != build_native.ARCHIVE_NAME]
    assert all(n.endswith(".py") for n in sources)
    packages = [
        REPO / "contract",
        *(REPO / "functions" / p for p in ("core", "common", name)),
    ]
    expected = sorted(
        [
            "functions/__init__.py",
            *(
                p.relative_to(REPO).as_posix()
                for package in packages
                for p in package.rglob("*.py")
                if "__pycache__" not in p.parts
            ),
        ]
    )
    assert sources == expected
    # each source's bytecode for the runtime's interpreter, and nothing else
    suffix = build_layer.PYC_SUFFIX
    assert sorted(set(names) - set(sources) - {build_native.ARCHIVE_NAME}) == sorted(
        f"{folder}/__pycache__/{file.removesuffix('.py')}{suffix}"
        for folder, _, file in (n.rpartition("/") for n in sources)
    )
    for info in infos:
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
        assert stat.S_IMODE(info.external_attr >> 16) == 0o644


def test_build_fails_when_layer_and_function_exceed_250_mb(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    layer = tmp_path / "layer.zip"
    layer.write_bytes(b"not really a zip")
    monkeypatch.setattr(
        build_layer, "build_layer", lambda out, use_strip: (layer, build.MAX_UNZIPPED - 1000)
    )

    assert build.main(["--out", str(tmp_path)]) == 1
    assert (
        json.loads((tmp_path / "manifest.json").read_text())["layer"]["unzipped_size"]
        == build.MAX_UNZIPPED - 1000
    )


def test_no_bytecode_is_shipped_from_another_python(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build_layer, "builds_runtime_bytecode", lambda: False)

    archive, _ = build.build_function("transformation", tmp_path, build_native.host_library())

    with zipfile.ZipFile(archive) as zipped:
        shipped = zipped.namelist()
    assert not [n for n in shipped if not n.endswith(".py") and n != build_native.ARCHIVE_NAME]


def test_the_runtime_loads_the_shipped_bytecode_not_the_sources(tmp_path: Path) -> None:
    # GIVEN the zip extracted, every source then made unreadable as source (the runtime's
    # /var/task is read-only, so bytecode it cannot load would be compiled at every cold start)
    archive, _ = build.build_function("validation", tmp_path, build_native.host_library())
    task = tmp_path / "task"
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(task)
    for source in task.rglob("*.py"):
        source.write_text("raise SystemExit('compiled from source')\n")

    # WHEN the handler is imported without writing bytecode THEN it comes from the zip's .pyc
    script = (
        f"import sys; sys.path.insert(0, {str(task)!r}); "
        "import functions.validation.handler as h; assert callable(h.lambda_handler); "
        "print(h.__spec__.cached)"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-B", "-c", script],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.strip().endswith("handler" + build_layer.PYC_SUFFIX)


@pytest.mark.parametrize("name", ["validation", "transformation"])
def test_function_zip_alone_imports_its_handler(tmp_path: Path, name: str) -> None:
    # GIVEN only the zip's contents on the path (as /var/task), isolated from the repository
    archive, _ = build.build_function(name, tmp_path, build_native.host_library())
    task = tmp_path / "task"
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(task)

    # WHEN the runtime imports the documented handler THEN it resolves from the zip
    script = (
        f"import sys; sys.path.insert(0, {str(task)!r}); "
        f"import functions.{name}.handler as h; "
        f"assert h.__file__.startswith({str(task)!r}), h.__file__; "
        "assert callable(h.lambda_handler); "
        # the core with its C parser, loaded from the zip as the Validate task loads it
        "import functions.core.native as n; "
        f"assert str(n.LIBRARY).startswith({str(task)!r}), n.LIBRARY; "
        "import polars as pl; assert n.parse_timestamps(pl.Series(['1710074096'])).len() == 1"
    )
    subprocess.run([sys.executable, "-I", "-c", script], cwd=tmp_path, check=True, timeout=60)


@pytest.mark.parametrize(
    ("native_for", "machine"), [("lambda", build_layer.EM_AARCH64), ("host", None)]
)
def test_the_zips_carry_the_c_parser_built_for_lambda_unless_asked_for_this_machine(
    tmp_path: Path, native_for: str, machine: int | None
) -> None:
    args = ["--out", str(tmp_path), "--skip-layer"]
    assert build.main([*args, "--native-for", native_for]) == 0

    host = build_native.elf_machine(build_native.host_library())
    for name in ("validation", "transformation", "sweeper"):
        with zipfile.ZipFile(tmp_path / f"{name}.zip") as zipped:
            shipped = tmp_path / f"{name}.so"
            shipped.write_bytes(zipped.read(build_native.ARCHIVE_NAME))
        assert build_native.elf_machine(shipped) == (machine or host)
