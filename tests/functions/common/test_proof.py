"""Proof of processing: the exact amount total, the digests, one run of the core per file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from contract.proof import Figures
from functions.common import proof
from functions.core import CoreConfig, Outcome

VALID = (
    b"transaction_id,customer_id,amount,timestamp\n"
    b"t1,c1,0.10,2024-01-02T03:04:05Z\nt2,c2,0.20,2024-01-02T03:04:05Z\n"
    b't3,c3,-1,2024-01-02T03:04:05Z\nt4,c4,"1,000.5",2024-01-02T03:04:05Z\n'
)
# t2's amount has three fraction digits: rejected, and never summed.
ONE_BAD = VALID.replace(b"0.20", b"5.205")


def _produce(tmp_path: Path, body: bytes, ratio: str = "0") -> proof.Produced:
    source = tmp_path / "source.csv"
    source.write_bytes(body)
    config = CoreConfig.from_env({"MAX_INVALID_ROW_RATIO": ratio})
    return proof.produce(source, tmp_path / "out.csv", config=config, rejected=tmp_path / "r.csv")


def test_an_accepted_file_is_proven_by_its_output(tmp_path: Path) -> None:
    produced = _produce(tmp_path, VALID)

    output = (tmp_path / "out.csv").read_bytes()
    assert produced.outcome.ok
    assert produced.figures == Figures(
        rows_total=4,
        rows_valid=4,
        rows_rejected=0,
        amount_total="999.80",  # 0.10 + 0.20 - 1 + 1000.5, exactly (no float would say .80)
        source_sha256=hashlib.sha256(VALID).hexdigest(),
        output_sha256=hashlib.sha256(output).hexdigest(),
    )


def test_rejected_rows_are_never_summed(tmp_path: Path) -> None:
    produced = _produce(tmp_path, ONE_BAD, ratio="0.5")

    assert (produced.figures.rows_valid, produced.figures.rows_rejected) == (3, 1)
    assert produced.figures.amount_total == "999.60"


def test_a_rejected_file_proves_its_failed_copy(tmp_path: Path) -> None:
    produced = _produce(tmp_path, ONE_BAD)

    digest = hashlib.sha256(ONE_BAD).hexdigest()
    assert not produced.outcome.ok
    assert (produced.figures.amount_total, produced.figures.output_sha256) == ("0.00", digest)
    assert produced.figures.source_sha256 == digest


def test_sha256_reads_in_chunks(tmp_path: Path) -> None:
    path = tmp_path / "big"
    data = b"x" * (3 * 1024 * 1024 + 7)
    path.write_bytes(data)
    assert proof.sha256_file(path) == hashlib.sha256(data).hexdigest()


def test_an_accepted_file_without_the_cores_total_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_total = Outcome(ok=True, rows_total=1, rows_valid=1, rows_rejected=0)
    monkeypatch.setattr(proof, "process_file", lambda *a, **k: no_total)

    with pytest.raises(RuntimeError, match="reported no amount total"):
        _produce(tmp_path, VALID)
