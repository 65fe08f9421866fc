/*
 * The timestamp forms of docs/data-contract.md §3.3, parsed in one pass over a column.
 *
 * Input: an Arrow string-view array (format "vu", as polars exports a String column) of
 * trimmed values. Output: two Int64 Arrow arrays of the same length, microseconds since
 * 1970-01-01T00:00:00 (proleptic Gregorian):
 *   - `instant`: the UTC instant of a value that names one (`Z`, an offset, epoch seconds
 *     or milliseconds); null for every other value;
 *   - `wall`: the wall time of a date-time without offset or of a bare date (midnight),
 *     still to be read in SOURCE_TIMEZONE by the caller; null for every other value.
 * A value null in both is not in an accepted form, or names an impossible date or time.
 * The caller checks the years 0001-9999 of the resulting instant (§3.3).
 *
 * And the way back (§4): `etl_format_instants` writes Int64 UTC microseconds as
 * `YYYY-MM-DDTHH:MM:SSZ`, with `.ffffff` only when the sub-second part is non-zero, into a
 * string-view array (null where the input is null or outside the years 0001-9999).
 *
 * Values are untrusted bytes: every read is bounded by the value's length, nothing is
 * assumed about its contents. The Arrow structures come from polars and are trusted.
 * Plain C11; its outputs are built by arrays.c. One shared object per platform
 * (tools/build_native.py), loaded with ctypes (functions/core/native/__init__.py).
 */
#include <stdint.h>

#include "arrow.h"

enum { INVALID = 0, INSTANT = 1, WALL = 2 };

static const int64_t US_PER_S = 1000000;
static const int64_t US_PER_DAY = 86400LL * 1000000;

/* Two ASCII digits at p as a number, or -1. */
static inline int two_digits(const uint8_t *p) {
    unsigned a = (unsigned)p[0] - '0', b = (unsigned)p[1] - '0';
    return (a > 9 || b > 9) ? -1 : (int)(a * 10 + b);
}

static inline int is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* §3.3 for one trimmed value p[0..len): INSTANT or WALL with *us set, else INVALID. */
static int parse_one(const uint8_t *p, int64_t len, int64_t *us) {
    static const int month_days[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int64_t k = 0;
    while (k < len && (unsigned)p[k] - '0' <= 9) k++;
    if (k == len) { /* all digits: epoch seconds (9-11) or milliseconds (12-14), else ambiguous */
        if (len < 9 || len > 14) return INVALID;
        int64_t v = 0;
        for (k = 0; k < len; k++) v = v * 10 + (p[k] - '0');
        *us = len <= 11 ? v * US_PER_S : v * 1000;
        return INSTANT;
    }
    /* YYYY-MM-DD */
    if (len < 10 || p[4] != '-' || p[7] != '-') return INVALID;
    const int century = two_digits(p), year2 = two_digits(p + 2);
    const int month = two_digits(p + 5), day = two_digits(p + 8);
    if (century < 0 || year2 < 0 || month < 1 || month > 12 || day < 1) return INVALID;
    const int64_t year = century * 100 + year2;
    if (day > month_days[month] || (month == 2 && day == 29 && !is_leap(year))) return INVALID;
    int64_t value = days_from_civil(year, month, day) * US_PER_DAY;
    if (len == 10) { /* a bare date: midnight, in SOURCE_TIMEZONE */
        *us = value;
        return WALL;
    }
    /* [T ]HH:MM:SS */
    if (len < 19 || (p[10] != 'T' && p[10] != ' ') || p[13] != ':' || p[16] != ':') return INVALID;
    const int hour = two_digits(p + 11), minute = two_digits(p + 14), second = two_digits(p + 17);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59)
        return INVALID;
    value += (hour * 3600LL + minute * 60LL + second) * US_PER_S;
    k = 19;
    if (k < len && p[k] == '.') { /* 1-9 fraction digits; beyond microseconds truncated */
        int digits = 0;
        int64_t micros = 0;
        for (k++; k < len && (unsigned)p[k] - '0' <= 9; k++, digits++)
            if (digits < 6) micros = micros * 10 + (p[k] - '0');
        if (digits < 1 || digits > 9) return INVALID;
        for (; digits < 6; digits++) micros *= 10;
        value += micros;
    }
    if (k == len) { /* no offset: a wall time in SOURCE_TIMEZONE */
        *us = value;
        return WALL;
    }
    if (p[k] == 'Z') {
        if (k + 1 != len) return INVALID;
        *us = value;
        return INSTANT;
    }
    if (p[k] != '+' && p[k] != '-') return INVALID;
    /* ±HH:MM or ±HHMM, hours 00-23, minutes 00-59 */
    const uint8_t *o = p + k + 1;
    const int64_t rest = len - k - 1;
    int off_hours, off_minutes;
    if (rest == 5 && o[2] == ':') {
        off_hours = two_digits(o);
        off_minutes = two_digits(o + 3);
    } else if (rest == 4) {
        off_hours = two_digits(o);
        off_minutes = two_digits(o + 2);
    } else {
        return INVALID;
    }
    if (off_hours < 0 || off_hours > 23 || off_minutes < 0 || off_minutes > 59) return INVALID;
    const int64_t offset = (off_hours * 60LL + off_minutes) * 60 * US_PER_S;
    *us = p[k] == '+' ? value - offset : value + offset;
    return INSTANT;
}

