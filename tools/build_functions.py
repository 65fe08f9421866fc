"""Build the Lambda artifacts under build/: two function zips, the polars layer and a manifest.

    python -m tools.build_functions [--out build] [--skip-layer] [--no-strip] [--native-for host]

The zips are deterministic (``tools.artifacts``), so the same sources give the same bytes and
the same sha256; build/manifest.json records them for content-addressed uploads. The layer
is ``tools.build_layer``'s.

Each zip ships its modules' bytecode next to the sources, as the layer does: /var/task is
read-only, so without it every cold start compiles the function's own modules again
(measured: about a tenth of the validation handler's cold import).

Each zip also carries the core's C timestamp parser (``tools.build_native``), built for
Lambda's arm64; ``--native-for host`` ships this machine's build instead, for the zips the
emulator runs here (``tools.local``) and the benchmark imports.
"""

from __future__ import annotations

import argparse
import json
import logging
import py_compile
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from contract.deployment import SWEEPER_SERVICE, TRANSFORMATION_SERVICE, VALIDATION_SERVICE
from tools import build_layer, build_native
from tools.artifacts import Artifact, write_zip
from tools.output import show_output
from tools.paths import BUILD_DIR, REPO

log = logging.getLogger(__name__)

# The packages under functions/ each function zip carries besides functions/__init__.py and
# the whole contract/ package (docs/interfaces.md).
FUNCTIONS: dict[str, tuple[str, ...]] = {
    VALIDATION_SERVICE: ("core", "common", "validation"),
    TRANSFORMATION_SERVICE: ("core", "common", "transformation"),
    # functions.common.config imports the core's settings.
    SWEEPER_SERVICE: ("core", "common", "sweeper"),
}

# Where Lambda extracts the function zip: the path its bytecode names, for tracebacks.
TASK_ROOT = "/var/task"
# Lambda's limit on function code plus layers, unzipped: 250 MB.
MAX_UNZIPPED = 262_144_000


def function_entries(name: str, root: Path = REPO) -> list[tuple[str, Path]]:
    """The .py files of one function zip, by archive name (no caches, no other functions)."""
    functions = root / "functions"
    entries = [("functions/__init__.py", functions / "__init__.py")]
    for package in (root / "contract", *(functions / p for p in FUNCTIONS[name])):
        for path in sorted(package.rglob("*.py")):
            if "__pycache__" not in path.parts:
                entries.append((path.relative_to(root).as_posix(), path))
    return entries


def bytecode_entries(entries: list[tuple[str, Path]], work: Path) -> list[tuple[str, Path]]:
    """The runtime interpreter's .pyc of each source entry, compiled under `work`, by archive
    name (``pkg/__pycache__/mod.cpython-313.pyc``); none when this is another Python version.

    Unchecked-hash bytecode is loaded without looking at the source's time, which a zip
    fixes at 1980 anyway, and is as deterministic as the source.
    """
    if not build_layer.builds_runtime_bytecode():
        log.info(f"functions: building with Python {sys.version_info[:2]}: no .pyc")
        return []
    compiled = []
    for name, source in entries:
        folder, _, file = name.rpartition("/")
        archive = f"{folder}/__pycache__/{file.removesuffix('.py')}{build_layer.PYC_SUFFIX}"
        py_compile.compile(
            str(source),
            cfile=str(work / archive),
            dfile=f"{TASK_ROOT}/{name}",
            doraise=True,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
        compiled.append((archive, work / archive))
    return compiled


def native_library(out: Path, native_for: str = "lambda") -> Path:
    """The shared object of the core's C parser a zip ships: Lambda's arm64 build (under
    `out`) or, with ``native_for="host"``, this machine's."""
    if native_for == "host":
        return build_native.host_library()
    return build_native.lambda_library(out / "native")


def build_function(name: str, out: Path, native: Path) -> tuple[Path, int]:
    """build/<name>.zip (sources, their bytecode and the `native` shared object, whose
    platform the caller chose); return its path and unzipped size."""
    dest = out / f"{name}.zip"
    sources = function_entries(name)
    compiled = [(build_native.ARCHIVE_NAME, native)]
    with tempfile.TemporaryDirectory(prefix=f"{name}-bytecode-") as work:
        compiled += bytecode_entries(sources, Path(work))
        return dest, write_zip(dest, [*sources, *compiled])


def main(argv: Sequence[str] | None = None) -> int:
    """Build everything, print the sizes, write build/manifest.json, enforce the 250 MB limit."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=BUILD_DIR, help="output folder (default build/)"
    )
    parser.add_argument("--skip-layer", action="store_true", help="only the function zips")
    parser.add_argument(
        "--no-strip", action="store_true", help="ship the layer's shared objects unstripped"
    )
    parser.add_argument(
        "--native-for",
        choices=("lambda", "host"),
        default="lambda",
        help="whose build of the core's C parser the zips carry (default Lambda's arm64)",
    )
    args = parser.parse_args(argv)
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)

    native = native_library(out, args.native_for)
    manifest: dict[str, Artifact] = {}
    for name in FUNCTIONS:
        manifest[name] = Artifact.of(*build_function(name, out, native))
    if not args.skip_layer:
        manifest["layer"] = Artifact.of(*build_layer.build_layer(out, use_strip=not args.no_strip))

    for name, artifact in manifest.items():
        log.info(
            f"{name:15} {artifact.size / 1e6:8.2f} MB zipped {artifact.unzipped_size / 1e6:8.2f} MB"
            f" unzipped  sha256 {artifact.sha256[:12]}"
        )
    body = {name: asdict(artifact) for name, artifact in manifest.items()}
    (out / "manifest.json").write_text(json.dumps(body, indent=2, sort_keys=True) + "\n")

    if "layer" in manifest:
        for name in FUNCTIONS:
            total = manifest["layer"].unzipped_size + manifest[name].unzipped_size
            verdict = "exceeds" if total >= MAX_UNZIPPED else "within"
            log.info(
                f"{name} + layer: {total / 1e6:.1f} MB unzipped, {verdict} Lambda's 262.1 MB (250 MiB) limit"
            )
            if total >= MAX_UNZIPPED:
                return 1
    return 0


if __name__ == "__main__":
    show_output()
    sys.exit(main())
