"""contract.ordering: the S3 sequencer comparison AWS documents (right-pad, then compare)."""

from __future__ import annotations

import pytest

from contract.ordering import RANK_WIDTH, newer, rank


def test_shorter_sequencers_are_right_padded_before_comparing() -> None:
    # As strings "1B" < "1A00" would be false; padded, 1B00 > 1A00: the later event.
    assert newer("1B", "1A00") and not newer("1A00", "1B")
    assert rank("1b") == rank("1B00") and len(rank("1B")) == RANK_WIDTH


def test_an_unknown_sequencer_ranks_below_every_known_one() -> None:
    assert newer("0000000000000001", "") and rank("") == "0" * RANK_WIDTH


@pytest.mark.parametrize("bad", ["xyz", "1" * (RANK_WIDTH + 1), "12 34"])
def test_anything_else_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="not an S3 sequencer"):
        rank(bad)
