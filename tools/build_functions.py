"""Build the Lambda artifacts under build/: two function zips, the polars layer and a manifest.

    python -m tools.build_functions [--out build] [--skip-layer] [--no-strip]

Every zip is deterministic (sorted entries, 1980-01-01 timestamps, fixed permissions), so the
same sources give the same bytes and the same sha256; build/manifest.json records them for
content-addressed uploads. The layer is installed from requirements/layer.lock for manylinux
aarch64 / CPython 3.13 and cached under build/.layer-cache/<hash of lock and recipe>/.
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import json
import py_compile
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from contract.deployment import TRANSFORMATION_SERVICE, VALIDATION_SERVICE

ROOT = Path(__file__).resolve().parents[1]
LAYER_LOCK = ROOT / "requirements" / "layer.lock"

# The packages under functions/ each function zip carries besides functions/__init__.py and
# the whole contract/ package (docs/interfaces.md).
FUNCTIONS: dict[str, tuple[str, ...]] = {
    VALIDATION_SERVICE: ("core", "common", "validation"),
    TRANSFORMATION_SERVICE: ("core", "common", "transformation"),
}

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip can hold
FILE_ATTR = (0o100644 & 0xFFFF) << 16  # regular file, rw-r--r--

# Lambda's limit on function code plus layers, unzipped: 250 MB.
MAX_UNZIPPED = 262_144_000

# Installed by the Lambda Python runtime next to boto3: shipping them would only shadow it.
# (python-dateutil, six and urllib3 are in the lock solely as botocore's dependencies.)
RUNTIME_PROVIDED = frozenset(
    {"boto3", "botocore", "s3transfer", "python-dateutil", "six", "urllib3"}
)
PLATFORM = "aarch64-manylinux_2_28"  # Lambda arm64 on Amazon Linux 2023 (glibc 2.34)
PIP_PLATFORMS = ("manylinux2014_aarch64", "manylinux_2_17_aarch64", "manylinux_2_28_aarch64")
PYTHON_VERSION = "3.13"
# Bump when the layer recipe (selection, strip, platform) changes, to invalidate the cache.
LAYER_RECIPE = f"7|{PLATFORM}|{PYTHON_VERSION}|{sorted(RUNTIME_PROVIDED)}"

# Not needed at run time: test suites, type stubs, C sources, console scripts.
DROP_DIRS = frozenset({"tests", "bin"})
DROP_SUFFIXES = (".pyi", ".c", ".h")
# The layer ships bytecode: /opt is read-only, so without it every cold start recompiles
# polars and Powertools (measured here: ~0.9 s -> ~0.2 s to import them). Unchecked-hash
# .pyc files do not depend on file times, so they are as deterministic as the sources.
PYC_SUFFIX = f".cpython-{PYTHON_VERSION.replace('.', '')}.pyc"
DROP_FILES = frozenset({".lock"})  # uv's lock file for the --target folder
EM_AARCH64 = 183  # ELF e_machine of arm64


def sha256(path: Path) -> str:
    """Hex sha256 of a file, streamed."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_zip(dest: Path, entries: Iterable[tuple[str, Path]]) -> int:
    """Write a deterministic zip of (archive name, file) pairs; return the unzipped size."""
    unzipped = 0
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, source in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.create_system = 3  # Unix, so external_attr holds the permission bits
            info.external_attr = FILE_ATTR
            info.compress_type = zipfile.ZIP_DEFLATED
            size = source.stat().st_size
            unzipped += size
            with source.open("rb") as src, archive.open(info, "w", force_zip64=size > 2**31) as out:
                shutil.copyfileobj(src, out, 1 << 20)
    partial.replace(dest)
    return unzipped


def function_entries(name: str, root: Path = ROOT) -> list[tuple[str, Path]]:
    """The .py files of one function zip, by archive name (no caches, no other functions)."""
    functions = root / "functions"
    entries = [("functions/__init__.py", functions / "__init__.py")]
    for package in (root / "contract", *(functions / p for p in FUNCTIONS[name])):
        for path in sorted(package.rglob("*.py")):
            if "__pycache__" not in path.parts:
                entries.append((path.relative_to(root).as_posix(), path))
    return entries


