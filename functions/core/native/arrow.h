/*
 * The Arrow C data interface structures (https://arrow.apache.org/docs/format/CDataInterface.html)
 * and the layout of one string-view entry: the ABI the routines exchange with polars, also
 * used by tests/tools/native_driver.c. Then what the routines share to read an input array
 * and build an output one (arrays.c).
 */
#ifndef ETL_ARROW_H
#define ETL_ARROW_H

#include <stddef.h>
#include <stdint.h>

struct ArrowSchema {
    const char *format;
    const char *name;
    const char *metadata;
    int64_t flags;
    int64_t n_children;
    struct ArrowSchema **children;
    struct ArrowSchema *dictionary;
    void (*release)(struct ArrowSchema *);
    void *private_data;
};

struct ArrowArray {
    int64_t length;
    int64_t null_count;
    int64_t offset;
    int64_t n_buffers;
    int64_t n_children;
    const void **buffers;
    struct ArrowArray **children;
    struct ArrowArray *dictionary;
    void (*release)(struct ArrowArray *);
    void *private_data;
};

/* One entry of a string-view array: up to 12 bytes inline, longer ones in a data buffer. */
typedef struct {
    int32_t length;
    union {
        uint8_t inline_bytes[12];
        struct {
            uint8_t prefix[4];
            int32_t buffer;
            int32_t offset;
        } ref;
    } u;
} view_t;

/* Whether entry `at` (counted from the buffers' start) is valid; no bitmap: all are. */
static inline int is_valid(const uint8_t *validity, int64_t at) {
    return validity == NULL || (validity[at >> 3] >> (at & 7) & 1);
}

/* The bytes of view `v` of string-view array `in`, or NULL when it names a data buffer the
 * array does not have. */
static inline const uint8_t *view_bytes(const struct ArrowArray *in, const view_t *v) {
    if (v->length <= 12) return v->u.inline_bytes;
    if (v->u.ref.buffer < 0 || v->u.ref.buffer >= in->n_buffers - 3) return NULL;
    return (const uint8_t *)in->buffers[2 + v->u.ref.buffer] + v->u.ref.offset;
}

/* Whether `in` has the buffers of a string-view array (validity, views, data..., sizes). */
static inline int is_string_view(const struct ArrowArray *in) {
    return in->n_buffers >= 3 && in->length >= 0 && in->offset >= 0;
}

#define ETL_HIDDEN __attribute__((visibility("hidden")))

/* §4's text of an instant, Int64 UTC microseconds, is at most this long:
 * YYYY-MM-DDTHH:MM:SS.ffffffZ. */
enum { INSTANT_LONGEST = 27 };

/* Write instant `us` at p as §4 writes it (timestamps.c): `YYYY-MM-DDTHH:MM:SSZ`, with
 * `.ffffff` only when the sub-second part is non-zero; returns its length, or 0 (nothing
 * written) outside the years 0001-9999. p has room for INSTANT_LONGEST bytes. */
ETL_HIDDEN int32_t etl_put_instant(uint8_t *p, int64_t us);

/* An Int64 output of `length` values, all null until set; -1 when memory runs out. */
ETL_HIDDEN int etl_new_int64(struct ArrowArray *array, int64_t length, uint8_t **validity,
                             int64_t **values);

/* A string-view output being written, of `length` values of at most `longest` bytes each.
 * For value i: write its bytes at `text_at(w)`, then `text_commit(w, i, n)`; a value not
 * committed is null. `text_finish` hands the array over to `out`. */
typedef struct {
    struct text_block *block;
    uint8_t *validity;
    view_t *views;
    uint8_t *text;
    int64_t length, written, valid;
} text_writer;

/* -1 when memory runs out, -3 when length * longest exceeds the 32-bit offsets of views. */
ETL_HIDDEN int etl_text_begin(text_writer *w, int64_t length, int32_t longest);
ETL_HIDDEN void etl_text_finish(text_writer *w, struct ArrowArray *out);

static inline uint8_t *text_at(const text_writer *w) { return w->text + w->written; }

static inline void text_commit(text_writer *w, int64_t i, int32_t length) {
    view_t *v = w->views + i;
    const uint8_t *p = w->text + w->written;
    v->length = length;
    if (length <= 12) { /* inline: the bytes written are overwritten by the next value */
        for (int32_t k = 0; k < length; k++) v->u.inline_bytes[k] = p[k];
    } else {
        for (int k = 0; k < 4; k++) v->u.ref.prefix[k] = p[k];
        v->u.ref.buffer = 0;
        v->u.ref.offset = (int32_t)w->written;
        w->written += length;
    }
    w->validity[i >> 3] |= (uint8_t)(1u << (i & 7));
    w->valid++;
}

#endif
