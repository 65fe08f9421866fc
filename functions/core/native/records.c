/*
 * The usual case of docs/data-contract.md §2.1, checked in one pass over a piece of the file:
 * every byte is UTF-8, and the bytes are whole records of exactly `width` fields, each on one
 * line and ending with LF or CRLF.
 *
 * It is the fast path of the structure pass (functions/core/structure.py): a yes (the number
 * of records, which is also the number of LFs) means the piece is valid and its records are
 * its lines, so the pass need not count them; a no (-1) means only "not the usual case", and
 * the piece goes through the regular expressions and the tokenizer, which find and explain
 * the problem (or accept a record spanning lines). So the only thing this code must never do
 * is say yes to what they reject; tests/functions/core/native/test_records.py holds it
 * to that answer on generated pieces, in both directions.
 *
 * The grammar, as syntax.py writes it (UNQUOTED, QUOTED), less the line feeds QUOTED allows
 * inside quotes: a field is either
 *   - unquoted: bytes other than `"` `,` CR LF, or
 *   - quoted: `"`, then bytes other than `"` and LF or a doubled `""`, then `"`;
 * fields are separated by `,`; a record ends with LF or CRLF. A CR is allowed inside a
 * quoted field (as data), nowhere else but right before the LF ending a record.
 *
 * UTF-8 is checked as Rust's str::from_utf8 (and Python's strict decoder) does: no overlong
 * forms, no surrogates (U+D800-DFFF), nothing above U+10FFFF, no truncated sequence.
 * Plain C11, no allocation; every read is bounded by `length`.
 */
#include <stdint.h>

/* The length of the character starting at p[0] within p[0..left): 1 for ASCII, 2-4 for a
 * valid UTF-8 sequence, 0 for anything else. */
static inline int64_t char_length(const uint8_t *p, int64_t left) {
    const uint8_t b = p[0];
    if (b < 0x80) return 1;
    int64_t n;
    uint8_t lo = 0x80, hi = 0xBF; /* the allowed range of the second byte */
    if (b >= 0xC2 && b <= 0xDF) {
        n = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
        n = 3;
        if (b == 0xE0) lo = 0xA0;      /* overlong below U+0800 */
        else if (b == 0xED) hi = 0x9F; /* surrogates */
    } else if (b >= 0xF0 && b <= 0xF4) {
        n = 4;
        if (b == 0xF0) lo = 0x90;      /* overlong below U+10000 */
        else if (b == 0xF4) hi = 0x8F; /* above U+10FFFF */
    } else {
        return 0; /* a continuation byte, C0, C1 or F5-FF first */
    }
    if (left < n || p[1] < lo || p[1] > hi) return 0;
    for (int64_t k = 2; k < n; k++)
        if ((p[k] & 0xC0) != 0x80) return 0;
    return n;
}

/* 1 for the bytes an unquoted field holds as they are: ASCII but `"` `,` CR LF. Every byte
 * from 0x80 is 0: char_length checks it. One load and test per usual byte instead of a
 * chain of them (0.79x the time of this function on the benchmark's file). */
static const uint8_t PLAIN[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 0, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* Where the quoted field opening at data[i] (a quote) ends, just past its closing quote; -1
 * when it is never closed, holds a LF (a record spanning lines: not the usual case) or a
 * byte that is not UTF-8. */
static int64_t quoted_end(const uint8_t *data, int64_t i, int64_t length) {
    i++;
    while (i < length) {
        const uint8_t c = data[i];
        if (c == '"') {
            if (i + 1 < length && data[i + 1] == '"') {
                i += 2; /* a doubled quote */
                continue;
            }
            return i + 1;
        }
        if (c == '\n') return -1;
        const int64_t n = char_length(data + i, length - i);
        if (n == 0) return -1;
        i += n;
    }
    return -1;
}

/* Where the unquoted field (possibly empty) starting at data[i] ends, at its first quote,
 * comma, CR, LF or the end of the piece; -1 at a byte that is not UTF-8. */
static int64_t unquoted_end(const uint8_t *data, int64_t i, int64_t length) {
    while (i < length) {
        while (i < length && PLAIN[data[i]]) i++;
        if (i >= length) break;
        const uint8_t c = data[i];
        if (c == '"' || c == ',' || c == '\r' || c == '\n') return i;
        const int64_t n = char_length(data + i, length - i);
        if (n == 0) return -1;
        i += n;
    }
    return i;
}

/* The number of records when data[0..length) is valid UTF-8 made of whole one-line records
 * of `width` fields (0 for an empty piece), else -1. */
int64_t etl_one_line_records(const uint8_t *data, int64_t length, int64_t width) {
    if (width < 1) return -1;
    int64_t i = 0, records = 0;
    while (i < length) { /* a record starts at i */
        int64_t fields = 0;
        for (;;) { /* a field starts at i, possibly at the end of the piece (after a comma) */
            fields++;
            const int quoted = i < length && data[i] == '"';
            i = quoted ? quoted_end(data, i, length) : unquoted_end(data, i, length);
            if (i < 0) return -1;
            /* after a field: a separator or the end of the record, nothing else */
            if (i >= length) return -1; /* the piece ends inside a record */
            const uint8_t c = data[i];
            if (c == ',') {
                i++;
                continue; /* the next field */
            }
            if (c == '\r') {
                if (i + 1 >= length || data[i + 1] != '\n') return -1; /* a lone CR */
                i++;
            } else if (c != '\n') {
                return -1; /* a stray quote, or text after a closing quote */
            }
            i++; /* past the LF: the next record starts here */
            break;
        }
        if (fields != width) return -1;
        records++;
    }
    return records;
}
