"""Catalogues of field values for the adversarial generator: each form and its near misses.

Every entry is (name, value); the name becomes part of the tag a disagreement is counted
under. Whether a value is valid is not recorded here: the reference decides, so a
catalogue entry can never be "expected" wrongly.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

# §3.0: every White_Space character (trimmed) and the look-alikes that are not (kept).
WHITE_SPACE = {
    "tab": "\t", "vt": "\x0b", "ff": "\x0c", "space": " ", "nel": "\x85", "nbsp": "\xa0",
    "ogham": "\u1680", "en_quad": "\u2000", "em_quad": "\u2001", "en": "\u2002",
    "em": "\u2003", "three_per_em": "\u2004", "four_per_em": "\u2005", "six_per_em": "\u2006",
    "figure": "\u2007", "punct": "\u2008", "thin": "\u2009", "hair": "\u200a",
    "line_sep": "\u2028", "para_sep": "\u2029", "narrow_nbsp": "\u202f",
    "math": "\u205f", "ideographic": "\u3000",
}  # fmt: skip
NOT_WHITE_SPACE = {
    "zwsp": "\u200b", "bom": "\ufeff", "fs": "\x1c", "gs": "\x1d", "rs": "\x1e", "us": "\x1f",
    "mongolian_vs": "\u180e", "zwnj": "\u200c", "word_joiner": "\u2060", "nul": "\x00",
}  # fmt: skip

AMOUNTS = [
    ("zero", "0"), ("plus", "+5"), ("minus", "-5"), ("one_fraction_digit", "1234.5"),
    ("grouped", "1,234.56"), ("grouped_negative", "-1,234,567.89"), ("plus_grouped", "+999,000"),
    ("trailing_zeros", "1.500"), ("many_trailing_zeros", "1.10000000000000000000"),
    ("leading_zeros", "007.05"), ("leading_zeros_19_digits", "0000000000000000001.00"),
    ("leading_zeros_then_16", "00009999999999999999"), ("max_16_digits", "9999999999999999.99"),
    ("max_16_grouped", "-9,999,999,999,999,999.99"), ("negative_zero", "-0.00"),
    ("negative_zero_int", "-0"), ("plus_zero", "+0.0"), ("grouped_first_group_zero", "0,001"),
    ("grouped_first_group_000", "000,123"), ("cent", "0.01"), ("negative_cent", "-0.01"),
    ("ws_padded", "  42.1  "), ("negative_padded", " -1 "),
    # near misses
    ("int_17_digits", "12345678901234567"), ("int_17_digits_fraction", "12345678901234567.00"),
    ("grouped_17_digits", "12,345,678,901,234,567"), ("third_digit", "1.505"),
    ("third_digit_small", "0.001"), ("third_digit_before_zero", "1.0050"),
    ("negative_third_digit", "-0.005"), ("leading_dot", ".5"), ("trailing_dot", "5."),
    ("exponent", "1e3"), ("exponent_upper", "1E3"), ("nan", "NaN"), ("inf", "inf"),
    ("infinity", "-Infinity"), ("hex", "0x10"), ("sign_space", "- 5"), ("plus_space", "+ 5"),
    ("double_sign", "+-5"), ("double_minus", "--5"), ("group_of_2", "12,34"),
    ("group_of_4", "1,2345"), ("group_mixed", "1,234,56"), ("first_group_4", "1234,567"),
    ("leading_comma", ",123"), ("trailing_comma", "123,"), ("double_comma", "1,,234"),
    ("empty", ""), ("ws_only", " \t"), ("sign_only", "+"), ("minus_only", "-"),
    ("inner_space", "1 234"), ("underscore", "1_000"), ("two_dots", "1.2.3"),
    ("trailing_sign", "5-"), ("parentheses", "(5)"), ("currency", "$5"), ("percent", "5%"),
    ("fullwidth_digits", "\uff11\uff12\uff13"), ("arabic_indic_digits", "\u0661\u0662\u0663"),
    ("devanagari_fraction", "1.\u0969\u096b"), ("zwsp_before", "\u200b1"),
    ("zwsp_after", "1\u200b"), ("bom_before", "\ufeff1"), ("unit_separator_after", "1\x1f"),
    ("comma_decimal", "1,5"), ("fraction_grouped", "1.234,5"), ("space_in_fraction", "1. 5"),
    ("unicode_minus", "\u22125"), ("superscript_digit", "\u00b2"), ("fraction_empty_grouped", "1,000."),
]  # fmt: skip

TIMESTAMPS = [
    ("z", "2024-03-10T12:34:56Z"), ("space_separator", "2024-03-10 12:34:56Z"),
    ("offset_colon", "2024-03-10T12:34:56+02:00"), ("offset_no_colon", "2024-03-10T12:34:56-0530"),
    ("offset_minus_zero", "2024-03-10T12:34:56-00:00"), ("offset_max", "2024-01-01T00:00:00+23:59"),
    ("offset_min", "2024-01-01T00:00:00-2359"), ("local", "2024-07-10T12:34:56"),
    ("local_space", "2024-07-10 00:00:00"), ("bare_date", "2024-07-10"),
    ("fraction_zero", "2024-03-10T12:34:56.000Z"), ("fraction_submicro", "2024-03-10T12:34:56.0000005Z"),
    ("fraction_9_nines", "2024-12-31T23:59:59.999999999Z"), ("fraction_with_offset", "2024-03-10 12:34:56.123456789-0530"),
    ("leap_day", "2024-02-29T23:59:59+00:00"), ("year_0001", "0001-01-01T00:00:00Z"),
    ("year_0001_bare", "0001-01-01"), ("year_9999", "9999-12-31T23:59:59.999999999Z"),
    ("year_9999_bare", "9999-12-31"), ("ws_padded", " 2024-03-10T12:34:56Z\u3000"),
    ("epoch_s_9", "100000000"), ("epoch_s_9_zeros", "000000000"), ("epoch_s_10", "1710074096"),
    ("epoch_s_11", "99999999999"), ("epoch_ms_12", "100000000000"), ("epoch_ms_13", "1710074096789"),
    ("epoch_ms_14", "99999999999999"), ("epoch_s_leading_zero", "0000000001"),
    ("epoch_ms_zero_ms", "1710074096000"),
    # near misses
    ("fraction_0_digits", "2024-03-10T12:34:56.Z"), ("fraction_10_digits", "2024-03-10T12:34:56.1234567890Z"),
    ("no_seconds", "2024-01-01T00:00Z"), ("lower_t", "2024-01-01t00:00:00Z"), ("lower_z", "2024-01-01T00:00:00z"),
    ("two_spaces", "2024-01-01  00:00:00Z"), ("space_before_z", "2024-01-01T00:00:00 Z"),
    ("date_with_z", "2024-01-01Z"), ("date_with_offset", "2024-01-01+01:00"),
    ("unpadded_month", "2024-1-05"), ("unpadded_hour", "2024-01-01T1:00:00Z"),
    ("month_13", "2024-13-01T00:00:00Z"), ("day_32", "2024-01-32"), ("feb_30", "2024-02-30T00:00:00Z"),
    ("feb_29_not_leap", "2023-02-29"), ("feb_29_1900", "1900-02-29"), ("hour_24", "2024-01-01T24:00:00Z"),
    ("minute_60", "2024-01-01T12:60:00"), ("second_60", "2016-12-31T23:59:60Z"),
    ("year_0000", "0000-01-01T00:00:00Z"), ("offset_hour_24", "2024-01-01T00:00:00+24:00"),
    ("offset_minute_60", "2024-01-01T00:00:00+0060"), ("offset_hours_only", "2024-01-01T00:00:00+05"),
    ("offset_3_digits", "2024-01-01T00:00:00+053"), ("offset_seconds", "2024-01-01T00:00:00+05:30:00"),
    ("offset_then_z", "2024-01-01T00:00:00+01:00Z"), ("offset_unicode_minus", "2024-01-01T00:00:00\u221201:00"),
    ("epoch_8_digits", "20240101"), ("epoch_15_digits", "100000000000000"),
    ("epoch_negative", "-1700000000"), ("epoch_plus", "+1700000000"), ("epoch_fraction", "1700000000.5"),
    ("epoch_fullwidth", "\uff11\uff17\uff10\uff10\uff10\uff10\uff10\uff10\uff10\uff10"),
    ("year_0001_offset", "0001-01-01T00:00:00+01:00"), ("year_9999_negative_offset", "9999-12-31T23:59:59-01:00"),
    ("arabic_indic_year", "\u0662\u0660\u0662\u0664-01-01"), ("now", "now"), ("empty", ""),
    ("ws_only", "\u2003"), ("iso_week", "2024-W01-1"), ("ordinal", "2024-001"),
    ("compact", "20240101T000000Z"), ("slashes", "2024/01/01"), ("two_digit_year", "24-01-01"),
    ("five_digit_year", "12024-01-01"), ("zero_date", "0000-00-00"), ("zwsp_after", "2024-01-01\u200b"),
    ("comma_fraction", "2024-01-01T12:00:00,5Z"), ("t_only", "2024-01-01T"),
    ("zone_name", "2024-01-01T00:00:00 UTC"), ("offset_colon_hhmm_mixed", "2024-01-01T00:00:00+05:3"),
]  # fmt: skip

# Year edges whose verdict depends on SOURCE_TIMEZONE (LMT offsets of a few minutes).
ZONED_EDGES = [
    ("year_0001_local", "0001-01-01T00:00:00", ("Europe/Berlin", "America/New_York", "Asia/Kolkata")),
    ("year_0001_bare_local", "0001-01-01", ("Europe/Berlin", "America/New_York")),
    ("year_9999_local", "9999-12-31T23:59:59", ("America/New_York", "Europe/Berlin")),
    ("year_9999_bare_local", "9999-12-31", ("America/New_York", "Pacific/Chatham")),
]  # fmt: skip

# Zones with daylight saving (30- and 45-minute offsets, negative DST, midnight transitions)
# and without; years past the last transition the tz database lists (2037).
DST_ZONES = (
    "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "America/Havana",
    "Pacific/Chatham", "Europe/Dublin", "America/Sao_Paulo", "Asia/Kolkata",
)  # fmt: skip
DST_YEARS = (2018, 2024, 2037, 2038, 2050, 2100, 2101, 2200, 2500, 3000)


@cache
def transitions(zone: str, year: int) -> tuple[tuple[datetime, timedelta, timedelta], ...]:
    """(first UTC instant, offset before, offset after) of every offset change in `year`."""
    tz = ZoneInfo(zone)
    found = []
    day, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    while day < end:
        before, after = _offset(day, tz), _offset(day + timedelta(days=1), tz)
        if before != after:
            found.append((_bisect(day, day + timedelta(days=1), tz), before, after))
        day += timedelta(days=1)
    return tuple(found)


def _offset(instant: datetime, tz: ZoneInfo) -> timedelta:
    offset = instant.astimezone(tz).utcoffset()
    assert offset is not None
    return offset


def _bisect(lo: datetime, hi: datetime, tz: ZoneInfo) -> datetime:
    start = _offset(lo, tz)
    while hi - lo > timedelta(seconds=1):
        mid = lo + timedelta(seconds=int((hi - lo).total_seconds()) // 2)
        lo, hi = (mid, hi) if _offset(mid, tz) == start else (lo, mid)
    return hi


def dst_probes(zone: str, year: int) -> list[tuple[str, str]]:
    """Local wall times around each transition of `zone` in `year`: (name, ISO text)."""
    probes = [
        ("midsummer_noon", f"{year}-07-01T12:00:00"),
        ("midwinter_noon", f"{year}-01-15T12:00:00"),
    ]
    for instant, before, after in transitions(zone, year):
        kind = "gap" if after > before else "overlap"
        start = (instant + min(before, after)).replace(tzinfo=None)
        end = (instant + max(before, after)).replace(tzinfo=None)
        second = timedelta(seconds=1)
        marks = {
            "before": start - second, "start": start, "mid": start + (end - start) / 2,
            "last_second": end - second, "end": end,
        }  # fmt: skip
        probes += [(f"{kind}_{name}", t.isoformat(timespec="seconds")) for name, t in marks.items()]
        probes.append((f"{kind}_bare_date", start.date().isoformat()))
    return probes
