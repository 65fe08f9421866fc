"""The core's C set of id keys (functions/core/native/ids.c): which keys of a batch it held.

The keys are given here as their two halves directly, so that the cases a hash would only
hit by chance (equal high halves, the key (0, 0), a set past its size) are exercised.
"""

from __future__ import annotations

import polars as pl
import pytest

from functions.core import native


def _halves(keys: list[tuple[int, int] | None]) -> tuple[pl.Series, pl.Series]:
    high = [None if k is None else k[0] for k in keys]
    low = [None if k is None else k[1] for k in keys]
    return pl.Series(high, dtype=pl.UInt64), pl.Series(low, dtype=pl.UInt64)


def _add(ids: native.IdSet, keys: list[tuple[int, int] | None]) -> list[int]:
    return ids.add(*_halves(keys)).to_list()


def test_a_repeat_is_a_key_held_before_in_this_batch_or_an_earlier_one() -> None:
    with native.IdSet(8) as ids:
        assert _add(ids, [(7, 1), (8, 2), (7, 1), (9, 3), (7, 1)]) == [2, 4]
        assert _add(ids, [(9, 3), (10, 4), (10, 4), (8, 2)]) == [0, 2, 3]
        assert _add(ids, []) == []


def test_the_whole_key_decides_not_one_half() -> None:
    with native.IdSet(8) as ids:
        assert _add(ids, [(7, 1), (7, 2), (5, 1), (7, 1), (5, 1)]) == [3, 4]


def test_a_null_key_is_no_id_and_the_zero_key_is_one() -> None:
    with native.IdSet(8) as ids:
        assert _add(ids, [None, None, (0, 0), (0, 1), (0, 0), (1, 0)]) == [4]
        assert _add(ids, [(0, 1), (1, 0), (0, 0), None]) == [0, 1, 2]


def test_a_set_grows_past_the_keys_it_was_sized_for() -> None:
    """Sized for 1 key, given 100,000 distinct ones (many doublings): every one is kept."""
    keys = [(i * 0x9E3779B97F4A7C15 % 2**64, i) for i in range(1, 100_001)]
    with native.IdSet(1) as ids:
        assert _add(ids, keys) == []
        assert _add(ids, keys[::1000]) == list(range(100))
        assert _add(ids, [(k[0], k[1] + 1) for k in keys[:50]]) == []  # same highs, new lows


def test_two_sets_hold_their_own_keys() -> None:
    with native.IdSet(4) as one, native.IdSet(4) as other:
        assert _add(one, [(1, 1)]) == []
        assert _add(other, [(2, 2), (1, 1)]) == []
        assert _add(one, [(2, 2), (1, 1)]) == [1]


def test_a_closed_set_refuses_keys_and_closes_once() -> None:
    ids = native.IdSet(4)
    ids.close()
    ids.close()
    with pytest.raises(ValueError, match="closed"):
        _add(ids, [(1, 1)])


def test_halves_of_another_type_are_refused() -> None:
    with native.IdSet(4) as ids, pytest.raises(TypeError, match="Arrow format"):
        ids.add(pl.Series([1], dtype=pl.Int64), pl.Series([1], dtype=pl.Int64))


def test_halves_of_different_lengths_are_refused() -> None:
    high, _ = _halves([(1, 1), (2, 2)])
    _, low = _halves([(1, 1)])
    with native.IdSet(4) as ids, pytest.raises(RuntimeError, match="not an array of the expected"):
        ids.add(high, low)


def test_chunked_halves_are_read_as_one_column() -> None:
    high, low = _halves([(1, 1), (2, 2)])
    high2, low2 = _halves([(3, 3), (1, 1)])
    with native.IdSet(4) as ids:
        found = ids.add(pl.concat([high, high2], rechunk=False), pl.concat([low, low2]))
        assert found.to_list() == [3]
