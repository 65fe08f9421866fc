"""Proof of processing (docs/pipeline.md §2): counts, the exact amount total and two digests.

Computed by the validation function, the one place that sees both the source bytes and the
output bytes: sha256 of the downloaded version, then sha256 and the exact sum of the
``amount`` column of the output file it stages (the bytes processed/ receives unchanged, by
a server-side copy). The digests read 1 MiB at a time; the sum is the core's own
(``Outcome.amount_total``, a Decimal total of what it wrote, never a float), so the output
is not read a second time for it. They travel as S3 user metadata on the staged and
processed/ objects and as payload fields (``contract.proof.Figures``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from contract.proof import COUNTS, NO_AMOUNT, Figures
from functions.core import CoreConfig, Outcome, process_file

_CHUNK = 1024 * 1024


def sha256_file(path: Path) -> str:
    """Hex sha256 of a local file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Produced:
    """The one run of the core on a file, with its figures."""

    outcome: Outcome
    figures: Figures


def produce(source: Path, output: Path, *, config: CoreConfig, rejected: Path) -> Produced:
    """Run the core once on ``source`` and prove it: all the per-file compute of the pipeline.

    An accepted file's figures are its output's (amount total, digest); a rejected file's
    outcome is the failed/ copy of the source, so both digests are the source's and nothing
    reached processed/ (NO_AMOUNT).
    """
    source_sha256 = sha256_file(source)
    outcome = process_file(source, output, config=config, rejected=rejected)
    counts = {n: int(getattr(outcome, n)) for n in COUNTS}
    if not outcome.ok:
        return Produced(
            outcome,
            Figures(
                **counts,
                amount_total=NO_AMOUNT,
                source_sha256=source_sha256,
                output_sha256=source_sha256,
            ),
        )
    if outcome.amount_total is None:  # process_file sums every file it accepts and writes
        raise RuntimeError("the core accepted the file but reported no amount total")
    figures = Figures(
        **counts,
        amount_total=outcome.amount_total,
        source_sha256=source_sha256,
        output_sha256=sha256_file(output),
    )
    return Produced(outcome, figures)
