"""Proof of processing (docs/pipeline.md §2): the figures one attempt proves, defined once.

The validation function computes them (``functions.common.proof``), they travel as payload
fields and as S3 user metadata of the staged and processed/ objects, the transformation
function and the failure path record them, the invariant checker recomputes them from the
files. Standard library only: the transformation function, which only promotes the staged
output, never imports polars for them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Final

#: The amount total of an attempt that wrote no rows to processed/.
NO_AMOUNT: Final = "0.00"
#: The row counts among the figures (the rest are strings).
COUNTS: Final = ("rows_total", "rows_valid", "rows_rejected")


@dataclass(frozen=True, slots=True)
class Figures:
    """The row counts and the proof of one attempt, as payload fields or S3 user metadata."""

    rows_total: int
    rows_valid: int
    rows_rejected: int
    amount_total: str
    source_sha256: str
    output_sha256: str

    def fields(self) -> dict[str, int | str]:
        """The figures under their payload/item names (``rows_total``, ``amount_total``...)."""
        return asdict(self)

    def metadata(self) -> dict[str, str]:
        """The figures as S3 user metadata (``rows-total``, ``amount-total``...)."""
        return {name.replace("_", "-"): str(value) for name, value in asdict(self).items()}

    @classmethod
    def from_metadata(cls, metadata: Mapping[str, str]) -> Figures:
        """The figures an object's user metadata records; ValueError when one is missing."""
        missing = [n for n in cls.__dataclass_fields__ if n.replace("_", "-") not in metadata]
        if missing:
            raise ValueError(f"object metadata lacks {missing}")
        values = {n: metadata[n.replace("_", "-")] for n in cls.__dataclass_fields__}
        return cls(
            **{n: int(values[n]) for n in COUNTS},
            amount_total=values["amount_total"],
            source_sha256=values["source_sha256"],
            output_sha256=values["output_sha256"],
        )
