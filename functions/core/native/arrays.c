/*
 * The output arrays every routine builds (declared in arrow.h), and their schemas. Each
 * output owns one allocation holding its buffer pointers and buffers, freed by its release,
 * which polars calls when it is done with the buffers it took over.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arrow.h"

static void release_block(struct ArrowArray *array) {
    free(array->private_data);
    array->release = NULL;
}

/* `array` as an output of `length` values whose buffers live in `block`, which it owns. */
static void owned_array(struct ArrowArray *array, int64_t length, int64_t null_count,
                        int64_t n_buffers, const void **buffers, void *block) {
    *array = (struct ArrowArray){
        .length = length,
        .null_count = null_count,
        .offset = 0,
        .n_buffers = n_buffers,
        .n_children = 0,
        .buffers = buffers,
        .children = NULL,
        .dictionary = NULL,
        .release = release_block,
        .private_data = block,
    };
}

/* Where a buffer starts after `used` bytes: 64-byte aligned, as Arrow recommends. */
static size_t aligned(size_t used) { return (used + 63) & ~(size_t)63; }

/* An Int64 array's allocation: the buffers' pointers, the validity, the values. */
struct int64_block {
    const void *buffers[2];
};

int etl_new_int64(struct ArrowArray *array, int64_t length, uint8_t **validity, int64_t **values) {
    const size_t bitmap = (size_t)(length + 7) / 8;
    const size_t values_at = aligned(sizeof(struct int64_block) + bitmap);
    struct int64_block *block = malloc(values_at + (size_t)length * 8 + 8);
    if (block == NULL) return -1;
    *validity = (uint8_t *)(block + 1);
    *values = (int64_t *)((uint8_t *)block + values_at);
    memset(*validity, 0, bitmap);
    block->buffers[0] = *validity;
    block->buffers[1] = *values;
    /* the null count is the caller's to set once the values are written */
    owned_array(array, length, 0, 2, block->buffers, block);
    return 0;
}

/* A string-view array's allocation: buffer pointers, validity, views, text, text size. */
struct text_block {
    const void *buffers[4];
    int64_t text_size;
};

int etl_text_begin(text_writer *w, int64_t length, int32_t longest) {
    if (length < 0 || longest < 0) return -2;
    if (longest > 0 && length > INT32_MAX / longest) return -3; /* 32-bit text offsets */
    const size_t bitmap = (size_t)(length + 7) / 8;
    const size_t views_at = aligned(sizeof(struct text_block) + bitmap);
    const size_t text_at = views_at + (size_t)length * sizeof(view_t);
    /* + 12: an inline value is written past the text before it is copied into its view */
    struct text_block *block = malloc(text_at + (size_t)length * (size_t)longest + 12 + 1);
    if (block == NULL) return -1;
    *w = (text_writer){
        .block = block,
        .validity = (uint8_t *)(block + 1),
        .views = (view_t *)((uint8_t *)block + views_at),
        .text = (uint8_t *)block + text_at,
        .length = length,
        .written = 0,
        .valid = 0,
    };
    memset(w->validity, 0, bitmap);
    memset(w->views, 0, (size_t)length * sizeof(view_t));
    return 0;
}

void etl_text_finish(text_writer *w, struct ArrowArray *out) {
    struct text_block *block = w->block;
    block->text_size = w->written;
    block->buffers[0] = w->validity;
    block->buffers[1] = w->views;
    block->buffers[2] = w->text;
    block->buffers[3] = &block->text_size;
    owned_array(out, w->length, w->length - w->valid, 4, block->buffers, block);
}

static void release_schema(struct ArrowSchema *schema) { schema->release = NULL; }

/* The schema of an output: a nullable Int64 ("l") or a nullable string view ("vu"). */
static void nullable_schema(struct ArrowSchema *schema, const char *format) {
    *schema = (struct ArrowSchema){
        .format = format,
        .name = "",
        .metadata = NULL,
        .flags = 2, /* ARROW_FLAG_NULLABLE */
        .n_children = 0,
        .children = NULL,
        .dictionary = NULL,
        .release = release_schema,
        .private_data = NULL,
    };
}

void etl_int64_schema(struct ArrowSchema *schema) { nullable_schema(schema, "l"); }

void etl_string_view_schema(struct ArrowSchema *schema) { nullable_schema(schema, "vu"); }
