/*
 * The transformed file's rows (docs/data-contract.md §4), written from a batch's columns in
 * one pass: each kept row as one CSV line of its fields in order, ending with LF, and the
 * exact sum of one column's amounts on the way.
 *
 * A field is written as polars' write_csv writes a string with its default quoting (which
 * wrote this file before): a null as nothing, an empty string as `""`, a value holding `,`
 * `"` CR or LF between quotes with each `"` doubled, any other value as it is
 * (functions/core/output.py's csv_field says the same in Python).
 *
 * Inputs: Arrow string-view arrays (format "vu") of one length, but for one column that may
 * be an Int64 array (format "l") of UTC microseconds, written as §4's timestamps by
 * timestamps.c's etl_put_instant (as etl_format_instants writes them, without a string
 * array in between); and optionally a boolean array (format "b") of the same length saying
 * which rows to write. The amount column's
 * values are §4's amounts (`-1234.50`: an optional `-`, digits, `.`, two digits). Values are
 * untrusted bytes: every read is bounded by a value's length and every write by the
 * caller's capacity. Plain C11, plus the compiler's 128-bit integer for the sum.
 */
#include <stdint.h>
#include <string.h>

#include "arrow.h"

enum {
    BAD_ARRAYS = -2,
    NO_ROOM = -4, /* the first row alone does not fit: *used says what it needs */
    NOT_AN_AMOUNT = -5,
};

/* The bytes that make a field quoted. */
static const uint8_t SPECIAL[256] = {[','] = 1, ['"'] = 1, ['\r'] = 1, ['\n'] = 1};

/* Entry `row` of string-view array `column`. */
static inline const view_t *view_at(const struct ArrowArray *column, int64_t row) {
    return (const view_t *)column->buffers[1] + column->offset + row;
}

/* The most bytes a row's fields can take: each one doubled, quoted, then `,` or LF; the
 * instant column's the longest instant and its separator. */
static int64_t row_bound(const struct ArrowArray *const *columns, int32_t k, int32_t instant,
                         int64_t row) {
    int64_t bound = 0;
    for (int32_t j = 0; j < k; j++) {
        if (j == instant) {
            bound += INSTANT_LONGEST + 1;
            continue;
        }
        const int64_t at = columns[j]->offset + row;
        const int64_t length = is_valid(columns[j]->buffers[0], at) ? view_at(columns[j], row)->length : 0;
        bound += 2 * length + 3;
    }
    return bound;
}

/* Field p[0..length) written at o as §4 writes it; returns the end of what was written. */
static uint8_t *put_field(uint8_t *o, const uint8_t *p, int32_t length) {
    uint8_t special = length == 0;
    for (int32_t i = 0; i < length; i++) special |= SPECIAL[p[i]];
    if (!special) {
        memcpy(o, p, (size_t)length);
        return o + length;
    }
    *o++ = '"';
    for (int32_t i = 0; i < length; i++) {
        if (p[i] == '"') *o++ = '"';
        *o++ = p[i];
    }
    *o++ = '"';
    return o;
}

/* Amount p[0..length) in hundredths, into *cents; 0, or NOT_AN_AMOUNT for another text. */
static int amount_cents(const uint8_t *p, int32_t length, int64_t *cents) {
    int32_t i = length > 0 && p[0] == '-';
    const int negative = i;
    /* at least one integer digit, `.`, two digits; at most 16 + 2 digits (data-contract §3.2) */
    if (length - i < 4 || length - i > 19 || p[length - 3] != '.') return NOT_AN_AMOUNT;
    int64_t value = 0;
    for (; i < length; i++) {
        if (i == length - 3) continue;
        if (p[i] < '0' || p[i] > '9') return NOT_AN_AMOUNT;
        value = value * 10 + (p[i] - '0');
    }
    *cents = negative ? -value : value;
    return 0;
}

static int is_kept(const struct ArrowArray *keep, int64_t row) {
    if (keep == NULL) return 1;
    const int64_t at = keep->offset + row;
    return is_valid(keep->buffers[0], at) && is_valid(keep->buffers[1], at);
}

/*
 * Write rows start, start + 1, ... of the `k` columns (those `keep` says, every row when it
 * is NULL) at `out`, as many whole rows as `capacity` bytes surely hold; column `instant`
 * (none when it is -1) is the Int64 one, a null or an instant outside the years 0001-9999
 * written as nothing (etl_format_instants' null). Sets *used to the
 * bytes written and adds the kept rows' amounts of column `amount` (none when it is -1) to
 * the 128-bit two's complement sum[0] (low) + sum[1] << 64.
 *
 * Returns the row to continue from (the columns' length once all are written), or
 * BAD_ARRAYS when the arrays are not what this function reads, NO_ROOM when row `start`
 * alone may not fit in `capacity` (*used is then the bytes it may need), NOT_AN_AMOUNT when
 * a kept amount is not §4's; on an error nothing is added to the sum.
 */
int64_t etl_write_rows(const struct ArrowArray *const *columns, int32_t k,
                       const struct ArrowArray *keep, int32_t amount, int32_t instant,
                       int64_t start, uint8_t *out, int64_t capacity, int64_t *used,
                       uint64_t sum[2]) {
    if (k <= 0 || amount < -1 || amount >= k || instant < -1 || instant >= k) return BAD_ARRAYS;
    if (instant >= 0 && instant == amount) return BAD_ARRAYS;
    const int64_t n = columns[0]->length;
    for (int32_t j = 0; j < k; j++) {
        const struct ArrowArray *c = columns[j];
        const int readable = j == instant ? c->n_buffers == 2 && c->offset >= 0 && c->buffers[1] != NULL
                                          : is_string_view(c);
        if (!readable || c->length != n) return BAD_ARRAYS;
    }
    if (keep != NULL &&
        (keep->n_buffers != 2 || keep->length != n || keep->offset < 0 || keep->buffers[1] == NULL))
        return BAD_ARRAYS;
    if (start < 0 || start > n) return BAD_ARRAYS;

    __int128 total = 0;
    uint8_t *o = out;
    int64_t row = start;
    for (; row < n; row++) {
        if (!is_kept(keep, row)) continue;
        const int64_t bound = row_bound(columns, k, instant, row);
        if (bound > capacity - (o - out)) {
            if (o == out) {
                *used = bound;
                return NO_ROOM;
            }
            break;
        }
        for (int32_t j = 0; j < k; j++) {
            const int64_t at = columns[j]->offset + row;
            if (j == instant) {
                if (is_valid(columns[j]->buffers[0], at))
                    o += etl_put_instant(o, ((const int64_t *)columns[j]->buffers[1])[at]);
            } else if (is_valid(columns[j]->buffers[0], at)) {
                const view_t *v = view_at(columns[j], row);
                const uint8_t *bytes = view_bytes(columns[j], v);
                if (bytes == NULL) return BAD_ARRAYS;
                if (j == amount) {
                    int64_t cents;
                    if (amount_cents(bytes, v->length, &cents) != 0) return NOT_AN_AMOUNT;
                    total += cents;
                }
                o = put_field(o, bytes, v->length);
            }
            *o++ = j + 1 < k ? ',' : '\n';
        }
    }
    unsigned __int128 updated = ((unsigned __int128)sum[1] << 64 | sum[0]) + (unsigned __int128)total;
    sum[0] = (uint64_t)updated;
    sum[1] = (uint64_t)(updated >> 64);
    *used = o - out;
    return row;
}
