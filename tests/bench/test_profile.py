"""The stage profiler: every stage of the core timed, on a small file, and its table."""

from __future__ import annotations

from pathlib import Path

from bench import profile

STAGES = [
    "structure",
    "read",
    "ids",
    "amounts",
    "timestamps",
    "duplicates",
    "reasons+lines",
    "write",
    "process_file",
]


def _source(tmp_path: Path) -> Path:
    source = tmp_path / "small.csv"
    rows = [f"T{i % 40},C{i},{i}.5,2024-01-0{i % 9 + 1}T00:00:00Z\n" for i in range(60)]
    source.write_text("transaction_id,customer_id,amount,timestamp\n" + "".join(rows))
    return source


def test_every_stage_is_timed_and_tabled(tmp_path: Path) -> None:
    source = _source(tmp_path)

    times = profile.stages(source, strict=False)
    table = profile.table(source, times)

    assert list(times) == STAGES
    assert all(t >= 0 for t in times.values())
    assert [line.split(" | ")[0].lstrip("| ") for line in table.splitlines()[4:-2]] == STAGES[:-1]
    assert table.splitlines()[-1].startswith("| process_file |")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small.csv"]  # scratch removed
