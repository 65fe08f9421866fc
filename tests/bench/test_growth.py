"""The memory-growth figures of ``--big`` from fixed samples."""

from __future__ import annotations

from pathlib import Path

from bench.growth import growth
from bench.measure import BenchFile, Sample

BASE = BenchFile(5_000_000, "dirty", Path("base.csv"), 354.0)
BIG = BenchFile(20_000_000, "dirty", Path("big.csv"), 1416.0)


def test_growth_takes_each_peak_and_the_id_state_of_the_extra_rows() -> None:
    samples = {
        BASE.key: {
            "ours": [Sample(1.0, 300.4, {}), Sample(1.0, 310.6, {})],
            "bare-polars": [Sample(1.0, 200.0, {})],
        },
        BIG.key: {"ours": [Sample(4.0, 700.0, {})], "bare-polars": [Sample(4.0, 210.0, {})]},
    }
    assert growth(BASE, BIG, samples) == {
        "rss_5m_mib": 311,
        "rss_20m_mib": 700,
        "bare_rss_5m_mib": 200,
        "bare_rss_20m_mib": 210,
        "id_set_growth_mib": 229,  # 15M rows x 16 bytes
        "from": "5M dirty",
        "to": "20M dirty",
    }
