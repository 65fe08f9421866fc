"""The whole per-file compute of both handlers, S3 transfer excluded: ``make bench``'s row ``pipeline``.

What the validation function computes on a downloaded file (``functions.common.proof.produce``:
the source's sha256, the core's one run, the output's amount total and sha256), then what the
transformation function computes (the figures from the staged object's metadata, for the
server-side copy to processed/: no parsing, pipeline.md §1). Downloads, uploads and the copy
are S3 transfers, left out; the output written is the one processed/ receives.
"""

from __future__ import annotations

from pathlib import Path

from contract.proof import Figures
from functions.common.proof import produce
from functions.core import CoreConfig, Outcome

__all__ = ["CoreConfig", "process_file"]


def process_file(
    source: str | Path, output: str | Path, *, config: CoreConfig, rejected: str | Path
) -> Outcome:
    """Validate (the core once, with the proof), then the transformation's share."""
    produced = produce(Path(source), Path(output), config=config, rejected=Path(rejected))
    if produced.outcome.ok:
        Figures.from_metadata(produced.figures.metadata())  # what Transform reads back
    return produced.outcome
