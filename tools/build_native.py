"""Build the C files of functions/core/native into one shared object, for this machine or Lambda.

    python -m tools.build_native            # functions/core/native/_native.so, this machine
    python -m tools.build_native --lambda   # the same for Lambda (arm64, glibc 2.28+), into build/

The compiler is zig's clang (the pinned `ziglang` wheel of requirements/dev.lock), so a
clean machine needs no C toolchain and builds the arm64 object on x86_64 as well. The
output is deterministic: no build id, no debug info, no paths.

The machine's build is what the tests, `make local` and the benchmark load; the function
zips carry the Lambda build (tools/build_functions.py), except the emulator's, which run
on this machine (tools/local.py).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from stacks.compute import ARCHITECTURE
from tools.build_layer import EM_AARCH64, elf_machine
from tools.output import show_output
from tools.paths import BUILD_DIR, REPO

NATIVE_DIR = REPO / "functions" / "core" / "native"
#: Every C file of the folder goes into the one object (the Makefile's NATIVE rule says the same).
SOURCES = tuple(sorted(NATIVE_DIR.glob("*.c")))
HEADER = NATIVE_DIR / "arrow.h"  # the Arrow C structures and shared helpers, included by each
#: Where the binding (functions/core/native/__init__.py) loads it from, in the tree and in a zip.
LIBRARY_NAME = "_native.so"
HOST_LIBRARY = NATIVE_DIR / LIBRARY_NAME
ARCHIVE_NAME = f"functions/core/native/{LIBRARY_NAME}"
# Lambda arm64 runs Amazon Linux 2023 (glibc 2.34); the layer's wheels ask for 2.28.
LAMBDA_TARGET = "aarch64-linux-gnu.2.28"
if ARCHITECTURE != "arm64":
    raise RuntimeError(f"the native build targets arm64 only, not {ARCHITECTURE}")
# `-mcpu=baseline`: code for the architecture's baseline, never for the CPU that builds it
# (zig's default for this machine). The object is then the same whichever machine builds
# it, and runs on any: a build for an AMD EPYC used SSE4a's `insertq` in the date parse,
# which made etl_parse_timestamps 3x slower there than the baseline build (bench/README.md).
FLAGS = (
    "-std=c11", "-O2", "-mcpu=baseline", "-shared", "-fPIC", "-Wall", "-Wextra", "-Werror",
    "-s", "-Wl,--build-id=none", "-fno-ident",
)  # fmt: skip


def compile_library(
    out: Path, target: str | None = None, sources: tuple[Path, ...] = SOURCES
) -> Path:
    """Compile `sources` (files of one folder) into `out` for `target` (a zig target triple;
    None: this machine)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "ziglang", "cc", *FLAGS]
    command += ["-target", target] if target else []
    # compiled from its own folder: nothing of this checkout's location ends up in the object
    command += [*(s.name for s in sources), "-o", str(out.resolve())]
    result = subprocess.run(  # noqa: S603
        command, cwd=sources[0].parent, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        names = ", ".join(s.name for s in sources)
        raise SystemExit(f"native: compiling {names} failed:\n{result.stderr}")
    return out


def lambda_library(out_dir: Path = BUILD_DIR / "native") -> Path:
    """The Lambda (arm64) build of SOURCES under `out_dir`, checked to be arm64."""
    path = compile_library(out_dir / f"arm64-{LIBRARY_NAME}", LAMBDA_TARGET)
    if elf_machine(path) != EM_AARCH64:
        raise SystemExit(f"native: {path} is not an arm64 ELF object")
    return path


def host_library(library: Path = HOST_LIBRARY, sources: tuple[Path, ...] = SOURCES) -> Path:
    """This machine's build, next to the binding, rebuilt only when it is older than a
    source, the header or this recipe (the Makefile's NATIVE rule asks the same)."""
    inputs = (*sources, sources[0].with_name(HEADER.name), Path(__file__))
    newest = max(p.stat().st_mtime for p in inputs if p.is_file())
    if library.is_file() and library.stat().st_mtime >= newest:
        return library
    return compile_library(library, sources=sources)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lambda", dest="for_lambda", action="store_true", help="arm64 build")
    args = parser.parse_args(argv)
    path = lambda_library() if args.for_lambda else host_library()
    print(f"native: {path.relative_to(REPO)} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    show_output()
    sys.exit(main())
