"""The polars layer: installed from requirements/layer.lock for Lambda arm64, then zipped.

The layer is installed for manylinux aarch64 / CPython 3.13 and cached under
build/.layer-cache/<hash of lock and recipe>/; ``tools.build_functions`` builds it unless
``--skip-layer``. Every pin is checked to be installed at exactly its version, and every
shared object to be built for arm64.
"""

from __future__ import annotations

import compileall
import hashlib
import logging
import py_compile
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

from stacks.compute import ARCHITECTURE, RUNTIME
from tools.artifacts import write_zip
from tools.paths import REPO

log = logging.getLogger(__name__)

LAYER_LOCK = REPO / "requirements" / "layer.lock"

# Installed by the Lambda Python runtime next to boto3: shipping them would only shadow it.
# (python-dateutil, six and urllib3 are in the lock solely as botocore's dependencies.)
RUNTIME_PROVIDED = frozenset(
    {"boto3", "botocore", "s3transfer", "python-dateutil", "six", "urllib3"}
)
# Lambda arm64 on Amazon Linux 2023 (glibc 2.34); the functions' ARCHITECTURE must be arm64.
PLATFORM = "aarch64-manylinux_2_28"
if ARCHITECTURE != "arm64":
    raise RuntimeError(f"the layer is built from aarch64 wheels only, not for {ARCHITECTURE}")
PIP_PLATFORMS = ("manylinux2014_aarch64", "manylinux_2_17_aarch64", "manylinux_2_28_aarch64")
PYTHON_VERSION = RUNTIME.removeprefix("python")  # the functions' runtime, e.g. "3.13"
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


def elf_machine(path: Path) -> int | None:
    """The ELF e_machine of an object (EM_AARCH64 = 183, x86-64 = 62); None if not ELF."""
    with path.open("rb") as stream:
        header = stream.read(20)
    return int.from_bytes(header[18:20], "little") if header[:4] == b"\x7fELF" else None


def shared_objects(tree: Path) -> list[Path]:
    """Every ELF shared object in the tree, checked to be built for arm64."""
    objects = sorted(p for p in tree.rglob("*.so*") if p.is_file() and not p.is_symlink())
    for path in objects:
        if elf_machine(path) != EM_AARCH64:
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


def builds_runtime_bytecode() -> bool:
    """True when this interpreter is the functions' runtime version, so its .pyc files are
    the ones Lambda's interpreter loads (another version's would be ignored)."""
    return f"{sys.version_info.major}.{sys.version_info.minor}" == PYTHON_VERSION


def compile_bytecode(tree: Path) -> None:
    """Precompile the layer for the Lambda interpreter, if this is the same Python version."""
    if not builds_runtime_bytecode():
        log.info(
            f"layer: building with Python {sys.version_info[:2]}, not {PYTHON_VERSION}: no .pyc"
        )
        return
    ok = compileall.compile_dir(
        tree,
        ddir="/opt/python",  # where Lambda mounts it: right tracebacks, no build path inside
        quiet=2,
        workers=1,
        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
    )
    if not ok:  # such a module is compiled at import time instead; nothing breaks
        log.info("layer: some modules did not precompile")


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
        started = time.monotonic()
        _install_and_zip(pins, cache, strip)
        log.info(
            f"layer: built in {time.monotonic() - started:.0f} s (cache {cache.relative_to(out)})"
        )
    else:
        log.info(f"layer: cached ({cache.relative_to(out)})")
    dest = out / "layer.zip"
    shutil.copyfile(cached_zip, dest)
    with zipfile.ZipFile(dest) as archive:
        unzipped = sum(info.file_size for info in archive.infolist())
    return dest, unzipped


def _install_and_zip(pins: dict[str, str], cache: Path, strip: str | None) -> None:
    """Install, check, strip and precompile the layer tree under ``cache``; zip it there."""
    shutil.rmtree(cache, ignore_errors=True)
    tree = cache / "python"
    install_layer(pins, tree)
    check_installed(pins, tree)
    objects = shared_objects(tree)
    if strip:
        saved = strip_objects(objects, strip)
        log.info(
            f"layer: stripped {len(objects)} shared objects with {strip}: -{saved / 1e6:.1f} MB"
        )
    else:
        log.info(
            "layer: no arm64-capable strip found (install binutils-aarch64-linux-gnu or llvm); not stripped"
        )
    compile_bytecode(tree)
    write_zip(cache / "layer.zip", layer_entries(tree))
