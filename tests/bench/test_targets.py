"""The targets of issue 5 from fixed summary rows: values, verdicts and order."""

from __future__ import annotations

from typing import Any

from bench.targets import HANDLER_MODULES, targets


def _row(file: str, rows: int, impl: str, seconds: float, rss: int = 100) -> dict[str, Any]:
    ours = {"20k dirty": 0.1, "20k clean": 0.1, "5M dirty": 10.0}[file]
    return {
        "file": file,
        "rows": rows,
        "impl": impl,
        "seconds": seconds,
        "peak_rss_mib": rss,
        "vs_ours": round(seconds / ours, 2),
    }


ROWS = [
    _row("5M dirty", 5_000_000, "ours", 10.0, rss=600),
    _row("5M dirty", 5_000_000, "duckdb", 20.0),
    _row("20k dirty", 20_000, "ours", 0.1),
    _row("20k dirty", 20_000, "duckdb", 0.1),
    _row("20k dirty", 20_000, "bare-polars", 0.05),
    _row("20k clean", 20_000, "ours", 0.1),
    _row("20k clean", 20_000, "stdlib", 0.6),
]


def test_targets_per_file_smallest_first_in_table_order_then_imports() -> None:
    imports = {HANDLER_MODULES[0]: 0.25, HANDLER_MODULES[1]: None, "polars": 0.4}
    assert targets(ROWS, imports, None) == [
        "20k dirty: ours vs duckdb throughput 1.00x (target >= 1.6x) NOT met",
        "20k dirty: ours / bare polars read+write time 2.00x (target <= 1.5x) NOT met",
        "20k clean: ours vs stdlib throughput 6.00x (target >= 5.0x) met",
        "5M dirty: ours vs duckdb throughput 2.00x (target >= 1.6x) met",
        "5M dirty: ours peak RSS 600 MiB (target <= 512 MiB) NOT met",
        f"cold import {HANDLER_MODULES[0]}: 0.250 s (target <= 0.25 s) met",
        f"cold import {HANDLER_MODULES[1]}: n/a (module absent)",
    ]


def test_a_file_without_ours_has_no_target() -> None:
    rows = [r for r in ROWS if (r["file"], r["impl"]) != ("20k clean", "ours")]
    assert [t for t in targets(rows, {}, None) if t.startswith("20k clean")] == []


def test_memory_growth_comes_after_the_files() -> None:
    big = {
        "from": "5M dirty",
        "to": "20M dirty",
        "rss_5m_mib": 300,
        "rss_20m_mib": 700,
        "bare_rss_5m_mib": 200,
        "bare_rss_20m_mib": 210,
        "id_set_growth_mib": 300,
    }
    assert targets(ROWS[:2], {}, big)[-1] == (
        "memory growth 5M dirty -> 20M dirty: 300 -> 700 MiB (+400 MiB; bare polars 200 -> "
        "210 MiB; the id state of the extra rows is 300 MiB)"
    )