def layer_entries(tree: Path) -> list[tuple[str, Path]]:
    """The files of an installed layer tree worth shipping, named python/<relative path>."""
    entries = []
    for path in sorted(tree.rglob("*")):
        relative = path.relative_to(tree)
        if not path.is_file() or path.is_symlink():
            continue
        top = relative.parts[0]
        if path.suffix == ".pyc" and not path.name.endswith(PYC_SUFFIX):
            continue  # bytecode of another interpreter
        if (
            any(part in DROP_DIRS for part in relative.parts[:-1])
            or top.endswith("-stubs")
            or path.name.endswith(DROP_SUFFIXES)
            or path.name in DROP_FILES
        ):
            continue
        entries.append((f"python/{relative.as_posix()}", path))
    return sorted(entries)


def layer_requirements(lock: Path) -> dict[str, str]:
    """Pinned name -> version from the lock, minus what the runtime provides."""
    pins = {}
    for line in lock.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==([^\s;]+)", line)
        if match:
            name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
            pins[name] = match.group(2)
    return {name: version for name, version in pins.items() if name not in RUNTIME_PROVIDED}


def install_layer(pins: dict[str, str], target: Path) -> None:
    """Install the exact pins as manylinux aarch64 CPython 3.13 wheels into `target`."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as requirements:
        requirements.write(
            "".join(f"{name}=={version}\n" for name, version in sorted(pins.items()))
        )
    common = [
        "--only-binary",
        ":all:",
        "--no-deps",
        "--target",
        str(target),
        "-r",
        requirements.name,
    ]
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if uv:
        command = [uv, "pip", "install", "--quiet", "--no-compile", "--python-platform", PLATFORM]
        command += ["--python-version", PYTHON_VERSION, *common]
    else:
        command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-compile"]
        command += [arg for platform in PIP_PLATFORMS for arg in ("--platform", platform)]
        command += ["--implementation", "cp", "--python-version", PYTHON_VERSION, *common]
    try:
        subprocess.run(command, check=True)  # noqa: S603 - fixed arguments, our own lock
    finally:
        Path(requirements.name).unlink()


def check_installed(pins: dict[str, str], tree: Path) -> None:
    """Fail unless every pin is installed at exactly its version (no silent ancient fallback)."""
    found = {}
    for metadata in tree.glob("*.dist-info/METADATA"):
        text = metadata.read_text(errors="replace")
        name = re.search(r"^Name: (.+)$", text, re.MULTILINE)
        version = re.search(r"^Version: (.+)$", text, re.MULTILINE)
        if name and version:
            found[re.sub(r"[-_.]+", "-", name.group(1).strip()).lower()] = version.group(1).strip()
    wrong = {name: found.get(name) for name, version in pins.items() if found.get(name) != version}
    if wrong:
        raise SystemExit(f"layer: installed versions differ from {LAYER_LOCK.name}: {wrong}")


def shared_objects(tree: Path) -> list[Path]:
    """Every ELF shared object in the tree, checked to be built for arm64."""
    objects = sorted(p for p in tree.rglob("*.so*") if p.is_file() and not p.is_symlink())
    for path in objects:
        with path.open("rb") as stream:
            header = stream.read(20)
        if header[:4] != b"\x7fELF" or int.from_bytes(header[18:20], "little") != EM_AARCH64:
            raise SystemExit(f"layer: {path.relative_to(tree)} is not an arm64 ELF object")
    return objects


def find_strip() -> str | None:
    """A strip that understands arm64 ELF: the cross binutils one or LLVM's (host GNU strip does not)."""
    candidates = ["aarch64-linux-gnu-strip", "llvm-strip"]
    candidates += [f"llvm-strip-{version}" for version in range(20, 12, -1)]
    for candidate in candidates:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def strip_objects(objects: Sequence[Path], strip: str) -> int:
    """Strip debug info and local symbols (the dynamic symbol table stays); return bytes saved."""
    saved = 0
    for path in objects:
        before = path.stat().st_size
        subprocess.run([strip, "--strip-unneeded", str(path)], check=True)  # noqa: S603
        saved += before - path.stat().st_size
    return saved


def compile_bytecode(tree: Path) -> None:
    """Precompile the layer for the Lambda interpreter, if this is the same Python version."""
    if f"{sys.version_info.major}.{sys.version_info.minor}" != PYTHON_VERSION:
        print(f"layer: building with Python {sys.version_info[:2]}, not {PYTHON_VERSION}: no .pyc")
        return
    ok = compileall.compile_dir(
        tree,
        ddir="/opt/python",  # where Lambda mounts it: right tracebacks, no build path inside
        quiet=2,
        workers=1,
        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
    )
    if not ok:  # such a module is compiled at import time instead; nothing breaks
        print("layer: some modules did not precompile")


