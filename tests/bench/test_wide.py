"""The wide-record benchmark: its files are what the core must accept, its exponent is right."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import pytest

from bench import wide
from functions.core import CoreConfig, process_file


@pytest.mark.parametrize("width", [4, 12, 40])
def test_the_file_has_the_width_and_rows_asked(width: int) -> None:
    records = list(csv.reader(io.StringIO(wide.wide_csv(width, rows=3))))

    assert [len(r) for r in records] == [width] * 4
    assert records[0][:4] == list(wide.REQUIRED)
    assert len({r[0] for r in records[1:]}) == 3  # distinct ids: nothing is a duplicate


def test_the_core_accepts_it_and_keeps_every_field(tmp_path: Path) -> None:
    source, output = tmp_path / "wide.csv", tmp_path / "out.csv"
    source.write_text(wide.wide_csv(50, rows=2))

    outcome = process_file(source, output, config=CoreConfig())

    assert (outcome.ok, outcome.rows_total, outcome.rows_rejected) == (True, 2, 0)
    written = list(csv.reader(io.StringIO(output.read_text())))
    read = list(csv.reader(io.StringIO(source.read_text())))
    assert [r[4:] for r in written] == [r[4:] for r in read]  # extra fields byte for byte
    assert written[1][2:4] == ["0.50", "2024-01-01T00:00:00Z"]


def test_exponent_of_linear_and_cubic_growth() -> None:
    assert wide.exponent(100, 1.0, 1000, 10.0) == pytest.approx(1.0)
    assert wide.exponent(100, 1.0, 300, 27.0) == pytest.approx(3.0)
    assert math.isclose(wide.exponent(1000, 2.0, 2000, 2.0), 0.0, abs_tol=1e-12)


def test_a_measurement_runs_the_core_in_a_fresh_process(tmp_path: Path) -> None:
    assert wide.measure(12, rows=2, runs=1, folder=tmp_path) >= 0


def test_a_file_the_core_refuses_stops_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(wide, "wide_csv", lambda width, rows: "a,b\n1,2\n")

    with pytest.raises(SystemExit, match="12 columns: the core did not accept the file"):
        wide.measure(12, rows=1, runs=1, folder=tmp_path)


def test_main_prints_a_row_per_width(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(wide, "measure", lambda width, rows, runs, folder: width / 1000)

    assert wide.main(["--widths", "40,8", "--rows", "2", "--runs", "1"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" | ")[0] for line in lines[2:4]] == ["| 8", "| 40"]  # sorted
    assert lines[2].endswith("| - |")
    assert lines[3].endswith("| 1.00 |")  # seconds proportional to the width: linear
