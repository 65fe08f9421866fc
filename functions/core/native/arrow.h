/*
 * The Arrow C data interface structures (https://arrow.apache.org/docs/format/CDataInterface.html)
 * and the layout of one string-view entry: the ABI timestamps.c exchanges with polars, also
 * used by tests/tools/native_driver.c.
 */
#ifndef ETL_ARROW_H
#define ETL_ARROW_H

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

#endif
