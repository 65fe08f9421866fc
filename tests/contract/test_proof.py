"""The proof figures: one name per figure in payloads, items and S3 metadata."""

from __future__ import annotations

import dataclasses

import pytest

from contract.metadata import Attr
from contract.payloads import TransformResult, ValidateResult, field_names
from contract.proof import NO_AMOUNT, Figures


def test_figures_round_trip_through_s3_metadata() -> None:
    figures = Figures(1, 1, 0, "1.50", "a" * 64, "b" * 64)
    metadata = figures.metadata()
    assert metadata["amount-total"] == "1.50" and metadata["rows-total"] == "1"
    assert Figures.from_metadata({**metadata, "rank": "x"}) == figures
    del metadata["output-sha256"]
    with pytest.raises(ValueError, match="output_sha256"):
        Figures.from_metadata(metadata)


def test_every_figure_is_a_field_of_both_results_and_an_item_attribute() -> None:
    names = [f.name for f in dataclasses.fields(Figures)]
    for result in (ValidateResult, TransformResult):
        assert set(names) <= set(field_names(result))
    attributes = {getattr(Attr, n.upper()) for n in names}
    assert attributes == set(names)
    counts = {"rows_total": 0, "rows_valid": 0, "rows_rejected": 0}
    assert TransformResult.of("processed/x.csv", counts, superseded=True).amount_total == NO_AMOUNT