/*
 * Parse `in` (a string-view array) into `instant` and `wall` (see the top of this file).
 * Returns 0, or -1 when memory runs out, or -2 when `in` is not a string-view array this
 * function can read; on an error neither output is set.
 */
int etl_parse_timestamps(const struct ArrowArray *in, struct ArrowArray *instant,
                         struct ArrowArray *wall) {
    if (!is_string_view(in)) return -2;
    const int64_t n = in->length;
    const uint8_t *in_validity = in->buffers[0];
    const view_t *views = (const view_t *)in->buffers[1] + in->offset;

    uint8_t *instant_valid, *wall_valid;
    int64_t *instant_us, *wall_us;
    if (etl_new_int64(instant, n, &instant_valid, &instant_us) != 0) return -1;
    if (etl_new_int64(wall, n, &wall_valid, &wall_us) != 0) {
        instant->release(instant);
        return -1;
    }
    int64_t instants = 0, walls = 0;
    for (int64_t i = 0; i < n; i++) {
        int kind = INVALID;
        int64_t us = 0;
        if (is_valid(in_validity, in->offset + i)) {
            const uint8_t *bytes = view_bytes(in, views + i);
            if (bytes == NULL) {
                instant->release(instant);
                wall->release(wall);
                return -2;
            }
            kind = parse_one(bytes, views[i].length, &us);
        }
        instant_us[i] = kind == INSTANT ? us : 0;
        wall_us[i] = kind == WALL ? us : 0;
        if (kind == INSTANT) {
            instant_valid[i >> 3] |= (uint8_t)(1u << (i & 7));
            instants++;
        } else if (kind == WALL) {
            wall_valid[i >> 3] |= (uint8_t)(1u << (i & 7));
            walls++;
        }
    }
    instant->null_count = n - instants;
    wall->null_count = n - walls;
    return 0;
}

/* The civil date of a day count since 1970-01-01 (H. Hinnant's civil_from_days). */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static inline void put2(uint8_t *p, int v) {
    p[0] = (uint8_t)('0' + v / 10);
    p[1] = (uint8_t)('0' + v % 10);
}

/* 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z: §4 writes four-digit years only. */
static const int64_t MIN_US = -62135596800LL * 1000000;
static const int64_t MAX_US = 253402300800LL * 1000000;
/* FORMAT_MAX_ROWS = INT32_MAX / INSTANT_LONGEST: the callers split longer arrays. */

/* arrow.h says what it writes; rows.c writes the output's timestamps with it. */
int32_t etl_put_instant(uint8_t *p, int64_t value) {
    if (value < MIN_US || value >= MAX_US) return 0;
    int64_t days = value / US_PER_DAY, rest = value % US_PER_DAY;
    if (rest < 0) {
        rest += US_PER_DAY;
        days--;
    }
    int64_t year;
    int month, day;
    civil_from_days(days, &year, &month, &day);
    const int64_t seconds = rest / US_PER_S, micros = rest % US_PER_S;
    put2(p, (int)(year / 100));
    put2(p + 2, (int)(year % 100));
    p[4] = '-';
    put2(p + 5, month);
    p[7] = '-';
    put2(p + 8, day);
    p[10] = 'T';
    put2(p + 11, (int)(seconds / 3600));
    p[13] = ':';
    put2(p + 14, (int)(seconds / 60 % 60));
    p[16] = ':';
    put2(p + 17, (int)(seconds % 60));
    int32_t length = 20;
    if (micros != 0) {
        p[19] = '.';
        for (int k = 25, f = (int)micros; k >= 20; k--, f /= 10) p[k] = (uint8_t)('0' + f % 10);
        length = 27;
    }
    p[length - 1] = 'Z';
    return length;
}

/*
 * Write `in` (Int64 UTC microseconds) as §4's text into `out` (a string-view array).
 * Returns 0, or -1 when memory runs out, -2 when `in` is not an Int64 array this function
 * can read, -3 when it is longer than FORMAT_MAX_ROWS; on an error `out` is not set.
 */
int etl_format_instants(const struct ArrowArray *in, struct ArrowArray *out) {
    if (in->n_buffers != 2 || in->length < 0 || in->offset < 0) return -2;
    const int64_t n = in->length;
    text_writer w;
    const int status = etl_text_begin(&w, n, INSTANT_LONGEST); /* before any read of `in`'s buffers */
    if (status != 0) return status;
    const uint8_t *in_validity = in->buffers[0];
    const int64_t *us = (const int64_t *)in->buffers[1] + in->offset;

    for (int64_t i = 0; i < n; i++) {
        if (!is_valid(in_validity, in->offset + i)) continue;
        const int32_t length = etl_put_instant(text_at(&w), us[i]);
        if (length > 0) text_commit(&w, i, length);
    }
    etl_text_finish(&w, out);
    return 0;
}
