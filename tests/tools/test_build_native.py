"""The build of the core's C parser: Lambda's arm64 object, this machine's, and failures."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.functions.core import adversarial_values
from tools import build_layer, build_native


def test_the_lambda_build_is_an_arm64_object_exporting_the_parser(tmp_path: Path) -> None:
    library = build_native.lambda_library(tmp_path)

    assert build_native.elf_machine(library) == build_layer.EM_AARCH64
    body = library.read_bytes()
    exported = (b"etl_parse_timestamps", b"etl_format_instants", b"etl_normalize_amounts")
    for routine in (*exported, b"etl_int64_schema", b"etl_one_line_records", b"etl_ids_add"):
        assert routine in body
    for internal in (b"etl_new_int64", b"etl_text_begin"):  # shared by the routines, hidden
        assert internal not in body
    # no path of this machine inside (it is compiled from its own folder, stripped)
    assert str(build_native.REPO).encode() not in body


def test_the_build_writes_the_library_where_the_binding_loads_it() -> None:
    # tools/ cannot import the binding (it loads the library); the names must still agree
    binding = (build_native.NATIVE_DIR / "__init__.py").read_text()
    assert f'"{build_native.LIBRARY_NAME}"' in binding
    assert f"functions/core/native/{build_native.LIBRARY_NAME}" == build_native.ARCHIVE_NAME


def test_this_machines_build_is_rebuilt_only_when_its_source_is_newer(tmp_path: Path) -> None:
    sources = tuple(tmp_path / s.name for s in build_native.SOURCES)
    for original, copy in zip(build_native.SOURCES, sources, strict=True):
        shutil.copyfile(original, copy)
    shutil.copyfile(build_native.HEADER, tmp_path / build_native.HEADER.name)
    library = tmp_path / build_native.LIBRARY_NAME

    built = build_native.host_library(library, sources)
    first = built.stat().st_mtime_ns
    assert build_native.host_library(library, sources).stat().st_mtime_ns == first

    for source in sources:  # each of them, not only the first
        later = built.stat().st_mtime_ns + 10**9
        os.utime(source, ns=(later, later))
        assert build_native.host_library(library, sources).stat().st_mtime_ns > first
        first = built.stat().st_mtime_ns


def test_a_source_that_does_not_compile_stops_the_build_with_the_compilers_message(
    tmp_path: Path,
) -> None:
    source = tmp_path / "broken.c"
    source.write_text("int f(void) { return undeclared; }\n")

    with pytest.raises(SystemExit, match="undeclared"):
        build_native.compile_library(tmp_path / "broken.so", sources=(source,))
    assert not (tmp_path / "broken.so").exists()


def test_a_file_that_is_not_elf_has_no_machine(tmp_path: Path) -> None:
    fake = tmp_path / "fake.so"
    fake.write_bytes(b"#!/bin/sh\n" * 4)

    assert build_native.elf_machine(fake) is None


def _driver(out: Path, target: str | None) -> Path:
    """tests/tools/native_driver.c, which loads a build of the parser, for `target` (None:
    this machine)."""
    command = [sys.executable, "-m", "ziglang", "cc", "-std=c11", "-O2", "-Wall", "-Werror"]
    command += ["-target", target] if target else []
    source = Path(__file__).with_name("native_driver.c")
    include = f"-I{build_native.HEADER.parent}"  # the Arrow structures of the routine
    subprocess.run(
        [*command, include, str(source), "-ldl", "-o", str(out)], check=True, timeout=300
    )
    return out


def _values() -> bytes:
    """The adversarial timestamps and amounts (trimmed, one per line), seeded values near
    both grammars, and seeded lines of CSV bytes for the structure fast path (invalid UTF-8
    among them)."""
    rng = random.Random(13)
    near = ["".join(rng.choices("0123456789-:T Z.+", k=rng.randrange(30))) for _ in range(3000)]
    shaped = [
        f"{rng.randrange(10000):04d}-{rng.randrange(14):02d}-{rng.randrange(33):02d}"
        f"{rng.choice('T ')}{rng.randrange(25):02d}:{rng.randrange(61):02d}:{rng.randrange(61):02d}"
        f"{rng.choice(['', '.' + '7' * rng.randrange(11)])}"
        f"{rng.choice(['', 'Z', f'+{rng.randrange(25):02d}:{rng.randrange(61):02d}', '-0530'])}"
        for _ in range(3000)
    ]
    amounts = ["".join(rng.choices("0123456789,.+-", k=rng.randrange(24))) for _ in range(3000)]
    adversarial = [v.strip() for _, v in adversarial_values.TIMESTAMPS if "\n" not in v]
    adversarial += [v.strip() for _, v in adversarial_values.AMOUNTS if "\n" not in v]
    text = "\n".join([*adversarial, *near, *shaped, *amounts]).encode()
    pieces = [
        b"a",
        b",",
        b'"',
        b'""',
        b"\r",
        "é".encode(),
        "😀".encode(),
        b"\xed\xa0\x80",
        b"\xc3",
        b"\xff",
    ]
    csv = [b"".join(rng.choices(pieces, k=rng.randrange(12))) for _ in range(3000)]
    return text + b"\n" + b"\n".join(csv) + b"\n"


QEMU = shutil.which("qemu-aarch64-static") or shutil.which("qemu-aarch64")
# Debian's libc6-arm64-cross: the arm64 glibc a dynamic arm64 program runs with under qemu
ARM64_ROOT = Path("/usr/aarch64-linux-gnu")


@pytest.mark.skipif(
    QEMU is None or not (ARM64_ROOT / "lib" / "libc.so.6").is_file(),
    reason="qemu-user-static and libc6-arm64-cross not installed (.ci/run installs them)",
)
def test_the_arm64_build_parses_every_value_as_this_machines_does(tmp_path: Path) -> None:
    # the very object the zips ship, run under qemu: what could differ from this machine's
    # build is the compiled arithmetic and byte handling of another architecture
    values = _values()
    host = _driver(tmp_path / "host", None)
    arm64 = _driver(tmp_path / "arm64", build_native.LAMBDA_TARGET)
    assert build_native.elf_machine(arm64) == build_layer.EM_AARCH64

    def run(*command: str) -> str:
        done = subprocess.run(command, input=values, capture_output=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout.decode()

    expected = run(str(host), str(build_native.host_library()))
    lines = expected.splitlines()
    assert len(lines) == values.count(b"\n")
    assert "-" in expected and any(line[0].isdigit() for line in lines)
    assert any(line.split(" ")[2].endswith("Z") for line in lines)  # formatted, not only nulls
    assert any(line.split(" ")[3][-3:-2] == "." for line in lines)  # amounts written, too
    assert {line[-3:] for line in lines} >= {"100", "010", "001", "000"}  # every verdict
    assert {line.split(" ")[4] for line in lines} == {"r", "n"}  # repeated keys, and new ones
    sums = [line.split(" ")[5].split(":")[1] for line in lines]
    assert len(set(sums)) > 100  # amounts summed as the rows went
    shipped = build_native.lambda_library(tmp_path / "lambda")
    assert run(str(QEMU), "-L", str(ARM64_ROOT), str(arm64), str(shipped)) == expected
