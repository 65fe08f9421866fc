/*
 * The amount rule of docs/data-contract.md §3.2, in one pass over a column: each trimmed
 * value that is a plain decimal fitting DECIMAL(18,2) is written as §4 writes an amount,
 * every other value becomes null.
 *
 * Accepted, as functions/core/rules/amount.py's ACCEPTED_RE says: an optional sign, an
 * integer part of plain digits or of 1-3 digits then `,ddd` groups, then optionally `.` and
 * one or two digits followed only by zeros; at most 16 integer digits once leading zeros
 * are dropped. Written: `-` for a negative non-zero value, the integer digits without
 * leading zeros (`0` if none), `.`, exactly two fraction digits; so `+5` is `5.00`,
 * `"1,234.5"` is `1234.50` and `-0.00` is `0.00`. Nothing is rounded: a value that would
 * need rounding is not accepted.
 *
 * Input: an Arrow string-view array (format "vu"), output: one of the same length; values
 * are untrusted bytes, every read is bounded by the value's length. Plain C11; the output
 * is built by arrays.c.
 */
#include <stdint.h>

#include "arrow.h"

enum { MAX_INTEGER_DIGITS = 16, LONGEST = 1 + MAX_INTEGER_DIGITS + 3 }; /* -d{16}.dd */

static inline int is_digit(uint8_t c) { return c >= '0' && c <= '9'; }

/* Value p[0..len) written at out as §4's amount: its length, or 0 when it is not accepted. */
static int32_t normalize_one(const uint8_t *p, int64_t len, uint8_t *out) {
    int64_t i = 0;
    const int negative = len > 0 && p[0] == '-';
    if (len > 0 && (p[0] == '-' || p[0] == '+')) i++;

    /* the integer part, its significant digits copied to out + 1 (after room for a sign) */
    uint8_t *digits = out + 1;
    int32_t significant = 0;
    int64_t run = 0; /* digits since the start or the last comma */
    int grouped = 0;
    for (; i < len; i++) {
        const uint8_t c = p[i];
        if (is_digit(c)) {
            run++; /* a group too long is refused at its end */
            if (significant > 0 || c != '0') {
                if (significant == MAX_INTEGER_DIGITS) return 0; /* beyond DECIMAL(18,2) */
                digits[significant++] = c;
            }
        } else if (c == ',') {
            /* the first group has 1-3 digits, every later one exactly 3 */
            if (run == 0 || run > 3 || (grouped && run != 3)) return 0;
            grouped = 1;
            run = 0;
        } else {
            break;
        }
    }
    if (run == 0 || (grouped && run != 3)) return 0; /* no digit, or ends in a short group */

    /* the fraction: one or two digits, then only zeros */
    uint8_t fraction[2] = {'0', '0'};
    if (i < len) {
        if (p[i] != '.') return 0;
        i++;
        if (i == len) return 0; /* `1.` */
        for (int64_t k = 0; i < len; i++, k++) {
            const uint8_t c = p[i];
            if (!is_digit(c)) return 0;
            if (k < 2) fraction[k] = c;
            else if (c != '0') return 0; /* a third significant fraction digit */
        }
    }

    const int zero = significant == 0 && fraction[0] == '0' && fraction[1] == '0';
    uint8_t *start = digits;
    if (significant == 0) digits[significant++] = '0';
    if (negative && !zero) *--start = '-';
    uint8_t *end = digits + significant;
    end[0] = '.';
    end[1] = fraction[0];
    end[2] = fraction[1];
    const int32_t length = (int32_t)(end + 3 - start);
    if (start != out) /* no sign: move the text to the start */
        for (int32_t k = 0; k < length; k++) out[k] = start[k];
    return length;
}

/*
 * Normalize `in` (a string-view array of trimmed values) into `out` (a string-view array).
 * Returns 0, or -1 when memory runs out, -2 when `in` is not a string-view array this
 * function can read, -3 when it is longer than INT32_MAX / 20 rows; on an error `out` is
 * not set.
 */
int etl_normalize_amounts(const struct ArrowArray *in, struct ArrowArray *out) {
    if (!is_string_view(in)) return -2;
    const int64_t n = in->length;
    text_writer w;
    const int status = etl_text_begin(&w, n, LONGEST); /* before any read of `in`'s buffers */
    if (status != 0) return status;
    const uint8_t *in_validity = in->buffers[0];
    const view_t *views = (const view_t *)in->buffers[1] + in->offset;
    for (int64_t i = 0; i < n; i++) {
        if (!is_valid(in_validity, in->offset + i)) continue;
        const uint8_t *bytes = view_bytes(in, views + i);
        if (bytes == NULL) {
            etl_text_finish(&w, out);
            out->release(out);
            return -2;
        }
        const int32_t length = normalize_one(bytes, views[i].length, text_at(&w));
        if (length > 0) text_commit(&w, i, length);
    }
    etl_text_finish(&w, out);
    return 0;
}
