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
from tools import build_layer
from tools.artifacts import sha256
from tools.paths import REPO


def test_function_zips_are_byte_identical_across_builds(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        assert build.main(["--out", str(out), "--skip-layer"]) == 0
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
    assert names == expected
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