def build_layer(out: Path, *, use_strip: bool = True) -> tuple[Path, int]:
    """build/layer.zip from the cache or a fresh install; return its path and unzipped size."""
    pins = layer_requirements(LAYER_LOCK)
    strip = find_strip() if use_strip else None
    recipe = f"{LAYER_RECIPE}|strip={bool(strip)}".encode()
    key = hashlib.sha256(LAYER_LOCK.read_bytes() + recipe).hexdigest()[:16]
    cache = out / ".layer-cache" / key
    cached_zip = cache / "layer.zip"
    for stale in cache.parent.glob("*"):
        if stale != cache:  # other locks or recipes: never reused, 100+ MB each
            shutil.rmtree(stale, ignore_errors=True)
    if not cached_zip.exists():
        shutil.rmtree(cache, ignore_errors=True)
        tree = cache / "python"
        started = time.monotonic()
        install_layer(pins, tree)
        check_installed(pins, tree)
        objects = shared_objects(tree)
        if strip:
            saved = strip_objects(objects, strip)
            print(
                f"layer: stripped {len(objects)} shared objects with {strip}: -{saved / 1e6:.1f} MB"
            )
        else:
            print(
                "layer: no arm64-capable strip found (install binutils-aarch64-linux-gnu or llvm); not stripped"
            )
        compile_bytecode(tree)
        write_zip(cached_zip, layer_entries(tree))
        print(
            f"layer: built in {time.monotonic() - started:.0f} s (cache {cache.relative_to(out)})"
        )
    else:
        print(f"layer: cached ({cache.relative_to(out)})")
    dest = out / "layer.zip"
    shutil.copyfile(cached_zip, dest)
    with zipfile.ZipFile(dest) as archive:
        unzipped = sum(info.file_size for info in archive.infolist())
    return dest, unzipped


@dataclass(frozen=True)
class Artifact:
    """One manifest entry: where the zip is (relative to the repo root), its hash and sizes."""

    path: str
    sha256: str
    size: int
    unzipped_size: int

    @classmethod
    def of(cls, path: Path, unzipped: int) -> Artifact:
        location = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
        return cls(location, sha256(path), path.stat().st_size, unzipped)


def build_function(name: str, out: Path) -> tuple[Path, int]:
    """build/<name>.zip; return its path and unzipped size."""
    dest = out / f"{name}.zip"
    return dest, write_zip(dest, function_entries(name))


def main(argv: Sequence[str] | None = None) -> int:
    """Build everything, print the sizes, write build/manifest.json, enforce the 250 MB limit."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=ROOT / "build", help="output folder (default build/)"
    )
    parser.add_argument("--skip-layer", action="store_true", help="only the function zips")
    parser.add_argument(
        "--no-strip", action="store_true", help="ship the layer's shared objects unstripped"
    )
    args = parser.parse_args(argv)
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)

    manifest: dict[str, Artifact] = {}
    for name in FUNCTIONS:
        manifest[name] = Artifact.of(*build_function(name, out))
    if not args.skip_layer:
        manifest["layer"] = Artifact.of(*build_layer(out, use_strip=not args.no_strip))

    for name, artifact in manifest.items():
        print(
            f"{name:15} {artifact.size / 1e6:8.2f} MB zipped {artifact.unzipped_size / 1e6:8.2f} MB"
            f" unzipped  sha256 {artifact.sha256[:12]}"
        )
    body = {name: asdict(artifact) for name, artifact in manifest.items()}
    (out / "manifest.json").write_text(json.dumps(body, indent=2, sort_keys=True) + "\n")

    if "layer" in manifest:
        for name in FUNCTIONS:
            total = manifest["layer"].unzipped_size + manifest[name].unzipped_size
            verdict = "exceeds" if total >= MAX_UNZIPPED else "within"
            print(
                f"{name} + layer: {total / 1e6:.1f} MB unzipped, {verdict} Lambda's 262.1 MB (250 MiB) limit"
            )
            if total >= MAX_UNZIPPED:
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
