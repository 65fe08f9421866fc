"""generate.py: deterministic output, committed templates in sync, drift detection."""

from pathlib import Path

import pytest

import generate

TEMPLATES = Path(generate.__file__).resolve().parent / "templates"
EXPECTED_FILES = {
    "root.json",
    "messaging.json",
    "data.json",
    "compute.json",
    "storage.json",
    "orchestration.json",
    "monitoring.json",
    "bootstrap.json",
}


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    return generate.render()


def test_renders_root_every_nested_stack_and_bootstrap(rendered: dict[str, str]) -> None:
    assert set(rendered) == EXPECTED_FILES


def test_output_is_deterministic_sorted_and_newline_terminated(rendered: dict[str, str]) -> None:
    assert generate.render() == rendered
    for text in rendered.values():
        assert text.endswith("}\n")
        assert text.startswith('{\n  "AWSTemplateFormatVersion": "2010-09-09",\n')


def test_committed_templates_equal_generated_output(rendered: dict[str, str]) -> None:
    committed = {p.name: p.read_text(encoding="utf-8") for p in TEMPLATES.glob("*.json")}
    assert committed == rendered, "templates/ drifted: run `make templates` and commit"


def test_check_passes_on_fresh_output_and_names_drifted_files(tmp_path: Path, capsys) -> None:
    assert generate.main(["--out", str(tmp_path)]) == 0
    assert generate.main(["--check", "--out", str(tmp_path)]) == 0

    (tmp_path / "storage.json").write_text("{}\n", encoding="utf-8")
    (tmp_path / "data.json").unlink()
    (tmp_path / "old.json").write_text("{}\n", encoding="utf-8")
    capsys.readouterr()
    assert generate.main(["--check", "--out", str(tmp_path)]) == 1
    report = capsys.readouterr().err
    assert "storage.json: differs" in report
    assert "data.json: missing" in report
    assert "old.json: not generated" in report
    assert "root.json" not in report
    # --check wrote nothing.
    assert (tmp_path / "storage.json").read_text(encoding="utf-8") == "{}\n"


def test_writing_removes_stale_templates(tmp_path: Path) -> None:
    (tmp_path / "old.json").write_text("{}\n", encoding="utf-8")
    assert generate.main(["--out", str(tmp_path)]) == 0
    assert {p.name for p in tmp_path.glob("*.json")} == EXPECTED_FILES
