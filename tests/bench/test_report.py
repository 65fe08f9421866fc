"""The report from a fixed sample set: the summary rows and the Markdown they render to."""

from __future__ import annotations

from pathlib import Path

from bench.measure import BenchFile, Sample
from bench.report import Results, markdown, summarize

FILE = BenchFile(20_000, "dirty", Path("tx_dirty_20000.csv"), 1.4)
SAMPLES = {
    FILE.key: {
        "ours": [Sample(0.2, 90.0, {}), Sample(0.1, 99.4, {}), Sample(0.3, 80.0, {})],
        "stdlib": [Sample(0.5, 20.0, {}), Sample(0.4, 21.0, {}), Sample(0.9, 19.0, {})],
        "pandas": [Sample(9.0, 9.0, {})],
    }
}


def test_summary_rows_hold_medians_throughput_peak_and_ratio() -> None:
    rows = summarize([FILE], SAMPLES, ["ours", "stdlib"])
    assert {k: rows[0][k] for k in ("file", "rows", "mb")} == {
        "file": "20k dirty",
        "rows": 20_000,
        "mb": 1.4,
    }
    fields = ("impl", "runs", "seconds", "mb_per_s", "rows_per_s", "peak_rss_mib", "vs_ours")
    assert [tuple(r[k] for k in fields) for r in rows] == [
        ("ours", 3, 0.2, 7.0, 100_000, 99, 1.0),
        ("stdlib", 3, 0.5, 2.8, 40_000, 21, 2.5),
    ]


def test_without_ours_there_is_no_ratio() -> None:
    assert [r["vs_ours"] for r in summarize([FILE], SAMPLES, ["stdlib"])] == [None]


def test_markdown_renders_each_row_and_section() -> None:
    res = Results(
        command="python -m bench.run --quick",
        rows=summarize([FILE], SAMPLES, ["ours", "stdlib"]),
        imports={"polars": 0.4321, "absent.module": None, "boto3": 0.2},
        machine={
            "cpu": "CPU X",
            "cores": 2,
            "ram_gib": 3.5,
            "os": "Linux",
            "versions": {"python": "3.13.0", "commit": "abc1234"},
        },
        targets=["a target"],
        big=None,
    )
    lines = markdown(res).splitlines()
    assert "Command: `python -m bench.run --quick`." in lines[2]
    assert lines[4:6] == [
        "| file | implementation | runs | median s | MB/s | rows/s | peak RSS MiB | x ours |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    assert lines[6:9] == [
        "| 20k dirty (1 MB) | ours (polars core, 1 thread) | 3 | 0.20 | 7.0 | 100,000 | 99 | 1.00 |",
        "| 20k dirty (1 MB) | stdlib csv+decimal+datetime | 3 | 0.50 | 2.8 | 40,000 | 21 | 2.50 |",
        "",
    ]
    tail = lines[lines.index("## Targets") :]
    assert tail == [
        "## Targets",
        "",
        "- a target",
        "",
        "## Cold import (median of fresh interpreters)",
        "",
        "- `polars`: 0.432 s (2.16x boto3)",
        "- `absent.module`: n/a",
        "- `boto3`: 0.200 s",
        "",
        "## Machine",
        "",
        "- CPU: CPU X, 2 cores, 3.5 GiB RAM, Linux",
        "- python 3.13.0, commit abc1234",
        "",
        "![throughput and peak memory](chart.png)",
    ]


def test_an_import_is_a_ratio_to_the_sdk_only_when_the_sdk_was_measured() -> None:
    res = Results(
        command="c",
        rows=[],
        imports={"polars": 0.3, "boto3": None},
        machine={"cpu": "X", "cores": 1, "ram_gib": 1, "os": "L", "versions": {}},
        targets=[],
        big=None,
    )
    lines = markdown(res).splitlines()
    assert "- `polars`: 0.300 s" in lines
    assert "- `boto3`: n/a" in lines
