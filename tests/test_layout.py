"""The shape of the repository stays readable: small modules, tests mirroring the source tree.

- Every source module (contract/, stacks/, functions/, tools/, bench/, generate.py) has at
  most MAX_LINES lines; ruff's C90/PLR0912/PLR0915 bound each function (pyproject.toml).
- Every test directory mirrors a source directory (``tests/functions/core`` tests
  ``functions/core``), and every test module is named after the module, package or C file it
  tests (``test_rules.py`` tests ``rules.py``), except the few listed in CROSS_CUTTING, which test
  one concept across several modules and say so.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SOURCE_ROOTS = ("contract", "stacks", "functions", "tools", "bench")
MAX_LINES = 300

# Test directories that hold data, or drive the deployed pipeline as a whole.
NOT_MIRRORS = {"tests", "tests/e2e"}
DATA_DIRS = {"corpus", "events", "fixtures"}

# Test modules about one concept across several modules: name -> what it covers.
CROSS_CUTTING = {
    "tests/contract/test_single_definition.py": "no source module copies a contract value",
    "tests/functions/core/test_corpus.py": "the data contract, file by file, end to end",
    "tests/functions/core/test_properties.py": "properties of the whole core (hypothesis)",
    "tests/functions/core/test_memory.py": "peak memory of the whole core on a large file",
    "tests/functions/core/test_differential.py": "the whole core against a reference of the contract",
    "tests/stacks/test_iam.py": "every role's exact permissions, across stacks (policies.py)",
    "tests/stacks/test_security.py": "encryption, TLS, tags, deletion policies, lint reasons: all stacks",
    "tests/bench/test_agreement.py": "every benchmark baseline agrees with the core",
}


def _source_modules() -> list[Path]:
    modules = [REPO / "generate.py"]
    for root in SOURCE_ROOTS:
        modules += sorted((REPO / root).rglob("*.py"))
    return [m for m in modules if "__pycache__" not in m.parts]


def _rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def test_source_modules_stay_small() -> None:
    sizes = {_rel(m): len(m.read_text().splitlines()) for m in _source_modules()}
    too_long = sorted(f"{m} ({n} lines)" for m, n in sizes.items() if n > MAX_LINES)
    assert too_long == [], f"modules over {MAX_LINES} lines: {too_long}; split them by concept"


def _test_dirs() -> list[Path]:
    dirs = {p.parent for p in (REPO / "tests").rglob("test_*.py")}
    return sorted(d for d in dirs if not DATA_DIRS & set(d.relative_to(REPO).parts))


@pytest.mark.parametrize("directory", [_rel(d) for d in _test_dirs()])
def test_test_directories_mirror_the_source_tree(directory: str) -> None:
    if directory in NOT_MIRRORS:
        return
    source = REPO / directory.removeprefix("tests/")
    assert source.is_dir(), f"{directory} mirrors no source directory ({_rel(source)})"


def test_test_modules_are_named_after_what_they_test() -> None:
    strays = []
    for directory in _test_dirs():
        rel = _rel(directory)
        if rel in NOT_MIRRORS:
            continue
        source = REPO / rel.removeprefix("tests/")
        for test in sorted(directory.glob("test_*.py")):
            name = test.stem.removeprefix("test_")
            if _rel(test) in CROSS_CUTTING:
                continue
            tested = (source / f"{name}.py", source / f"{name}.c", source / name)
            if not any(p.exists() for p in tested):
                strays.append(_rel(test))
    assert strays == [], f"test modules named after nothing in the mirrored source: {strays}"


def test_the_exception_lists_are_not_stale() -> None:
    tests = {_rel(p) for p in (REPO / "tests").rglob("test_*.py")}
    assert set(CROSS_CUTTING) <= tests, set(CROSS_CUTTING) - tests
